import type { Middleware } from 'koa';
import { AppError } from '../errors';

/**
 * HTTPS only (production behind a TLS-terminating proxy, TRUST_PROXY on): plain-http GET/HEAD are redirected
 * to the https URL, anything else is refused, because a redirected POST would already have sent its body
 * (keys!) in the clear. `/healthz` stays reachable so the proxy can probe the app directly.
 */
export function requireHttps(): Middleware {
  return async (ctx, next) => {
    if (ctx.protocol === 'https' || ctx.path === '/healthz') return next();
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      ctx.status = 301;
      ctx.redirect(`https://${ctx.host}${ctx.originalUrl}`);
      return;
    }
    throw new AppError('https_required', 403, 'HTTPS is required; send this request to the https:// URL');
  };
}
