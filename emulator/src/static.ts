// The Stripe.js double's file, served where Stripe serves Stripe.js: `/v3`, `/v3/` and `/<release>/stripe.js`
// (what @stripe/stripe-js 10 loads, e.g. `/endive/stripe.js`). Read at request time so edits show up at once.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { threeDSecurePage } from './emulator-routes';

const DOUBLE_FILE = new URL('../stripejs-double/stripe.js', import.meta.url);

/** Whether a GET path is one of the static files. */
export function isStaticPath(path: string): boolean {
  return path === '/v3' || path === '/v3/' || /^\/[a-z0-9.-]+\/stripe\.js$/i.test(path) || path.startsWith('/_emulator/3ds/');
}

/** Answers a static GET. */
export async function serveStatic(path: string, res: ServerResponse): Promise<number> {
  if (path.startsWith('/_emulator/3ds/')) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(threeDSecurePage(path.slice('/_emulator/3ds/'.length)));
    return 200;
  }
  try {
    const body = await readFile(DOUBLE_FILE);
    res.writeHead(200, { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
    return 200;
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('stripe emulator: emulator/stripejs-double/stripe.js is missing');
    return 404;
  }
}
