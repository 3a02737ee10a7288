import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { readBody } from '../../http/body';
import { isHttpUrl } from '../../connect/connect-link';
import { connectLinkFor, createStore, disconnectStore, STORE_ID_PATTERN } from '../../connect/stores';
import { storeJson, stripeStatusJson } from '../../connect/views';
import { loadStore } from '../stores-view';

const origin = z.string().max(200).refine(isOrigin, 'each allowed origin must look like https://shop.example.com (scheme, host, optional port; no path)');
const storeFields = {
  name: z.string().trim().min(1, 'name is required').max(200),
  allowed_origins: z
    .array(origin)
    .max(50)
    .transform((list) => [...new Set(list.map((o) => new URL(o).origin))]),
  default_currency: z
    .string()
    .regex(/^[a-zA-Z]{3}$/, 'default_currency must be a three-letter ISO code such as usd')
    .transform((c) => c.toLowerCase()),
};
export const createSchema = z.strictObject({
  id: z.string().toLowerCase().regex(STORE_ID_PATTERN, 'id must be a UUID').optional(),
  name: storeFields.name,
  allowed_origins: storeFields.allowed_origins.optional(),
  default_currency: storeFields.default_currency.optional(),
});
export const patchSchema = z.strictObject({
  name: storeFields.name.optional(),
  allowed_origins: storeFields.allowed_origins.optional(),
  default_currency: storeFields.default_currency.optional(),
});
export const linkSchema = z.strictObject({
  return_url: z.string().max(2048).refine(isHttpUrl, 'return_url must be an absolute http(s) URL').optional(),
  ttl_seconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(30 * 60),
});

/** The platform's API for stores, connect links, Stripe status and the audit trail. */
export function storesRouter(deps: AppDeps): Router {
  const router = new Router({ prefix: '/stores', sensitive: true });
  const stores = deps.storage.stores;

  router.post('/', async (ctx) => {
    const store = await createStore(deps, await readBody(ctx, createSchema));
    ctx.status = 201;
    ctx.body = storeJson(store);
  });

  router.get('/:id', async (ctx) => {
    ctx.body = storeJson(await loadStore(deps, ctx.params.id));
  });

  router.patch('/:id', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    const patch = await readBody(ctx, patchSchema);
    ctx.body = storeJson((await stores.update(store.id, patch))!);
  });

  router.post('/:id/connect-link', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    const input = await readBody(ctx, linkSchema);
    ctx.body = await connectLinkFor(deps, store.id, input.return_url ?? '', input.ttl_seconds);
  });

  router.get('/:id/stripe-status', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    ctx.body = stripeStatusJson(store.id, await stores.getConnection(store.id));
  });

  router.delete('/:id/stripe', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    await disconnectStore(deps, store.id);
    ctx.body = stripeStatusJson(store.id, null);
  });

  router.get('/:id/events', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    ctx.body = {
      data: (await stores.listEvents(store.id)).map((e) => ({
        id: e.id,
        type: e.type,
        account_id: e.account_id,
        previous_account_id: e.previous_account_id,
        livemode: e.livemode,
        message: e.message,
        created_at: new Date(e.created_at).toISOString(),
      })),
    };
  });

  return router;
}

function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && value.replace(/\/$/, '') === u.origin;
  } catch {
    return false;
  }
}
