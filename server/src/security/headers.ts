import type { ServerResponse } from 'node:http';
import type { Middleware } from 'koa';

/** HSTS for a year; browsers ignore it over plain http, so sending it everywhere is harmless. */
const HSTS = 'max-age=31536000; includeSubDomains';
/** The CSP of answers that set none of their own and are not HTML: nothing may load, nobody may frame. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const HTML_TYPE = /^\s*text\/html\s*(;|$)/i;

/**
 * Security headers on every answer (the parts of helmet we need). Answers that set no CSP of their own
 * (JSON, redirects) get one that allows nothing and no framing; HTML pages set their own (see pageCsp).
 * No Cross-Origin-Resource-Policy: storefronts on other sites load /widget.js with a plain <script>.
 * Set straight on the Node response: Koa's ctx.set allocates arrays per call, and this runs on every request.
 */
export function securityHeaders(): Middleware {
  return (ctx, next) =>
    next().then(
      () => addSecurityHeaders(ctx.res),
      (err: unknown) => {
        addSecurityHeaders(ctx.res);
        throw err;
      },
    );
}

function addSecurityHeaders(res: ServerResponse): void {
  // Like ctx.set: once the head is out (a streamed answer), there is nothing left to add.
  if (res.headersSent) return;
  res.setHeader('Strict-Transport-Security', HSTS);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (!res.getHeader('Referrer-Policy')) res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-DNS-Prefetch-Control', 'off');
  res.setHeader('X-Permitted-Cross-Domain-Policies', 'none');
  if (!res.getHeader('Content-Security-Policy') && !isHtml(res.getHeader('Content-Type'))) {
    res.setHeader('Content-Security-Policy', API_CSP);
  }
}

/** What `ctx.response.is('html')` answers, without type-is: the media type is text/html. */
function isHtml(type: ReturnType<ServerResponse['getHeader']>): boolean {
  return typeof type === 'string' && HTML_TYPE.test(type);
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
