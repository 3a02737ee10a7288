// HTTP calls from a chosen loopback address, so one machine can play several clients: the socket is bound
// to `localAddress` (any of 127.0.0.0/8 works on Linux) and the server sees it as the remote address.
import { Agent, request } from 'node:http';

/** An answer: status, headers (lower-case names) and the parsed JSON body (null when there is none). */
export interface ClientAnswer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** A client whose requests all come from `localAddress`; keep-alive, like a browser. */
export function clientAt(localAddress: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  function call<T = any>(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ClientAnswer<T>> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const url = new URL(path, baseUrl);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent,
          localAddress,
          headers: {
            ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              parsed = null;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed as T });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  return { address: localAddress, call, close: () => agent.destroy() };
}

export type Client = ReturnType<typeof clientAt>;
