// A tiny storefront for the Stripe.js double's browser tests, served from node:http on 127.0.0.1:
//   /pay?pk=…&cs=…   a page that mounts the Payment Element via the bundled test-entry.ts
//   /app.js          that bundle (esbuild, built once per process)
//   /return?…        a plain page standing in for the merchant's return_url
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
let bundle: Promise<string> | null = null;

/** Bundles test-entry.ts with @stripe/stripe-js for the browser (cached for the process). */
export function bundleTestEntry(): Promise<string> {
  bundle ??= build({
    entryPoints: [join(HERE, 'test-entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text);
  return bundle;
}

const PAY_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pay</title>
<style>body{font-family:sans-serif;margin:24px;max-width:480px} #payment-element{margin:16px 0}</style></head>
<body><h1>Test checkout</h1><form id="form"><div id="payment-element"></div></form>
<script src="/app.js"></script></body></html>`;

const RETURN_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Returned</title></head>
<body><h1>Back on the store</h1></body></html>`;

/** The running test page server. */
export interface TestPageServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the test page server on 127.0.0.1 with an ephemeral port. */
export async function startTestPage(): Promise<TestPageServer> {
  const script = await bundleTestEntry();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const [type, body] =
      path === '/app.js' ? ['application/javascript', script]
      : path === '/pay' ? ['text/html; charset=utf-8', PAY_HTML]
      : path === '/return' ? ['text/html; charset=utf-8', RETURN_HTML]
      : ['text/plain', 'not found'];
    res.writeHead(body === 'not found' ? 404 : 200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('test page server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
