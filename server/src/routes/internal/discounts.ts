import Router from '@koa/router';
import type { AppDeps } from '../../deps';
import { readJson } from '../../http/body';
import { createDiscount, loadDiscount, updateDiscount } from '../../payments/discounts';
import type { Discount } from '../../storage/port';
import { loadStore } from '../stores-view';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A discount as the internal API answers it (times as ISO 8601; the edit version stays inside). */
export function discountJson(d: Discount) {
  return {
    id: d.id,
    store_id: d.store_id,
    code: d.code,
    percent_off: d.percent_off,
    amount_off: d.amount_off,
    currency: d.currency,
    min_subtotal: d.min_subtotal,
    product_ids: d.product_ids,
    starts_at: iso(d.starts_at),
    ends_at: iso(d.ends_at),
    max_redemptions: d.max_redemptions,
    times_redeemed: d.times_redeemed,
    once_per_email: d.once_per_email,
    free_shipping: d.free_shipping,
    active: d.active,
    created_at: iso(d.created_at)!,
    updated_at: iso(d.updated_at)!,
  };
}

/**
 * A store's discount codes (`/api/internal/stores/:id/discounts`): POST creates one (201; 409
 * `discount_code_taken`), GET lists them newest first, GET `/:discount_id` reads one, PATCH changes its terms
 * (`active: false` withdraws it). Bad settings answer 422 `invalid_discount` naming the field, nothing stored.
 */
export function discountsRouter(deps: AppDeps): Router {
  const router = new Router({ prefix: '/stores/:id/discounts', sensitive: true });
  const discounts = deps.storage.discounts;

  router.post('/', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    ctx.status = 201;
    ctx.body = discountJson(await createDiscount(deps, store, await readJson(ctx)));
  });

  router.get('/', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    ctx.body = { data: (await discounts.list(store.id)).map(discountJson) };
  });

  router.get('/:discount_id', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    ctx.body = discountJson(await loadDiscount(deps, store, ctx.params.discount_id));
  });

  router.patch('/:discount_id', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    ctx.body = discountJson(await updateDiscount(deps, store, ctx.params.discount_id, await readJson(ctx)));
  });
  return router;
}
