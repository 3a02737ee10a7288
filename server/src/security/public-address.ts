/**
 * The SSRF guard for the platform's webhook endpoints: in production an endpoint's host must resolve to
 * public addresses only, or checkout-best could be made to POST into its own network (a database admin page,
 * the cloud's metadata service at 169.254.169.254). Checked when an endpoint is created or changed, and again
 * before every delivery, since DNS may change after the check.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** The ranges refused, each with the name a refusal gives. */
const RANGES: Array<[name: string, family: 'ipv4' | 'ipv6', network: string, prefix: number]> = [
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['carrier-grade NAT', 'ipv4', '100.64.0.0', 10],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['private', 'ipv4', '192.0.0.0', 24],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['private', 'ipv4', '198.18.0.0', 15],
  ['multicast or reserved', 'ipv4', '224.0.0.0', 3],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['private', 'ipv6', 'fc00::', 7],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['multicast', 'ipv6', 'ff00::', 8],
];

/** Cloud metadata services outside the ranges above (AWS's IPv6 one is in fc00::/7, Alibaba's in 100.64/10). */
const METADATA = ['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254'];

const lists = RANGES.map(([name, family, network, prefix]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { name, family, list };
});

/**
 * An IPv4 address carried in IPv6 (mapped `::ffff:10.0.0.1` or `::ffff:a00:1`, compatible `::10.0.0.1`, NAT64
 * `64:ff9b::10.0.0.1`), as IPv4, so it is judged as the address it reaches; else null.
 */
function embeddedIpv4(address: string): string | null {
  const m = /^(?:::ffff:(?:0+:)?|::|64:ff9b::)([0-9a-f]{1,4}:[0-9a-f]{1,4}|[0-9.]+)$/i.exec(address);
  if (!m) return null;
  if (isIP(m[1]) === 4) return m[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]);
  if (!hex) return null;
  const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Why an IP address is not a public one ('loopback', 'private', 'metadata service', …), or null when it is. */
export function nonPublicReason(address: string): string | null {
  const v4 = embeddedIpv4(address);
  if (v4) return nonPublicReason(v4);
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  if (METADATA.includes(address.toLowerCase())) return 'metadata service';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return lists.find((l) => l.family === type && l.list.check(address, type))?.name ?? null;
}

/** Resolves a host name to every address it has (an IP literal resolves to itself). */
export type Resolve = (host: string) => Promise<string[]>;
export const resolveAll: Resolve = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Why the host of `url` may not be delivered to: one of its addresses is not public, or it does not resolve.
 * Null when every address is public.
 */
export async function refusedHost(url: string, resolve: Resolve = resolveAll): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    return `host does not resolve (${(err as { code?: string }).code ?? 'lookup failed'})`;
  }
  if (addresses.length === 0) return 'host does not resolve';
  for (const address of addresses) {
    const reason = nonPublicReason(address);
    if (reason) return `host resolves to ${address} (${reason})`;
  }
  return null;
}
