import type { Middleware } from 'koa';
import { errors } from '../errors';

/**
 * HTTPS only (production behind a TLS-terminating proxy, TRUST_PROXY on): plain-http GET/HEAD are redirected
 * to the https URL, anything else is refused, because a redirected POST would already have sent its body
 * (keys!) in the clear. `/healthz` stays reachable so the proxy can probe the app directly.
 */
export function requireHttps(publicUrl: string): Middleware {
  // Redirect to the configured origin, never to whatever Host the request claimed (no open redirect).
  const origin = new URL(publicUrl).origin.replace(/^http:/, 'https:');
  return async (ctx, next) => {
    if (ctx.protocol === 'https' || ctx.path === '/healthz') return next();
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      ctx.status = 301;
      ctx.redirect(`${origin}${ctx.originalUrl}`);
      return;
    }
    throw errors.httpsRequired();
  };
}
