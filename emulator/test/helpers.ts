// Shared setup for the emulator's tests: a client pointed at the emulator, and a tiny webhook receiver.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { StripeEmulator } from '../src/index';

/** The official client pointed at the emulator, with retries off unless asked for. */
export function client(emu: StripeEmulator, key: string, config: Stripe.StripeConfig = {}): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port: emu.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false, ...config });
}

/** Runs `fn` and returns the Stripe error it throws (fails when it does not throw). */
export async function stripeError(fn: () => Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError) return err;
    throw err;
  }
  throw new Error('expected a Stripe error, got success');
}

/** A raw HTTP call to the emulator (for what stripe-node does not send: Stripe.js-style form posts, OPTIONS). */
export async function raw(
  emu: StripeEmulator,
  method: string,
  path: string,
  opts: { key?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
  let body: string | undefined;
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(emu.url + path, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A received webhook request. */
export interface Received {
  body: string;
  signature: string;
  headers: IncomingMessage['headers'];
}

/** A webhook receiver on 127.0.0.1 that answers `status()` (200 by default) and keeps what it got. */
export async function startReceiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void>; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['stripe-signature']), headers: req.headers });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return {
    url,
    received,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
