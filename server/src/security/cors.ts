import type { Context, Middleware } from 'koa';

/** Which origins may read an answer: '*' for anyone, or an explicit list (e.g. a store's allowed_origins). */
export type AllowedOrigins = '*' | string[];

/** Options for the CORS helper. */
export interface CorsOptions {
  /** Resolves the allowed origins for this request (may look up the store). */
  origins: (ctx: Context) => AllowedOrigins | Promise<AllowedOrigins>;
  methods?: string[];
  headers?: string[];
  maxAgeSeconds?: number;
}

/**
 * CORS for a router: answers preflights (204) and sets Access-Control-Allow-Origin on answers when the
 * request's Origin is allowed. A refused origin simply gets no CORS headers, so the browser blocks it.
 */
export function cors(options: CorsOptions): Middleware {
  const methods = (options.methods ?? ['GET']).join(', ');
  const headers = (options.headers ?? ['Content-Type']).join(', ');
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    const allowed = origin ? await options.origins(ctx) : [];
    const ok = origin !== '' && (allowed === '*' || allowed.includes(origin));
    if (ok) {
      ctx.set('Access-Control-Allow-Origin', allowed === '*' ? '*' : origin);
      if (allowed !== '*') ctx.vary('Origin');
    }
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      if (ok) {
        ctx.set('Access-Control-Allow-Methods', methods);
        ctx.set('Access-Control-Allow-Headers', headers);
        ctx.set('Access-Control-Max-Age', String(options.maxAgeSeconds ?? 600));
      }
      ctx.status = 204;
      return;
    }
    await next();
  };
}
