import Router from '@koa/router';
import type Koa from 'koa';
import type { AppDeps } from '../app';
import { cartRoutes, hotCartPaths } from './carts';
import { checkoutRoutes } from './checkout';
import { orderRoutes } from './orders';
import { productRoutes } from './products';
import { webhookRoutes } from './webhooks';

/**
 * Mounts the payment flow (catalog, carts, checkout API, incoming webhooks, internal order reads) on one
 * router: one path match per request instead of one per resource, on the hottest paths of the server.
 */
export function mountPaymentRoutes(app: Koa, deps: AppDeps): void {
  const router = new Router({ sensitive: true });
  for (const register of [productRoutes, cartRoutes, checkoutRoutes, webhookRoutes, orderRoutes]) register(deps, router);
  app.use(hotCartPaths(deps));
  app.use(router.routes());
}
