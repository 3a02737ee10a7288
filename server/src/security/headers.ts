import type { Middleware } from 'koa';

/** HSTS for a year; browsers ignore it over plain http, so sending it everywhere is harmless. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every answer (the parts of helmet we need). Answers that set no CSP of their own
 * (JSON, redirects) get one that allows nothing and no framing; HTML pages set their own (see pageCsp).
 * No Cross-Origin-Resource-Policy: storefronts on other sites load /widget.js with a plain <script>.
 */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      ctx.set('Strict-Transport-Security', HSTS);
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (!ctx.response.get('Referrer-Policy')) ctx.set('Referrer-Policy', 'no-referrer');
      ctx.set('X-DNS-Prefetch-Control', 'off');
      ctx.set('X-Permitted-Cross-Domain-Policies', 'none');
      if (!ctx.response.get('Content-Security-Policy') && !ctx.response.is('html')) {
        ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
      }
    }
  };
}

/** Options for an HTML page's Content-Security-Policy. */
export interface PageCspOptions {
  /** Per-answer random nonce for the page's inline <style> and <script>. */
  nonce: string;
  /** Origins allowed to frame the page; empty means nobody. */
  frameAncestors?: string[];
}

/** The CSP of a server-rendered page: only its own nonce'd inline style/script, forms post to us only. */
export function pageCsp({ nonce, frameAncestors = [] }: PageCspOptions): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    // Only the store's own storefronts may frame its pages (the widget's admin modal); nobody else.
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}
