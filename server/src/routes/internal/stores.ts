import Router from '@koa/router';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { errors } from '../../errors';
import { readBody } from '../../http/body';
import { settleWithin } from '../../connect/connect-store';
import { settleInBackground } from '../../payments/settle';
import { storeDisconnected } from '../../platform-webhooks/announce';
import { buildConnectUrl, signConnectLink } from '../../security/connect-link';
import { isHttpUrl } from '../connect';
import { loadStore, STORE_ID_PATTERN, storeJson, stripeStatusJson } from '../stores-view';

const origin = z.string().max(200).refine(isOrigin, 'each allowed origin must look like https://shop.example.com (scheme, host, optional port; no path)');
const storeFields = {
  name: z.string().trim().min(1, 'name is required').max(200),
  allowed_origins: z.array(origin).max(50).transform((list) => [...new Set(list.map((o) => new URL(o).origin))]),
  default_currency: z.string().regex(/^[a-zA-Z]{3}$/, 'default_currency must be a three-letter ISO code such as usd').transform((c) => c.toLowerCase()),
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
  ttl_seconds: z.number().int().min(60).max(7 * 24 * 3600).default(30 * 60),
});

/** The platform's API for stores, connect links, Stripe status and the audit trail. */
export function storesRouter(deps: AppDeps): Router {
  const router = new Router({ prefix: '/stores', sensitive: true });
  const stores = deps.storage.stores;

  router.post('/', async (ctx) => {
    const input = await readBody(ctx, createSchema);
    const store = await stores.create({ ...input, id: input.id ?? randomUUID() });
    if (!store) throw errors.storeExists();
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
    const secret = deps.config.internalSecrets[0];
    const params = { storeId: store.id, returnUrl: input.return_url ?? '', expires: Math.floor(deps.clock.now() / 1000) + input.ttl_seconds };
    // Identical fields make an identical link; if that one was just used, a second later is a fresh link.
    while (await stores.isLinkUsed(signConnectLink(secret, params))) params.expires += 1;
    ctx.body = {
      url: buildConnectUrl(deps.config.publicUrl, secret, params),
      expires_at: new Date(params.expires * 1000).toISOString(),
    };
  });

  router.get('/:id/stripe-status', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    ctx.body = stripeStatusJson(store.id, await stores.getConnection(store.id));
  });

  router.delete('/:id/stripe', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    const removed = await stores.disconnect(store.id, storeDisconnected(deps.clock));
    if (removed) {
      deps.logger.info({ store_id: store.id, account_id: removed.account_id }, 'store disconnected from Stripe');
      // Orders paid on the old key must exist before that key and its webhook endpoint are gone.
      await settleWithin(settleInBackground(deps, removed, null, null));
    }
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
