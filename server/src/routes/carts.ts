import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import { readBody } from '../http/body';
import { paramOf } from '../http/params';
import { addItem, createCart, findCart, openCart, removeItem, setQuantity, type Cart } from '../payments/carts';
import { applyDiscount, applyDiscountBody, removeDiscount } from '../payments/cart-discount';
import { CART_ID_PATTERN } from '../payments/ids';
import { DEFAULT_MAX_QUANTITY } from '../payments/money';
import { openCheckout } from '../payments/sessions';
import type { CodeGuessLimit } from '../security/code-guess-limit';
import { cors } from '../security/cors';
import { oncePerRequest, rateLimitsOf, shopperLimit } from '../security/rate-limit';
import { retryAfterSeconds, takeFromStoreBudget } from '../security/store-budget';
import type { CartOwner, CartWithProduct } from '../storage/port';
import type { CartView } from '../wire';
import { STORE_ID_PATTERN } from '../connect/stores';
import { loadStore } from './stores-view';

export const addItemBody = z.object({ product_id: z.string().min(1).max(200), quantity: z.unknown().optional() });
export const setQuantityBody = z.object({ quantity: z.unknown() });

/** The cart as the widget sees it; every number computed on the server. */
export function cartAnswer(cart: Cart): CartView {
  return {
    id: cart.id,
    store_id: cart.store_id,
    currency: cart.currency,
    items: cart.items,
    subtotal: cart.subtotal,
    item_count: cart.item_count,
    requires_shipping: cart.requires_shipping,
    free_shipping_over: cart.free_shipping_over,
    discount: cart.discount,
    total: cart.total,
  };
}

/** A quantity from JSON; anything but a whole number (0 only where allowed) is 422 `invalid_quantity`. */
function quantityOf(value: unknown, fallback: number | null): number {
  if (value === undefined && fallback !== null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw errors.invalidQuantity(DEFAULT_MAX_QUANTITY);
  return value;
}

/** A cart id from the path; junk is simply an unknown cart. */
function cartIdOf(ctx: Context): string {
  const id = paramOf(ctx, 'id');
  if (!CART_ID_PATTERN.test(id)) throw errors.cartNotFound();
  return id;
}

/**
 * The bytes and headers Koa sends for an object body (same Content-Type, Content-Length, status 200),
 * without the MIME-table lookup its body setter makes on every answer: the cart answers are the hottest.
 */
function sendJson(ctx: Context, value: unknown): void {
  ctx.set('Content-Type', 'application/json; charset=utf-8');
  ctx.body = JSON.stringify(value);
}

/**
 * A quantity change's first read (the cart with the product, one statement), made before CORS: CORS, the rate
 * limits and the write share it (routes/carts.ts `readLineFirst`), so the second-hottest request reads once.
 */
const lineReads = new WeakMap<Context, Promise<CartWithProduct>>();

/** The owner of the cart in the path and its allowed origins, once per request (CORS and the rate limits share it). */
const cartOwnerOf = oncePerRequest(async (deps: AppDeps, ctx: Context): Promise<CartOwner | null> => {
  const line = lineReads.get(ctx);
  if (line) {
    const { cart } = await line;
    return cart && { store_id: cart.store_id, allowed_origins: cart.allowed_origins };
  }
  return CART_ID_PATTERN.test(paramOf(ctx, 'id')) ? deps.storage.carts.ownerOf(paramOf(ctx, 'id')) : null;
});
const cartStoreOf = async (deps: AppDeps, ctx: Context) => (await cartOwnerOf(deps, ctx))?.store_id ?? null;

/** The stored cart of a GET, read once (one statement that brings the store's origins too): CORS and the answer share it. */
const cartRecordOf = oncePerRequest((deps: AppDeps, ctx: Context) =>
  CART_ID_PATTERN.test(paramOf(ctx, 'id')) ? deps.storage.carts.get(paramOf(ctx, 'id')) : null,
);

/** The cart of a checkout request, read once per request (the limit and the route share it). */
const checkoutCartOf = oncePerRequest((deps: AppDeps, ctx: Context) => (CART_ID_PATTERN.test(paramOf(ctx, 'id')) ? findCart(deps, paramOf(ctx, 'id')) : null));

/** Shopper rate limits per client address and per store (see security/rate-limit.ts for the numbers). */
function cartLimits(deps: AppDeps) {
  const l = rateLimitsOf(deps.config);
  const storeOfPath = (ctx: Context) => {
    const id = paramOf(ctx, 'store_id').toLowerCase();
    return STORE_ID_PATTERN.test(id) ? id : null;
  };
  const storeOfCart = (ctx: Context) => cartStoreOf(deps, ctx);
  const checkoutBudget = { name: 'checkouts', perMinute: l.storeCheckoutsPerMinute };
  return {
    create: shopperLimit({ clock: deps.clock, perAddress: l.cartsPerMinute, perStore: l.storeCartsPerMinute, storeOf: storeOfPath }),
    items: shopperLimit({ clock: deps.clock, perAddress: l.cartItemsPerMinute, perStore: l.storeCartItemsPerMinute, storeOf: storeOfCart }),
    // The store's checkout budget is smoothed and shared in the database; the checkout of an empty (or unknown)
    // cart is refused anyway and counts for its address only, so a flood of empty carts cannot spend it.
    checkout: shopperLimit({
      clock: deps.clock,
      perAddress: l.checkoutsPerMinute,
      perStore: l.storeCheckoutsPerMinute,
      storeOf: async (ctx) => {
        const cart = await checkoutCartOf(deps, ctx);
        return cart && cart.items.length > 0 ? cart.store_id : null;
      },
      takeFromStore: (store, ctx) =>
        takeFromStoreBudget(
          { budgets: deps.storage.budgets, clock: deps.clock },
          checkoutBudget,
          store,
          async () => (await checkoutCartOf(deps, ctx))?.created_at ?? null,
        ),
      storeRetryAfterSeconds: retryAfterSeconds(checkoutBudget),
    }),
  };
}

/** The two hottest requests of the server, answered through hot-routes.ts (same router, same layers). */
export const HOT_CART_ROUTES = [
  { method: 'GET', path: '/api/carts/:id' },
  { method: 'PATCH', path: '/api/carts/:id/items/:product_id' },
];

/**
 * The public cart API: create, read, add, change, remove, check out; CORS per store. Mounted first in the
 * app: GET cart and PATCH item are the hottest requests, and this router's few routes match fast.
 */
export function cartsRouter(deps: AppDeps, codeGuesses: CodeGuessLimit): Router {
  const router = new Router({ sensitive: true });
  const byStore = storeCors(deps, (ctx) => paramOf(ctx, 'store_id').toLowerCase() || null);
  const byCart = cartCors(async (ctx) => (await cartOwnerOf(deps, ctx))?.allowed_origins ?? null);
  // GET cart (the hottest request): its one cart read answers CORS too.
  const byCartRead = cartCors(async (ctx) => (await cartRecordOf(deps, ctx))?.allowed_origins ?? null);
  const limits = cartLimits(deps);

  router.options('/api/stores/:store_id/carts', byStore);
  router.post('/api/stores/:store_id/carts', byStore, limits.create, async (ctx) => {
    const store = await loadStore(deps, ctx.params.store_id);
    ctx.status = 201;
    ctx.body = cartAnswer(await createCart(deps, store));
  });

  router.options('/api/carts/:id', byCart);
  router.get('/api/carts/:id', byCartRead, async (ctx) => {
    sendJson(ctx, cartAnswer(openCart(await cartRecordOf(deps, ctx), deps.clock.now())));
  });

  router.options('/api/carts/:id/items', byCart);
  router.post('/api/carts/:id/items', byCart, limits.items, async (ctx) => {
    const id = cartIdOf(ctx);
    const body = await readBody(ctx, addItemBody);
    const quantity = quantityOf(body.quantity, 1);
    if (quantity === 0) throw errors.invalidQuantity(DEFAULT_MAX_QUANTITY);
    ctx.body = cartAnswer(await addItem(deps, id, body.product_id, quantity));
  });

  const readLineFirst: Middleware = async (ctx, next) => {
    const id = paramOf(ctx, 'id');
    if (CART_ID_PATTERN.test(id)) lineReads.set(ctx, deps.storage.carts.getWithProduct(id, paramOf(ctx, 'product_id')));
    await next();
  };
  router.options('/api/carts/:id/items/:product_id', byCart);
  router.patch('/api/carts/:id/items/:product_id', readLineFirst, byCart, limits.items, async (ctx) => {
    const id = cartIdOf(ctx);
    const body = await readBody(ctx, setQuantityBody);
    sendJson(ctx, cartAnswer(await setQuantity(deps, id, ctx.params.product_id, quantityOf(body.quantity, null), lineReads.get(ctx))));
  });
  router.delete('/api/carts/:id/items/:product_id', byCart, limits.items, async (ctx) => {
    ctx.body = cartAnswer(await removeItem(deps, cartIdOf(ctx), ctx.params.product_id));
  });

  // A discount code: every try counts against guessing (per address and per cart), then the domain decides.
  router.options('/api/carts/:id/discount', byCart);
  router.post('/api/carts/:id/discount', byCart, async (ctx) => {
    const id = cartIdOf(ctx);
    const { code } = await readBody(ctx, applyDiscountBody);
    await codeGuesses(ctx, (await cartStoreOf(deps, ctx)) ? id : null);
    ctx.body = cartAnswer(await applyDiscount(deps, id, code));
  });
  router.delete('/api/carts/:id/discount', byCart, limits.items, async (ctx) => {
    ctx.body = cartAnswer(await removeDiscount(deps, cartIdOf(ctx)));
  });

  router.options('/api/carts/:id/checkout', byCart);
  router.post('/api/carts/:id/checkout', byCart, limits.checkout, async (ctx) => {
    const { token, url, expires_at } = await openCheckout(deps, cartIdOf(ctx));
    ctx.status = 201;
    ctx.body = { token, url, expires_at };
  });
  return router;
}

/**
 * CORS for the widget: only the owning store's `allowed_origins`, looked up per request. An unknown (or
 * expired and forgotten) cart or store has no owner to ask; its 404 is readable from any origin, so the
 * widget can tell "start a new cart" from a network failure, and it reveals nothing.
 */
export function storeCors(deps: Pick<AppDeps, 'storage'>, storeIdOf: (ctx: Context) => string | null | Promise<string | null>) {
  return cartCors(async (ctx) => {
    const storeId = await storeIdOf(ctx);
    const store = storeId ? await deps.storage.stores.get(storeId) : null;
    return store ? store.allowed_origins : null;
  });
}

/** The same CORS, given the owning store's allowed origins directly (null: no such cart or store, so '*'). */
function cartCors(originsOf: (ctx: Context) => Promise<string[] | null>) {
  return cors({
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    headers: ['Content-Type'],
    origins: async (ctx) => (await originsOf(ctx)) ?? '*',
  });
}
