import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { AppError } from '../errors';
import { readBody } from '../http/body';
import { cors } from '../security/cors';
import { CART_ID_PATTERN } from '../checkout/ids';
import { openCheckout } from '../checkout/sessions';
import type { Cart } from '../storage';
import { loadStore } from './stores-view';

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

/** Public cart API: create, read, add, change, remove, check out. CORS per store. */
export function cartRoutes(deps: AppDeps, router = new Router({ sensitive: true })): Router {
  const { carts } = deps.storage;
  const byStore = storeCors(deps, (ctx) => ctx.params.store_id?.toLowerCase() ?? null);
  const byCart = storeCors(deps, (ctx) => (CART_ID_PATTERN.test(ctx.params.id ?? '') ? carts.storeIdOf(ctx.params.id!) : null));

  router.options('/api/stores/:store_id/carts', byStore);
  router.post('/api/stores/:store_id/carts', byStore, (ctx) => {
    const store = loadStore(deps, ctx.params.store_id);
    const currency = deps.storage.catalog.currencyOf(store.id) ?? store.default_currency;
    ctx.status = 201;
    ctx.body = cartAnswer(carts.create(store.id, currency));
  });

  router.options('/api/carts/:id', byCart);
  router.get('/api/carts/:id', byCart, (ctx) => {
    ctx.body = cartAnswer(carts.get(cartIdOf(ctx)));
  });

  router.options('/api/carts/:id/items', byCart);
  router.post('/api/carts/:id/items', byCart, async (ctx) => {
    const id = cartIdOf(ctx);
    const body = await readBody(ctx, addItemBody);
    const quantity = quantityOf(body.quantity, 1);
    if (quantity === 0) throw new AppError('invalid_quantity', 422, 'Quantity must be a whole number from 1 to 99');
    ctx.body = cartAnswer(carts.addItem(id, body.product_id, quantity));
  });

  router.options('/api/carts/:id/items/:product_id', byCart);
  router.patch('/api/carts/:id/items/:product_id', byCart, async (ctx) => {
    const id = cartIdOf(ctx);
    const body = await readBody(ctx, setQuantityBody);
    ctx.body = cartAnswer(carts.setQuantity(id, ctx.params.product_id!, quantityOf(body.quantity, null)));
  });
  router.delete('/api/carts/:id/items/:product_id', byCart, (ctx) => {
    ctx.body = cartAnswer(carts.removeItem(cartIdOf(ctx), ctx.params.product_id!));
  });

  router.options('/api/carts/:id/checkout', byCart);
  router.post('/api/carts/:id/checkout', byCart, (ctx) => {
    const { token, url, expires_at } = openCheckout(deps, cartIdOf(ctx));
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
