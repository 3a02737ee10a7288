import type Koa from 'koa';
import type { AppDeps } from '../app';
import { cartRoutes } from './carts';
import { checkoutRoutes } from './checkout';
import { orderRoutes } from './orders';
import { productRoutes } from './products';
import { webhookRoutes } from './webhooks';

/** Mounts the payment flow: catalog, carts, checkout API, incoming webhooks and internal order reads. */
export function mountPaymentRoutes(app: Koa, deps: AppDeps): void {
  for (const router of [
    productRoutes(deps),
    cartRoutes(deps),
    checkoutRoutes(deps),
    webhookRoutes(deps),
    orderRoutes(deps),
  ]) {
    app.use(router.routes());
  }
}
