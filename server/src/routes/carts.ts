import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { AppError } from '../errors';
import { readBody } from '../http/body';
import { cors } from '../security/cors';
import { oncePer, oncePerRequest, rateLimitsOf, shopperLimit } from '../security/rate-limit';
import { CART_ID_PATTERN } from '../checkout/ids';
import { openCheckout } from '../checkout/sessions';
import type { Cart } from '../storage';
import { loadStore, STORE_ID_PATTERN } from './stores-view';

const addItemBody = z.object({ product_id: z.string().min(1).max(200), quantity: z.unknown().optional() });
const setQuantityBody = z.object({ quantity: z.unknown() });

/** The cart as the widget sees it; every number computed on the server. */
export function cartAnswer(cart: Cart) {
  return {
    id: cart.id,
    store_id: cart.store_id,
    currency: cart.currency,
    items: cart.items,
    subtotal: cart.subtotal,
    item_count: cart.item_count,
  };
}

/** A quantity from JSON; anything but an integer (or 0 where allowed) is 422 `invalid_quantity`. */
function quantityOf(value: unknown, fallback: number | null): number {
  if (value === undefined && fallback !== null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new AppError('invalid_quantity', 422, 'Quantity must be a whole number from 1 to 99');
  }
  return value;
}

/** A cart id from the path; junk is simply an unknown cart. */
function cartIdOf(ctx: Context): string {
  const id = ctx.params.id as string;
  if (!CART_ID_PATTERN.test(id)) throw new AppError('cart_not_found', 404, 'Cart not found');
  return id;
}

// Issue 14: the store of the cart in the path, looked up once per request (CORS and the rate limits share it).
const cartStoreOf = oncePerRequest((deps: AppDeps, ctx: Context) => (CART_ID_PATTERN.test(ctx.params.id ?? '') ? deps.storage.carts.storeIdOf(ctx.params.id!) : null));
/** Shopper rate limits per client address and per store, one set per app: the router and the fast path share it. */
const cartLimits = oncePer((deps: AppDeps) => {
  const l = rateLimitsOf(deps.config);
  const storeOfPath = (ctx: Context) => (STORE_ID_PATTERN.test(ctx.params.store_id?.toLowerCase() ?? '') ? ctx.params.store_id!.toLowerCase() : null);
  const storeOfCart = (ctx: Context) => cartStoreOf(deps, ctx);
  return {
    create: shopperLimit({ clock: deps.clock, perAddress: l.cartsPerMinute, perStore: l.storeCartsPerMinute, storeOf: storeOfPath }),
    items: shopperLimit({ clock: deps.clock, perAddress: l.cartItemsPerMinute, perStore: l.storeCartItemsPerMinute, storeOf: storeOfCart }),
    checkout: shopperLimit({ clock: deps.clock, perAddress: l.checkoutsPerMinute, perStore: l.storeCheckoutsPerMinute, storeOf: storeOfCart }),
  };
});

/** Public cart API: create, read, add, change, remove, check out. CORS per store. */
export function cartRoutes(deps: AppDeps, router = new Router({ sensitive: true })): Router {
  const { carts } = deps.storage;
  const byStore = storeCors(deps, (ctx) => ctx.params.store_id?.toLowerCase() ?? null);
  const hot = hotCartHandlers(deps);
  const { byCart } = hot;
  const limits = cartLimits(deps);

  router.options('/api/stores/:store_id/carts', byStore);
  router.post('/api/stores/:store_id/carts', byStore, limits.create, (ctx) => {
    const store = loadStore(deps, ctx.params.store_id);
    const currency = deps.storage.catalog.currencyOf(store.id) ?? store.default_currency;
    ctx.status = 201;
    ctx.body = cartAnswer(carts.create(store.id, currency));
  });

  router.options('/api/carts/:id', byCart);
  router.get('/api/carts/:id', byCart, hot.getCart);

  router.options('/api/carts/:id/items', byCart);
  router.post('/api/carts/:id/items', byCart, limits.items, async (ctx) => {
    const id = cartIdOf(ctx);
    const body = await readBody(ctx, addItemBody);
    const quantity = quantityOf(body.quantity, 1);
    if (quantity === 0) throw new AppError('invalid_quantity', 422, 'Quantity must be a whole number from 1 to 99');
    ctx.body = cartAnswer(carts.addItem(id, body.product_id, quantity));
  });

  router.options('/api/carts/:id/items/:product_id', byCart);
  router.patch('/api/carts/:id/items/:product_id', byCart, limits.items, hot.setQuantity);
  router.delete('/api/carts/:id/items/:product_id', byCart, limits.items, (ctx) => {
    ctx.body = cartAnswer(carts.removeItem(cartIdOf(ctx), ctx.params.product_id!));
  });

  router.options('/api/carts/:id/checkout', byCart);
  router.post('/api/carts/:id/checkout', byCart, limits.checkout, (ctx) => {
    const { token, url, expires_at } = openCheckout(deps, cartIdOf(ctx));
    ctx.status = 201;
    ctx.body = { token, url, expires_at };
  });
  return router;
}

/** The handlers of the two hottest cart requests, shared by the router and the fast path below. */
function hotCartHandlers(deps: AppDeps) {
  const { carts } = deps.storage;
  return {
    byCart: storeCors(deps, (ctx) => cartStoreOf(deps, ctx)),
    getCart: (ctx: Context) => {
      sendJson(ctx, cartAnswer(carts.get(cartIdOf(ctx))));
    },
    setQuantity: async (ctx: Context) => {
      const id = cartIdOf(ctx);
      const body = await readBody(ctx, setQuantityBody);
      sendJson(ctx, cartAnswer(carts.setQuantity(id, ctx.params.product_id!, quantityOf(body.quantity, null))));
    },
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The bytes and headers Koa sends for an object body (same Content-Type, Content-Length, status 200),
 * without the MIME-table lookup its body setter makes on every answer.
 */
function sendJson(ctx: Context, value: unknown): void {
  ctx.set('Content-Type', JSON_TYPE);
  ctx.body = JSON.stringify(value);
}

// Exactly the paths the router would hand these handlers with the same params: a well-formed cart id, and a
// product id without escapes (so the router's decoding would leave it unchanged) and without a trailing slash.
const GET_CART_PATH = /^\/api\/carts\/(cart_[A-Za-z0-9_-]{22})$/;
const SET_QUANTITY_PATH = /^\/api\/carts\/(cart_[A-Za-z0-9_-]{22})\/items\/([^/%]+)$/;

/**
 * Answers GET /api/carts/:id and PATCH /api/carts/:id/items/:product_id without the router's matching (about
 * 2 µs of a 45 µs request): same CORS middleware, same handlers, same params. Every other request, and any
 * spelling of these the patterns do not cover, goes on to the router unchanged.
 */
export function hotCartPaths(deps: AppDeps): Middleware {
  const hot = hotCartHandlers(deps);
  const limitItems = cartLimits(deps).items;
  return (ctx, next) => {
    const m = ctx.method === 'GET' ? GET_CART_PATH.exec(ctx.path) : ctx.method === 'PATCH' ? SET_QUANTITY_PATH.exec(ctx.path) : null;
    if (!m) return next();
    ctx.params = m[2] === undefined ? { id: m[1]! } : { id: m[1]!, product_id: m[2] };
    (ctx.request as { params?: unknown }).params = ctx.params; // as the router leaves it
    const handler = m[2] === undefined ? hot.getCart : hot.setQuantity;
    return hot.byCart(ctx, m[2] === undefined ? async () => handler(ctx) : () => limitItems(ctx, async () => handler(ctx)));
  };
}

/**
 * CORS for the widget: only the owning store's `allowed_origins`, looked up per request. An unknown (or
 * expired and forgotten) cart or store has no owner to ask; its 404 is readable from any origin, so the
 * widget can tell "start a new cart" from a network failure, and it reveals nothing.
 */
export function storeCors(deps: AppDeps, storeIdOf: (ctx: Context) => string | null) {
  return cors({
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    headers: ['Content-Type'],
    origins: (ctx) => {
      const storeId = storeIdOf(ctx);
      const store = storeId ? deps.storage.stores.get(storeId) : null;
      return store ? store.allowed_origins : '*';
    },
  });
}
