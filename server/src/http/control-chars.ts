import type Koa from 'koa';
import { errors } from '../errors';

/**
 * A control character in the URL, raw or percent-encoded (`%00`–`%1F`, `%7F`). No id, token or query value
 * of ours has one, and PostgreSQL refuses a NUL in text with an error that would otherwise surface as a 500
 * (a review found 500s and 1 KB error lines), so such a request is answered before any route or query sees it.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_IN_URL = /%(?:[01][0-9a-f]|7f)|[\u0000-\u001f\u007f]/i;

/** Answers 400 `invalid_request` for a path or query string carrying a control character. */
export function refuseControlCharacters(): Koa.Middleware {
  return async (ctx, next) => {
    if (CONTROL_IN_URL.test(ctx.path) || (ctx.querystring && CONTROL_IN_URL.test(ctx.querystring))) {
      throw errors.invalidRequest('The URL contains a control character');
    }
    await next();
  };
}

/** True when a parsed body holds a NUL character in any string, key or value, at any depth. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000') || containsNul(v, depth + 1)) return true;
  }
  return false;
}
