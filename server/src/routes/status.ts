import Router from '@koa/router';
import { canTakePayments } from '../connect/connection';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import { cors } from '../security/cors';
import { loadStore } from './stores-view';

/** Public, CORS-open store status (`GET /stripe/status/:store_id`) and a health probe. */
export function statusRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });
  const openCors = cors({ origins: () => '*', methods: ['GET'] });

  router.all('/stripe/status/:store_id', openCors, async (ctx) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw errors.methodNotAllowed(ctx.method, 'GET, HEAD, OPTIONS');
    const store = await loadStore(deps, ctx.params.store_id);
    const conn = await deps.storage.stores.getConnection(store.id);
    // Exactly the seed's three fields: storefronts read only whether payments can be taken.
    ctx.body = { store_id: store.id, has_stripe: canTakePayments(conn), is_live_mode: conn?.livemode ?? false };
  });

  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });

  return router;
}
