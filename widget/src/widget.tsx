/** @jsxRuntime classic */
/** @jsx h */
/**
 * Builds one widget: resolves the options, creates the shadow root and mounts the Preact UI once its
 * stylesheet is in, and wires the cart, the page's buttons and our frames to the public API.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `h` (and Fragment) are what the JSX pragma calls
import { h, render } from 'preact';
import { changeQuantity, createApi, logFailure, type ApiContext, type WidgetApi } from './api';
import { createCartController } from './cart/state';
import { createCartIdStore } from './cart/storage';
import { createEmitter } from './events';
import { listenToFrames } from './frames';
import { pickLanguage } from './i18n';
import { en, type WidgetText } from './i18n/widget-en';
import { warn } from './log';
import { createCartApi } from './net/client';
import { listenToPage, markButton, showCountOnPage, showStock } from './page';
import { App } from './ui/App';
import { createView } from './ui/view';

export type { WidgetApi } from './api';

/** How a page configures the widget (the script tag's data attributes, or `init()` in the ESM build). */
export interface WidgetOptions {
  storeId: string;
  /** The checkout-best server, e.g. `https://pay.example.com`. */
  baseUrl: string;
  locale?: string;
  accent?: string;
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
  openOnAdd?: boolean;
}

const POSITIONS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];

/** Mounts the widget into `doc` and returns its API. */
export function createWidget(opts: WidgetOptions, doc: Document = document): WidgetApi {
  const win = doc.defaultView as Window & typeof globalThis;
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const nav = win.navigator;
  const locale = opts.locale || doc.documentElement.lang || nav.language || 'en';
  const lang = pickLanguage(opts.locale, doc.documentElement.lang, ...(nav.languages ?? [nav.language]));
  // English until the page's language arrives (before mount), and for any text its file lacks.
  const t: WidgetText = { ...en };
  const texts = __WIDGET_TEXTS__[lang];
  const accent = /^#[0-9a-f]{3,8}$/i.test(opts.accent ?? '') ? `&accent=${encodeURIComponent(opts.accent!)}` : '';
  const host = doc.createElement('div');
  host.setAttribute('data-checkout-best-root', '');
  if (opts.accent && win.CSS?.supports?.('color', opts.accent)) host.style.setProperty('--checkout-best-accent', opts.accent);
  const shadow = host.attachShadow({ mode: 'open' });

  const shop = createCartApi(baseUrl, opts.storeId);
  const cart = createCartController(
    shop,
    createCartIdStore(opts.storeId, () => win.localStorage),
  );
  const view = createView(doc);
  const stops: Array<() => void> = [];
  const ctx: ApiContext = {
    cart,
    view,
    events: createEmitter(),
    t,
    refreshStock: () =>
      void shop.products().then(
        (r) => showStock(doc, r.data, t),
        (e) => logFailure('stock', e),
      ),
    origin: new URL(baseUrl).origin,
    // parent_origin: our frames post to exactly this page's origin (the server accepts it only if allowed).
    frameQuery: `locale=${encodeURIComponent(locale)}${accent}&parent_origin=${encodeURIComponent(win.location.origin)}`,
    openOnAdd: opts.openOnAdd !== false,
    destroy() {
      stops.forEach((stop) => stop());
      view.reset();
      render(null, shadow);
      host.remove();
    },
  };
  const api = createApi(ctx);
  const syncPage = () => view.ui.set({ launcher: !showCountOnPage(doc, cart.getState().cart?.item_count ?? 0) });
  stops.push(
    cart.subscribe(syncPage),
    listenToFrames(win, doc, shadow, ctx),
    listenToPage(doc, {
      add(productId, quantity, button) {
        markButton(button, 'adding');
        void api.add(productId, quantity).then((c) => {
          markButton(button, c ? 'added' : 'error');
          setTimeout(() => markButton(button, null), 1500);
        });
      },
      open: () => api.open(),
    }),
  );

  const actions = {
    open: api.open,
    close: api.close,
    setQuantity: (p: string, q: number) => void changeQuantity(ctx, p, q),
    checkout: () => void api.checkout(),
    retry: () => void api.getCart(),
    discount: (code: string | null) => cart.discount(code),
  };
  const position = POSITIONS.includes(opts.position ?? '') ? opts.position! : 'bottom-right';
  const mount = () => {
    doc.body.appendChild(host);
    render(<App cart={cart} ui={view.ui} t={t} locale={locale} position={position} actions={actions} />, shadow);
    syncPage();
    // Only a page with add buttons or stock notices needs the catalog; a sale changes it, so does a refusal (api.ts).
    if (doc.querySelector('[data-checkout-best-add],[data-checkout-best-stock]')) ctx.refreshStock();
  };
  // The UI appears once its stylesheet and its language are in (never unstyled, never half English); the cart loads meanwhile.
  // The stylesheet is adopted as a constructable stylesheet: unlike a <style> element it is not blocked by a page CSP
  // without 'unsafe-inline', and the merchant's CSP only needs our origin in connect-src (which the cart API needs anyway).
  const styles = loadAsset(baseUrl, __WIDGET_CSS__, win, (css) => {
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
  });
  // The page's language over the English texts in `t` (a bad file leaves English: JSON.parse throws into the catch).
  void Promise.all([styles, texts && loadAsset(baseUrl, texts, win, (json) => Object.assign(t, JSON.parse(json) as Partial<WidgetText>))]).then(() => {
    if (doc.body) mount();
    else doc.addEventListener('DOMContentLoaded', mount, { once: true });
  });
  void api.getCart().then((c) => c && ctx.events.emit('cart:updated', c));
  return api;
}

/**
 * Fetches one of our assets (`/assets/<hashed name>`) and hands its text to `use`; a failure is logged and
 * the widget goes on without it (unstyled, or in English).
 */
function loadAsset(baseUrl: string, file: string, win: Window & typeof globalThis, use: (text: string) => void): Promise<void> {
  return win
    .fetch(`${baseUrl}/assets/${file}`, { credentials: 'omit' })
    .then((res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.text();
    })
    .then(use)
    .catch((err) => warn(`could not load ${file}`, err));
}
