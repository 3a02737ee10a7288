// A platform's webhook receiver for tests: a local HTTP server that records every request it gets (headers and
// raw body) and answers as the test tells it: a status code, or 'hang' (never answers: a timeout).
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed body. */
  event: { id: string; type: string; created_at: string; store_id: string; data: any };
}

/** What to answer the n-th request (0-based): a status, a status with headers and a body, or no answer. */
export type Behaviour = (n: number, r: Received) => number | 'hang' | { status: number; headers?: Record<string, string>; body?: string | Buffer };

/** Starts a receiver on 127.0.0.1:0. */
export async function startReceiver(behaviour: Behaviour = () => 200) {
  const received: Received[] = [];
  let answer = behaviour;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = { headers: req.headers, body, event: JSON.parse(body) };
      const n = received.length;
      received.push(r);
      const a = answer(n, r);
      if (a === 'hang') return;
      if (typeof a === 'number') res.writeHead(a, { 'content-type': 'text/plain' }).end(a < 300 ? 'ok' : 'no');
      else res.writeHead(a.status, a.headers).end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks?token=abc`,
    received,
    /** Changes how it answers from now on. */
    answer(next: Behaviour) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Standard Webhooks' signature, computed here without the server's code: base64 HMAC-SHA256 of "id.timestamp.body". */
export function independentSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Polls `check` every 10 ms until it is true, or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
