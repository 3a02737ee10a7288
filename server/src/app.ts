import Koa from 'koa';
import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { StripeFactory } from './stripe/client';
import { AppError, errorBody } from './errors';
import { mountPaymentRoutes } from './routes/payments';
import { mountWidgetRoutes } from './routes/assets';
import { connectRouter } from './routes/connect';
import { internalApiGuard, internalRouter } from './routes/internal';
import { statusRouter } from './routes/status';
import { securityHeaders } from './security/headers';
import { requireHttps } from './security/https';

/** Everything the app needs from outside; tests build it from real parts (temp SQLite, the emulator). */
export interface AppDeps {
  config: import('./config').Config;
  storage: import('./storage').Storage;
  clock: Clock;
  sealer: import('./crypto/seal').Sealer;
  stripe: StripeFactory;
  logger: Logger;
}

/** Builds the Koa app; it holds no state of its own beyond what `deps` carries. */
export function createApp(deps: AppDeps): Koa {
  // Behind our proxy only the right-most X-Forwarded-For entry (the one it appended) is trustworthy; the rest
  // is whatever the client sent, so ctx.ip must not take the left-most one (rate limits key on it).
  const app = new Koa({ proxy: deps.config.trustProxy, maxIpsCount: 1 });
  app.silent = true;
  app.use(securityHeaders());
  app.use(errorMiddleware(deps.logger));
  // HTTPS only in production behind a TLS proxy (without TRUST_PROXY every request looks like plain http).
  if (deps.config.env === 'production' && deps.config.trustProxy) app.use(requireHttps(deps.config.publicUrl));
  app.use(internalApiGuard(deps));
  // Routers are mounted here, one per resource (see routes/).
  // The payment routes go first: the cart and checkout paths are the hot ones, and none overlaps another's.
  mountPaymentRoutes(app, deps);
  for (const r of [statusRouter(deps), connectRouter(deps), internalRouter(deps)]) app.use(r.routes()).use(r.allowedMethods());
  mountWidgetRoutes(app, deps);
  return app;
}

/**
 * The one error path: AppErrors become `{error:{code,message}}` with their status; anything else is
 * logged and becomes a 500 `internal_error` whose message says nothing about the cause.
 */
export function errorMiddleware(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) {
        throw new AppError('not_found', 404, 'No such endpoint');
      }
      // The routers' allowedMethods() leave 405 (and 501 for methods no route knows) with an empty body, which
      // Koa would send as text/plain; both become our JSON 405, keeping the Allow header they set.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body == null) {
        const allow = String(ctx.response.get('Allow') ?? '');
        throw new AppError('method_not_allowed', 405, `${ctx.method} is not allowed here${allow ? `; use ${allow}` : ''}`, allow ? { Allow: allow } : {});
      }
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) logger.error({ err, path: ctx.path }, 'request failed');
      ctx.status = e.status;
      for (const [k, v] of Object.entries(e.headers)) ctx.set(k, v);
      ctx.body = errorBody(e.code, e.message);
    }
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: number; expose?: boolean; message?: string };
  // Koa/http-errors thrown with ctx.throw(4xx) keep their status; their messages are ours.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new AppError('invalid_request', e.status, e.message ?? 'Bad request');
  }
  return new AppError('internal_error', 500, 'Something went wrong on our side');
}
