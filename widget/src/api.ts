/**
 * The public API methods (`window.CheckoutBest.*`, or what `init()` returns). Each catches its own
 * failures: the page gets `null` and one `[checkout-best]` console line, never an exception.
 */
import type { CartController } from './cart/state';
import type { Emitter, EventName, Listener, WidgetListener } from './events';
import { fill } from './i18n';
import { failureText, type WidgetText } from './i18n/widget-en';
import { warn } from './log';
import { ApiError, type Cart, type CheckoutSession } from './net/client';
import type { View } from './ui/view';

/** The public API. Its members are plain functions that never use `this`: `api.close` may be passed around unbound. */
export interface WidgetApi {
  add: (productId: string, quantity?: number) => Promise<Cart | null>;
  open: () => void;
  close: () => void;
  getCart: () => Promise<Cart | null>;
  checkout: () => Promise<CheckoutSession | null>;
  /** Listens to one of EVENTS; an unknown name is logged, never thrown. */
  on: <E extends EventName>(event: E, fn: WidgetListener<E>) => void;
  off: <E extends EventName>(event: E, fn?: WidgetListener<E>) => void;
  openAdmin: (options: { connectUrl: string }) => void;
  destroy: () => void;
}

/** What the API methods work with. */
export interface ApiContext {
  cart: CartController;
  view: View;
  events: Emitter;
  t: WidgetText;
  /** Fetches the catalog again and shows its stock on the page. */
  refreshStock: () => void;
  /** Our server's origin: the only place the admin modal may point. */
  origin: string;
  /** Query string our frames get (`locale=…&accent=…&parent_origin=…`). */
  frameQuery: string;
  openOnAdd: boolean;
  destroy: () => void;
}

/** Logs a failed operation and returns it as an ApiError; a stock refusal also refreshes the page's stock. */
export function logFailure(what: string, err: unknown, c?: ApiContext): ApiError {
  const e = err instanceof ApiError ? err : new ApiError('internal_error', String(err));
  warn(`${what} failed: ${e.code}: ${e.message}`);
  if (e.code === 'out_of_stock') c?.refreshStock();
  return e;
}

/** Builds the API over the widget's parts. */
export function createApi(c: ApiContext): WidgetApi {
  const { cart, view, events, t } = c;
  return {
    add: (productId, quantity = 1) => add(c, productId, quantity),
    open: () => view.show({ drawer: true, overlay: null }),
    close: () => view.show({ drawer: false, overlay: null }),
    getCart: () => cart.load().catch((err) => (logFailure('getCart', err), null)),
    checkout: () => checkout(c),
    on: (event, fn) => events.on(event, fn as Listener),
    off: (event, fn) => events.off(event, fn as Listener | undefined),
    openAdmin(options) {
      const url = options?.connectUrl;
      // Keys may only be typed into our own origin, never into a page the storefront controls.
      if (!sameOrigin(url, c.origin)) return warn(`openAdmin() needs a connectUrl on ${c.origin}`);
      view.show({ drawer: false, overlay: { kind: 'admin', url: withQuery(url, c.frameQuery) } });
    },
    destroy: c.destroy,
  };

  async function add(ctx: ApiContext, productId: string, quantity: number): Promise<Cart | null> {
    if (typeof productId !== 'string' || !productId) return (warn('add() needs a product id'), null);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) return (warn('add() quantity must be 1 to 99'), null);
    try {
      const next = await cart.add(productId, quantity);
      const line = next.items.find((i) => i.product_id === productId);
      view.announce(fill(t.added, { name: line?.name ?? productId, n: next.item_count }));
      events.emit('cart:updated', next);
      return next;
    } catch (err) {
      logFailure('add', err, ctx);
      return null;
    } finally {
      // Open either way: on failure the drawer shows why.
      if (ctx.openOnAdd) view.show({ drawer: true });
    }
  }
}

/** Starts a checkout session and opens it in the overlay; a refusal shows in the drawer. */
async function checkout(c: ApiContext): Promise<CheckoutSession | null> {
  const { ui } = c.view;
  if (ui.getState().checkingOut) return null;
  ui.set({ checkingOut: true });
  try {
    const session = await c.cart.startCheckout();
    c.view.show({ drawer: false, overlay: { kind: 'checkout', url: withQuery(session.url, c.frameQuery) } });
    c.events.emit('checkout:opened', { url: session.url, expires_at: session.expires_at });
    return session;
  } catch (err) {
    const e = logFailure('checkout', err, c);
    c.view.show({ drawer: true });
    c.events.emit('checkout:failed', { code: e.code, message: failureText(c.t, e, c.cart.getState().cart?.items) });
    return null;
  } finally {
    ui.set({ checkingOut: false });
  }
}

/** Changes a line's quantity (0 removes it) and announces the result. */
export async function changeQuantity(c: ApiContext, productId: string, quantity: number): Promise<void> {
  const name = c.cart.getState().cart?.items.find((i) => i.product_id === productId)?.name ?? productId;
  try {
    const next = await c.cart.setQuantity(productId, quantity);
    c.view.announce(quantity === 0 ? fill(c.t.removed, { name }) : fill(c.t.updated, { n: next?.item_count ?? 0 }));
    c.events.emit('cart:updated', next);
  } catch (err) {
    logFailure('update', err, c);
  }
}

const withQuery = (url: string, query: string) => url + (url.includes('?') ? '&' : '?') + query;

function sameOrigin(url: unknown, origin: string): url is string {
  try {
    return typeof url === 'string' && new URL(url).origin === origin;
  } catch {
    return false;
  }
}
