/**
 * widget.js: the script-tag build. Reads its configuration from its own `data-*` attributes, mounts
 * the widget, replaces the paste-in stub with the real API and replays the queued calls.
 */
import { createFacade, drain } from './facade';
import { takeQueue } from './loader';
import { warn } from './log';
import { createWidget, type WidgetOptions } from './widget';

// Captured now: document.currentScript is only set while this file first runs.
const script = document.currentScript as HTMLScriptElement | null;

// The server a script URL like `https://pay.example.com/widget.js` (or `/assets/widget.<hash>.js`) came from.
function baseUrlFromScript(src: string): string {
  return src.replace(/[?#].*$/, '').replace(/\/(assets\/)?widget[^/]*\.m?js$/, '');
}

function boot(): void {
  const w = window as unknown as { CheckoutBest?: { version?: unknown } & object };
  if (w.CheckoutBest?.version) return warn('widget.js is included twice; the second copy does nothing');
  const el = script ?? document.querySelector<HTMLScriptElement>('script[data-store-id]');
  const data = el?.dataset ?? {};
  if (!el || !data.storeId) return warn('the script tag needs data-store-id="<your store id>"');
  // data-locale, data-accent and data-position as they are (createWidget checks them); the rest by hand.
  const options = { ...data, storeId: data.storeId, baseUrl: baseUrlFromScript(el.src), openOnAdd: data.openOnAdd !== 'false' } as WidgetOptions;
  const widget = createWidget(options);
  const queue = takeQueue(w);
  w.CheckoutBest = createFacade(widget);
  drain(widget, queue);
}

try {
  boot();
} catch (err) {
  warn('could not start', err);
}
