/**
 * Builds one widget: the shadow root with the Preact UI, the cart controller, the page hooks and the
 * frame messages, and returns the public API. Every API method catches its own failures: the host page
 * gets `null` and a `[checkout-best]` console line, never an exception.
 */
import { render } from 'preact';
import { createCartController, type CartState } from './cart/state';
import { createCartIdStore } from './cart/storage';
import { createEmitter, type Listener } from './events';
import { fill, pickLanguage } from './i18n';
import { errorText, widgetText } from './i18n/widget';
import { warn } from './log';
import { readFrameMessage } from './messages';
import { ApiError, createCartApi, type Cart, type CheckoutSession } from './net/client';
import { listenToPage, markButton, showCountOnPage } from './page';
import { createStore } from './store';
import { App, type UiState } from './ui/App';
import { deepActiveElement } from './ui/focus';

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

/** The public API (`window.CheckoutBest`, or what `init()` returns). */
export interface WidgetApi {
  add(productId: string, quantity?: number): Promise<Cart | null>;
  open(): void;
  close(): void;
  getCart(): Promise<Cart | null>;
  checkout(): Promise<CheckoutSession | null>;
  on(event: string, fn: Listener): void;
  off(event: string, fn?: Listener): void;
  openAdmin(options: { connectUrl: string }): void;
  destroy(): void;
}

const POSITIONS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];

/** Mounts the widget into `doc` and returns its API. */
export function createWidget(opts: WidgetOptions, doc: Document = document): WidgetApi {
  const win = doc.defaultView as Window & typeof globalThis;
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const origin = new URL(baseUrl).origin;
  const nav = win.navigator;
  const locale = opts.locale || doc.documentElement.lang || nav.language || 'en';
  const lang = pickLanguage(opts.locale, doc.documentElement.lang, ...(nav.languages ?? [nav.language]));
  const t = widgetText[lang] ?? widgetText.en!;
  const position = POSITIONS.includes(opts.position ?? '') ? opts.position! : 'bottom-right';
  const events = createEmitter();
  const ids = createCartIdStore(opts.storeId, () => win.localStorage);
  const cart = createCartController(createCartApi(baseUrl, opts.storeId), ids);
  const ui = createStore<UiState>({ drawer: false, overlay: null, checkingOut: false, announcement: '', launcher: true });

  const host = doc.createElement('div');
  host.setAttribute('data-checkout-best-root', '');
  if (opts.accent && win.CSS?.supports?.('color', opts.accent)) host.style.setProperty('--checkout-best-accent', opts.accent);
  const shadow = host.attachShadow({ mode: 'open' });

  let returnFocus: Element | null = null;
  let savedOverflow: string | null = null;
  const count = (s: CartState = cart.getState()) => s.cart?.item_count ?? 0;
  const announce = (text: string) => {
    // Clearing first makes screen readers repeat an identical message ("added" twice in a row).
    ui.set({ announcement: '' });
    setTimeout(() => ui.set({ announcement: text }), 50);
  };
  const lockScroll = (lock: boolean) => {
    const style = doc.documentElement.style;
    if (lock && savedOverflow === null) {
      savedOverflow = style.overflow;
      style.overflow = 'hidden';
    } else if (!lock && savedOverflow !== null) {
      style.overflow = savedOverflow;
      savedOverflow = null;
    }
  };
  const show = (patch: Partial<UiState>) => {
    const before = ui.getState();
    if (!before.drawer && !before.overlay) returnFocus = deepActiveElement(doc);
    ui.set(patch);
    const after = ui.getState();
    const anyOpen = after.drawer || !!after.overlay;
    lockScroll(anyOpen);
    if (!anyOpen && returnFocus instanceof win.HTMLElement) {
      const el = returnFocus;
      returnFocus = null;
      setTimeout(() => el.isConnected && el.focus(), 0);
    }
  };
  const fail = (what: string, err: unknown) => {
    const e = err instanceof ApiError ? err : new ApiError('internal_error', String(err));
    warn(`${what} failed: ${e.code}: ${e.message}`);
    return e;
  };

  cart.subscribe((s) => ui.set({ launcher: !showCountOnPage(doc, count(s)) }));

  const api: WidgetApi = {
    async add(productId, quantity = 1) {
      if (typeof productId !== 'string' || !productId) return warn('add() needs a product id'), null;
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) return warn('add() quantity must be 1 to 99'), null;
      try {
        const c = await cart.add(productId, quantity);
        const line = c.items.find((i) => i.product_id === productId);
        announce(fill(t.added, { name: line?.name ?? productId, n: c.item_count }));
        events.emit('cart:updated', c);
        if (opts.openOnAdd !== false) show({ drawer: true });
        return c;
      } catch (err) {
        fail('add', err);
        if (opts.openOnAdd !== false) show({ drawer: true });
        return null;
      }
    },
    open: () => show({ drawer: true, overlay: null }),
    close: () => show({ drawer: false, overlay: null }),
    async getCart() {
      try {
        return await cart.load();
      } catch (err) {
        fail('getCart', err);
        return null;
      }
    },
    async checkout() {
      if (ui.getState().checkingOut) return null;
      ui.set({ checkingOut: true });
      try {
        const session = await cart.startCheckout();
        const accent = /^#[0-9a-f]{3,8}$/i.test(opts.accent ?? '') ? `&accent=${encodeURIComponent(opts.accent!)}` : '';
        const url = `${session.url}${session.url.includes('?') ? '&' : '?'}locale=${encodeURIComponent(locale)}${accent}`;
        show({ drawer: false, overlay: { kind: 'checkout', url } });
        events.emit('checkout:opened', { url: session.url, expires_at: session.expires_at });
        return session;
      } catch (err) {
        const e = fail('checkout', err);
        show({ drawer: true });
        events.emit('checkout:failed', { code: e.code, message: errorText(t, e.code, e.message) });
        return null;
      } finally {
        ui.set({ checkingOut: false });
      }
    },
    on: (event, fn) => events.on(event, fn),
    off: (event, fn) => events.off(event, fn),
    openAdmin(options) {
      const url = options?.connectUrl;
      let ok = false;
      try {
        ok = typeof url === 'string' && new URL(url).origin === origin;
      } catch {
        ok = false;
      }
      // Keys may only be typed into our own origin, never into a page the storefront controls.
      if (!ok) return warn(`openAdmin() needs a connectUrl on ${origin}`);
      show({ drawer: false, overlay: { kind: 'admin', url } });
    },
    destroy() {
      stopPage();
      win.removeEventListener('message', onMessage);
      doc.removeEventListener('keydown', onKey);
      lockScroll(false);
      render(null, shadow);
      host.remove();
    },
  };

  const setQuantity = async (productId: string, quantity: number) => {
    const name = cart.getState().cart?.items.find((i) => i.product_id === productId)?.name ?? productId;
    try {
      const c = await cart.setQuantity(productId, quantity);
      announce(quantity === 0 ? fill(t.removed, { name }) : fill(t.updated, { n: c?.item_count ?? 0 }));
      events.emit('cart:updated', c);
    } catch (err) {
      fail('update', err);
    }
  };
  const onMessage = (e: MessageEvent) => {
    const frame = shadow.querySelector('iframe');
    const msg = readFrameMessage(e, origin, frame?.contentWindow ?? null);
    if (!msg) return;
    if (msg.type === 'checkout-best:close') show({ overlay: null, drawer: false });
    else if (msg.type === 'checkout-best:checkout-completed') {
      cart.reset();
      events.emit('cart:updated', null);
      events.emit('checkout:completed', msg.order);
    } else if (msg.type === 'checkout-best:checkout-failed') events.emit('checkout:failed', msg.error);
    else if (msg.type === 'checkout-best:stripe-connected') {
      announce(t.connected);
      events.emit('stripe:connected', { store_id: msg.store_id, is_live_mode: msg.is_live_mode });
    }
  };
  win.addEventListener('message', onMessage);
  // Esc closes whatever we have open, wherever focus is (a clicked button may have taken it to <body>).
  const onKey = (e: KeyboardEvent) => {
    const v = ui.getState();
    if (e.key === 'Escape' && (v.drawer || v.overlay)) show({ drawer: false, overlay: null });
  };
  doc.addEventListener('keydown', onKey);
  const stopPage = listenToPage(doc, {
    add: (productId, quantity, button) => {
      markButton(button, 'adding');
      void api.add(productId, quantity).then((c) => {
        markButton(button, c ? 'added' : 'error');
        setTimeout(() => markButton(button, null), 1500);
      });
    },
    open: () => api.open(),
  });

  const actions = {
    open: api.open,
    close: api.close,
    setQuantity: (p: string, q: number) => void setQuantity(p, q),
    checkout: () => void api.checkout(),
    retry: () => void api.getCart(),
    closeOverlay: () => show({ overlay: null, drawer: false }),
  };
  const mount = () => {
    doc.body.appendChild(host);
    render(<App cart={cart} ui={ui} t={t} locale={locale} position={position} actions={actions} />, shadow);
    ui.set({ launcher: !showCountOnPage(doc, count()) });
  };
  // The UI appears once its stylesheet is in (never unstyled); the cart loads meanwhile.
  void loadStyles(shadow, `${baseUrl}/assets/${__WIDGET_CSS__}`, win).then(() => {
    if (doc.body) mount();
    else doc.addEventListener('DOMContentLoaded', mount, { once: true });
  });
  void api.getCart().then((c) => c && events.emit('cart:updated', c));
  return api;
}

/**
 * Fetches the widget CSS and adopts it as a constructable stylesheet: unlike a <style> element it is
 * not blocked by a page CSP without 'unsafe-inline', and the merchant's CSP only needs our origin in
 * connect-src (which the cart API needs anyway).
 */
async function loadStyles(shadow: ShadowRoot, url: string, win: Window & typeof globalThis): Promise<void> {
  try {
    const res = await win.fetch(url, { credentials: 'omit' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(await res.text());
    shadow.adoptedStyleSheets = [sheet];
  } catch (err) {
    warn('could not load the widget styles', err);
  }
}
