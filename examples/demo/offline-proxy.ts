/**
 * The demo's front door to the checkout server: a pass-through HTTP proxy that changes one thing, so a
 * person's own browser can pay with no network. The hosted checkout page loads Stripe.js from js.stripe.com,
 * which is unreachable offline (and the real Stripe.js would talk to the real Stripe, which does not know
 * the emulator's keys). On `/checkout/*` pages the proxy adds the emulator's Stripe.js double as the first
 * script (`@stripe/stripe-js` uses an already loaded `window.Stripe`) and lets the page's CSP load it and
 * call the emulator. Everything else, webhooks from the emulator included, passes through untouched.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen } from './static-server';

/** A running proxy. */
export interface OfflineProxy {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Adds the emulator to the CSP directives the Stripe.js double needs: its script, and its API calls. */
export function widenCsp(csp: string, emulatorOrigin: string): string {
  return csp
    .split(';')
    .map((d) => d.trim())
    .map((d) => (/^(script-src|connect-src)\s/.test(d) ? `${d} ${emulatorOrigin}` : d))
    .join('; ');
}

/** Puts the Stripe.js double's script tag first in <head>, so it runs before the checkout bundle. */
export function injectStripeJs(html: string, scriptUrl: string): string {
  if (html.includes(scriptUrl)) return html;
  const tag = `<script src="${scriptUrl}"></script>`;
  const head = /<head[^>]*>/i.exec(html);
  return head ? html.replace(head[0], head[0] + tag) : tag + html;
}

/** Starts the proxy on 127.0.0.1:`port` in front of `targetUrl`. */
export async function startOfflineProxy(opts: { port: number; targetUrl: string; emulatorUrl: string }): Promise<OfflineProxy> {
  const target = new URL(opts.targetUrl);
  const emulatorOrigin = new URL(opts.emulatorUrl).origin;
  // /endive/stripe.js is the release @stripe/stripe-js 10 expects, so it accepts the double without a warning.
  const scriptUrl = `${emulatorOrigin}/endive/stripe.js`;
  const server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => relay(req, answer, res, emulatorOrigin, scriptUrl),
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('The checkout server is not answering');
    });
    req.pipe(upstream);
  });
  await listen(server, opts.port);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function relay(req: IncomingMessage, answer: IncomingMessage, res: ServerResponse, emulatorOrigin: string, scriptUrl: string): void {
  const isCheckoutPage =
    (req.url ?? '').startsWith('/checkout/') &&
    /^text\/html/.test(answer.headers['content-type'] ?? '') &&
    !answer.headers['content-encoding'];
  if (!isCheckoutPage) {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
    return;
  }
  const chunks: Buffer[] = [];
  answer.on('data', (c: Buffer) => chunks.push(c));
  answer.on('end', () => {
    const body = Buffer.from(injectStripeJs(Buffer.concat(chunks).toString('utf8'), scriptUrl));
    const headers: Record<string, string | string[] | undefined> = { ...answer.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const csp = answer.headers['content-security-policy'];
    if (typeof csp === 'string') headers['content-security-policy'] = widenCsp(csp, emulatorOrigin);
    res.writeHead(answer.statusCode ?? 200, headers);
    res.end(body);
  });
}
