/**
 * The platform's internal API (`/api/internal/…`, header `X-Internal-Secret`): stores, connect links, Stripe
 * status, the audit trail, the catalog, shipping and tax settings, discount codes, orders and the platform's
 * webhook endpoints. The guard in front of the whole app (rate limit, then the secret) catches every spelling
 * of the path; the router checks the secret once more for all its routes.
 */
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppDeps } from '../../deps';
import { requireInternalSecret } from '../../security/internal-auth';
import { rateLimit, rateLimitsOf } from '../../security/rate-limit';
import { discountsRouter } from './discounts';
import { ordersRouter } from './orders';
import { productsRouter } from './products';
import { shippingRouter } from './shipping';
import { taxRouter } from './tax';
import { storesRouter } from './stores';
import { webhookEndpointsRouter } from './webhook-endpoints';

/** The internal API's router: every route behind the secret check. */
export function internalRouter(deps: AppDeps): Router {
  const router = new Router({ prefix: '/api/internal', sensitive: true });
  // Defence in depth: the router checks the secret itself too, should the guard in front ever be bypassed.
  router.use(requireInternalSecret(deps.config.internalSecrets));
  for (const sub of [
    storesRouter(deps),
    productsRouter(deps),
    shippingRouter(deps),
    taxRouter(deps),
    discountsRouter(deps),
    ordersRouter(deps),
    webhookEndpointsRouter(deps),
  ]) {
    router.use(sub.routes(), sub.allowedMethods());
  }
  return router;
}

/** Guards everything under /api/internal/: rate limit per client, then the X-Internal-Secret check. */
export function internalApiGuard(deps: Pick<AppDeps, 'clock' | 'config'>): Middleware {
  const limit = rateLimit({ clock: deps.clock, windowMs: 60_000, max: rateLimitsOf(deps.config).internalPerMinute });
  const auth = requireInternalSecret(deps.config.internalSecrets);
  return async (ctx, next) => {
    if (isInternalPath(ctx.path))
      await limit(ctx, async () => {
        await auth(ctx, next);
      });
    else await next();
  };
}

/**
 * Whether a request path points into the internal API however it is spelled: percent-escapes decoded, case
 * folded and repeated slashes collapsed, so no spelling a router might accept slips past the guard.
 */
export function isInternalPath(path: string): boolean {
  // The usual path has no escapes, backslashes or doubled slashes: only its head's case can vary. This runs
  // on every request, so it skips the decode, copy and regex below.
  if (!path.includes('%') && !path.includes('\\') && !path.includes('//')) {
    const head = path.slice(0, 14).toLowerCase();
    return head === '/api/internal' || head === '/api/internal/';
  }
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape cannot match a route; judge the raw path.
  }
  const normal = decoded.toLowerCase().replace(/[\\/]+/g, '/');
  return normal === '/api/internal' || normal.startsWith('/api/internal/');
}
