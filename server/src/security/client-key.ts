import { isIPv4, isIPv6 } from 'node:net';

/**
 * The group a client address is counted in by the rate limits: an IPv4 address on its own; an IPv6 address by
 * its /64 (one subscriber line or LAN gets a whole /64, so a single client can pick any of 2^64 addresses in
 * it); an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, how a dual-stack socket shows an IPv4 client) as its
 * IPv4; a port some proxies append is dropped. Anything else (an empty ip once the socket is gone) is its
 * own group, as it is.
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  // Some proxies append the client's port ('203.0.113.7:51234', '[2001:db8::1]:51234'): one client, any port.
  const withPort = PORT_SUFFIX.exec(ip);
  if (withPort) return clientKey(withPort[1] ?? withPort[2]);
  if (ip.length > 7 && ip.slice(0, 7).toLowerCase() === '::ffff:' && isIPv4(ip.slice(7))) return ip.slice(7);
  const zone = ip.indexOf('%');
  const address = zone === -1 ? ip : ip.slice(0, zone);
  if (!isIPv6(address)) return ip;
  const g = ipv6Groups(address);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  }
  return `${g[0].toString(16)}:${g[1].toString(16)}:${g[2].toString(16)}:${g[3].toString(16)}::/64`;
}

const PORT_SUFFIX = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9A-Fa-f:.]+(?:%[^\]]*)?)\]):\d{1,5}$/;

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string) => {
    const out: number[] = [];
    for (const piece of part ? part.split(':') : []) {
      if (piece.includes('.')) {
        const [a, b, c, d] = piece.split('.').map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
