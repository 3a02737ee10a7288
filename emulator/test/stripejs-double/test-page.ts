// A tiny storefront for the Stripe.js double's browser tests, served from node:http on 127.0.0.1:
//   /pay?pk=…&cs=…   a page that mounts the Payment Element via the bundled test-entry.ts, under a CSP like the
//                    checkout page's (Stripe's documented hosts only); `stripejs=<loopback URL>` adds a plain
//                    <script> tag for Stripe.js from that URL (how the offline demo loads the double); `link=<JSON>`
//                    and `address=<JSON>` also mount a Link Authentication and an Address Element with those options
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

const PAGE_CSS = 'body{font-family:sans-serif;margin:24px;max-width:480px} #form>div{margin:16px 0}';
const LOOPBACK_URL = /^http:\/\/127\.0\.0\.1:\d+\/[\w./-]*$/;

function payHtml(stripeJsUrl: string | null): string {
  const tag = stripeJsUrl ? `<script src="${stripeJsUrl}"></script>\n` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pay</title><link rel="stylesheet" href="/page.css"></head>
<body><h1>Test checkout</h1><form id="form"><div id="link-authentication-element"></div><div id="address-element"></div>
<div id="payment-element"></div></form>
${tag}<script src="/app.js"></script></body></html>`;
}

/** The checkout page's kind of CSP: no inline styles or scripts, Stripe's hosts (plus a loopback Stripe.js origin). */
function payCsp(stripeJsUrl: string | null): string {
  const extra = stripeJsUrl ? ` ${new URL(stripeJsUrl).origin}` : '';
  return [
    "default-src 'none'",
    `script-src 'self' https://js.stripe.com${extra}`,
    "style-src 'self'",
    `connect-src 'self' https://api.stripe.com${extra}`,
    'frame-src https://js.stripe.com https://hooks.stripe.com',
  ].join('; ');
}

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
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const given = url.searchParams.get('stripejs');
    const stripeJs = given && LOOPBACK_URL.test(given) ? given : null;
    const [type, body] =
      url.pathname === '/app.js'
        ? ['application/javascript', script]
        : url.pathname === '/page.css'
          ? ['text/css', PAGE_CSS]
          : url.pathname === '/pay'
            ? ['text/html; charset=utf-8', payHtml(stripeJs)]
            : url.pathname === '/return'
              ? ['text/html; charset=utf-8', RETURN_HTML]
              : ['text/plain', 'not found'];
    const headers: Record<string, string> = { 'Content-Type': type, 'Cache-Control': 'no-store' };
    if (url.pathname === '/pay') headers['Content-Security-Policy'] = payCsp(stripeJs);
    res.writeHead(body === 'not found' ? 404 : 200, headers);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('test page server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
