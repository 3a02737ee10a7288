import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { errors } from '../../errors';
import { validate } from '../../http/body';
import { loadStore } from '../stores-view';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().min(1).max(100).optional(),
});

/** Internal order reads for the platform: a store's orders newest first, and one order. */
export function ordersRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });

  router.get('/stores/:id/orders', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    const { limit, starting_after } = validate(pageQuery, ctx.query);
    const page = await deps.storage.orders.listForStore(store.id, { limit, startingAfter: starting_after });
    if (!page) throw errors.orderNotInStore(starting_after!);
    ctx.body = { object: 'list', ...page };
  });

  router.get('/orders/:id', async (ctx) => {
    const order = await deps.storage.orders.get(ctx.params.id);
    if (!order) throw errors.orderNotFound();
    ctx.body = order;
  });
  return router;
}
