import { createHash } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { AppError, errorBody, errors } from '../errors';

/**
 * The one error path: AppErrors become `{error:{code,message}}` with their status; anything else is
 * logged and becomes a 500 `internal_error` whose message says nothing about the cause. The log names the
 * route template and a hash of the path, never the path: paths carry checkout tokens and cart ids.
 */
export function errorMiddleware(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) throw errors.notFound();
      // The routers' allowedMethods() leave 405 (and 501 for methods no route knows) with an empty body, which
      // Koa would send as text/plain; both become our JSON 405, keeping the Allow header they set.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body == null) {
        throw errors.methodNotAllowed(ctx.method, String(ctx.response.get('Allow') ?? ''));
      }
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) logger.error({ err, method: ctx.method, route: matchedRoute(ctx), path_sha256: pathHash(ctx.path) }, 'request failed');
      ctx.status = e.status;
      for (const [k, v] of Object.entries(e.headers)) ctx.set(k, v);
      ctx.body = errorBody(e.code, e.message, e.param, e.extra);
    }
  };
}

/** The template of the route that matched (`/api/checkout/:token/complete`), as @koa/router records it. */
function matchedRoute(ctx: Koa.Context): string | null {
  const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof route === 'string' ? route : null;
}

/** Enough of the path's SHA-256 to tell requests apart in logs without revealing the token in it. */
function pathHash(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 16);
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: number; expose?: boolean; message?: string };
  // Koa/http-errors thrown with ctx.throw(4xx) keep their status; their messages are ours.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new AppError(errors.invalidRequest.code, e.status, e.message ?? 'Bad request');
  }
  return errors.internal();
}
