import type { Context, Middleware } from 'koa';
import type { Clock } from '../clock';
import { errors } from '../errors';

/** Options of one rate-limit bucket: at most `max` requests per `windowMs` for each key. */
export interface RateLimitOptions {
  clock: Clock;
  windowMs: number;
  max: number;
  /** What the limit counts by; the client IP by default (honours X-Forwarded-For only with TRUST_PROXY). */
  key?: (ctx: Context) => string;
}

/**
 * A fixed-window limiter kept in memory; enough for one process (a cluster would move it to shared
 * storage). Over the limit → 429 `rate_limited` with Retry-After in seconds.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const windows = new Map<string, { start: number; count: number }>();
  const keyOf = options.key ?? ((ctx: Context) => ctx.ip);
  return async (ctx, next) => {
    const now = options.clock.now();
    const key = keyOf(ctx);
    let w = windows.get(key);
    if (!w || now - w.start >= options.windowMs) {
      if (windows.size > 10_000) prune(windows, now, options.windowMs);
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count += 1;
    if (w.count > options.max) {
      const retryAfter = Math.max(1, Math.ceil((w.start + options.windowMs - now) / 1000));
      throw errors.rateLimited(retryAfter);
    }
    return next();
  };
}

function prune(windows: Map<string, { start: number }>, now: number, windowMs: number): void {
  for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
}
