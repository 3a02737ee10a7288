import type { TLSSocket } from 'node:tls';
import type { Context, Middleware } from 'koa';
import { errors } from '../errors';

/**
 * The protocol the client reached us with: https on our own TLS socket; else, behind a trusted proxy, the
 * last X-Forwarded-Proto entry, the one our proxy appended (anything before it is what the client sent, as
 * with X-Forwarded-For, of which ctx.ip takes the right-most entry). Koa's ctx.protocol takes the first.
 */
export function forwardedProtocol(ctx: Context): 'https' | 'http' {
  if ((ctx.req.socket as Partial<TLSSocket>).encrypted) return 'https';
  if (!ctx.app.proxy) return 'http';
  const header = ctx.get('X-Forwarded-Proto');
  return header
    .slice(header.lastIndexOf(',') + 1)
    .trim()
    .toLowerCase() === 'https'
    ? 'https'
    : 'http';
}

/**
 * HTTPS only (production behind a TLS-terminating proxy, TRUST_PROXY on): plain-http GET/HEAD are redirected
 * to the https URL, anything else is refused, because a redirected POST would already have sent its body
 * (keys!) in the clear. `/healthz` and `/readyz` stay reachable so the proxy can probe the app directly.
 */
export function requireHttps(publicUrl: string): Middleware {
  // Redirect to the configured origin, never to whatever Host the request claimed (no open redirect).
  const origin = new URL(publicUrl).origin.replace(/^http:/, 'https:');
  return async (ctx, next) => {
    if (forwardedProtocol(ctx) === 'https' || ctx.path === '/healthz' || ctx.path === '/readyz') {
      await next();
      return;
    }
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      ctx.status = 301;
      ctx.redirect(`${origin}${ctx.originalUrl}`);
      return;
    }
    throw errors.httpsRequired();
  };
}
