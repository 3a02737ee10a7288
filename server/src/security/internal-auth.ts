import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { errors } from '../errors';

/**
 * Requires `X-Internal-Secret` to equal one of the configured secrets. Both sides are hashed first so the
 * comparison is constant-time whatever the lengths; every secret is compared so timing says nothing.
 */
export function requireInternalSecret(secrets: string[]): Middleware {
  const digests = secrets.map(sha256);
  return async (ctx, next) => {
    const given = sha256(ctx.get('X-Internal-Secret'));
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    if (!ok || ctx.get('X-Internal-Secret') === '') {
      throw errors.unauthorized();
    }
    await next();
  };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
