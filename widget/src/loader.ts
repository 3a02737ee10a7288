/**
 * The paste-in stub. Pages that want to call `CheckoutBest.add(...)` before widget.js has loaded put
 * this inline before the script tag; calls are queued in `CheckoutBest.q` (each call's promise settles
 * once the widget runs the command) and index.ts drains the queue. Keep it tiny: it is copied into
 * every storefront.
 */

/** The commands the stub (and the real API) accept. */
export const COMMANDS = ['add', 'open', 'close', 'getCart', 'checkout', 'on', 'off', 'openAdmin'] as const;

/** One queued call: command name, arguments and the promise's resolve function. */
export type QueuedCall = [command: string, args: unknown[], resolve?: (value: unknown) => void];

/** The stub as merchants paste it (minified by hand; the README shows the same text). */
export const STUB_SOURCE =
  '!function(w,c){if(w[c])return;var q=[],f=w[c]=function(){var a=[].slice.call(arguments);' +
  'return new Promise(function(r){q.push([a[0],a.slice(1),r])})};f.q=q;' +
  '"add open close getCart checkout on off openAdmin".split(" ").forEach(function(m){' +
  'f[m]=function(){return f.apply(null,[m].concat([].slice.call(arguments)))}})}(window,"CheckoutBest");';

/** What `window.CheckoutBest` holds before the widget has loaded. */
export interface Stub {
  (command: string, ...args: unknown[]): Promise<unknown>;
  q?: QueuedCall[];
  [method: string]: unknown;
}

/** Returns the calls queued by a stub on `win` (if any), emptying the queue. */
export function takeQueue(win: { CheckoutBest?: unknown }): QueuedCall[] {
  const stub = win.CheckoutBest as Stub | undefined;
  const q = stub && Array.isArray(stub.q) ? stub.q : [];
  return q.splice(0, q.length);
}
