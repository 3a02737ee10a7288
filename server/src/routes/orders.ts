import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { AppError } from '../errors';
import { validate } from '../http/body';
import { requireInternalSecret } from '../security/internal-auth';
import { loadStore } from './stores-view';

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().min(1).max(100).optional(),
});

/** Internal order reads for the platform: a store's orders newest first, and one order. */
export function orderRoutes(deps: AppDeps, router = new Router({ sensitive: true })): Router {
  const internal = requireInternalSecret(deps.config.internalSecrets);

  router.get('/api/internal/stores/:id/orders', internal, (ctx) => {
    const store = loadStore(deps, ctx.params.id);
    const { limit, starting_after } = validate(pageQuery, ctx.query);
    const page = deps.storage.orders.listForStore(store.id, { limit, startingAfter: starting_after });
    ctx.body = { object: 'list', ...page };
  });

  router.get('/api/internal/orders/:id', internal, (ctx) => {
    const order = deps.storage.orders.get(ctx.params.id!);
    if (!order) throw new AppError('order_not_found', 404, 'Order not found');
    ctx.body = order;
  });
  return router;
}
