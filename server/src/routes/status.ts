import Router from '@koa/router';
import type { AppDeps } from '../app';
import { cors } from '../security/cors';
import { hasStripe, loadStore } from './stores-view';

/** Public, CORS-open store status (`GET /stripe/status/:store_id`) and a health probe. */
export function statusRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });
  const openCors = cors({ origins: () => '*', methods: ['GET'] });

  router.all('/stripe/status/:store_id', openCors, (ctx) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD, OPTIONS');
      ctx.body = { error: { code: 'method_not_allowed', message: 'Use GET' } };
      return;
    }
    const store = loadStore(deps, ctx.params.store_id);
    const conn = deps.storage.stores.getConnection(store.id);
    // Exactly the seed's three fields: storefronts read only whether payments can be taken.
    ctx.body = { store_id: store.id, has_stripe: hasStripe(conn), is_live_mode: conn?.livemode ?? false };
  });

  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });

  return router;
}
