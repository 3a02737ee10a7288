import Koa from 'koa';
import type { AppDeps } from './deps';
import { refuseControlCharacters } from './http/control-chars';
import { errorMiddleware } from './http/errors';
import { assetsRouter, createAssetStore, type AssetStore } from './routes/assets';
import { cartsRouter, HOT_CART_ROUTES } from './routes/carts';
import { hotRoutes } from './routes/hot-routes';
import { catalogRouter } from './routes/catalog';
import { checkoutApiRouter } from './routes/checkout';
import { checkoutPageRouter } from './routes/checkout-page';
import { connectRouter } from './routes/connect';
import { internalApiGuard, internalRouter } from './routes/internal/index';
import { openApiRouter } from './routes/openapi';
import { statusRouter } from './routes/status';
import { webhooksRouter } from './routes/webhooks';
import { codeGuessLimit } from './security/code-guess-limit';
import { securityHeaders } from './security/headers';
import { requireHttps } from './security/https';

/** Builds the Koa app; it holds no state of its own beyond what `deps` carries. */
export function createApp(deps: AppDeps, assets: AssetStore = createAssetStore()): Koa {
  // Behind our proxy only the right-most X-Forwarded-For entry (the one it appended) is trustworthy; the rest
  // is whatever the client sent, so ctx.ip must not take the left-most one (rate limits key on it).
  const app = new Koa({ proxy: deps.config.trustProxy, maxIpsCount: 1 });
  app.silent = true;
  app.use(securityHeaders());
  app.use(errorMiddleware(deps.logger));
  app.use(refuseControlCharacters());
  // HTTPS only in production behind a TLS proxy (without TRUST_PROXY every request looks like plain http).
  if (deps.config.env === 'production' && deps.config.trustProxy) app.use(requireHttps(deps.config.publicUrl));
  app.use(internalApiGuard(deps));
  // One router per resource (routes/), in this order: the cart routes are the hottest, so they match first,
  // and GET cart / PATCH item skip the router's matching through the same router's own layers.
  const codeGuesses = codeGuessLimit(deps);
  const carts = cartsRouter(deps, codeGuesses);
  app.use(hotRoutes(carts, HOT_CART_ROUTES));
  const routers = [
    carts,
    checkoutApiRouter(deps, codeGuesses),
    catalogRouter(deps),
    webhooksRouter(deps),
    statusRouter(deps),
    connectRouter(deps),
    internalRouter(deps),
    openApiRouter(deps),
    assetsRouter(assets),
    checkoutPageRouter(deps, assets),
  ];
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
