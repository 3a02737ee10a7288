import type { Context, Middleware } from 'koa';
import type { Clock } from '../clock';
import { errors } from '../errors';
import { clientKey } from './client-key';

/** Every rate limit, in requests per minute; `Config.rateLimits` overrides any of them (RATE_LIMIT_* in the env). */
export interface RateLimits {
  /** POST /stripe/connect, per client address. */
  connectPerMinute: number;
  /** Everything under /api/internal/, per client address (counted before the secret check). */
  internalPerMinute: number;
  /** New carts, per client address and per store. */
  cartsPerMinute: number;
  storeCartsPerMinute: number;
  /** Item changes (add, change quantity, remove), per client address and per store. */
  cartItemsPerMinute: number;
  storeCartItemsPerMinute: number;
  /** Checkout sessions opened, per client address and per store. */
  checkoutsPerMinute: number;
  storeCheckoutsPerMinute: number;
  /** PaymentIntents created (a call answered with the intent a session already has does not count). */
  paymentIntentsPerMinute: number;
  storePaymentIntentsPerMinute: number;
  /** Details changes (email, address, rate: each one updates the PaymentIntent at Stripe), per client address and per store. */
  detailsPerMinute: number;
  storeDetailsPerMinute: number;
  /** `/complete` calls per client address (each may read the intent at Stripe; see COMPLETE_READ_SPACING_MS). */
  completePerMinute: number;
  /** Discount codes tried (on a cart or at checkout), per client address and per cart: against guessing. */
  discountCodesPerMinute: number;
  cartDiscountCodesPerMinute: number;
}

/**
 * The limits when nothing is configured. Per address, several times what a shopper can do by hand (a
 * household or office behind one NAT'd IPv4 address shares them), and below what card testing needs; per
 * store, a busy store's minute, and payment intents well under Stripe's own limit on the merchant's account
 * (about 25 requests/s in test mode, 100 in live mode). README "Security model" explains each number.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  connectPerMinute: 10,
  internalPerMinute: 1200,
  cartsPerMinute: 20,
  storeCartsPerMinute: 1200,
  cartItemsPerMinute: 120,
  storeCartItemsPerMinute: 6000,
  checkoutsPerMinute: 10,
  storeCheckoutsPerMinute: 600,
  paymentIntentsPerMinute: 10,
  storePaymentIntentsPerMinute: 300,
  detailsPerMinute: 60,
  storeDetailsPerMinute: 3000,
  completePerMinute: 60,
  discountCodesPerMinute: 30,
  cartDiscountCodesPerMinute: 10,
};

/** The configured limits with the defaults filled in. */
export function rateLimitsOf(config: { rateLimits?: Partial<RateLimits> }): RateLimits {
  return { ...DEFAULT_RATE_LIMITS, ...config.rateLimits };
}

/** How many keys a table tracks at most (about 200 bytes each). */
const MAX_KEYS = 20_000;
/** How many keys at their limit one insertion at the bound may move to the back before it evicts one anyway. */
const SECOND_CHANCES = 4;

interface Window {
  key: string;
  start: number;
  count: number;
  prev: Window | null;
  next: Window | null;
}

/**
 * Fixed-window counters per key (the window starts at the key's first request), bounded and O(1) per hit.
 * The windows sit in a list in the order they started: windows that are over are dropped from its front as new
 * ones come in, so memory follows the clients of the last window, not every client ever seen. At `maxKeys`
 * live windows the oldest one goes, unless it is at its limit (refusing or about to refuse): that one moves to
 * the back (a few per insertion), so forgetting a key only ever forgets requests that were allowed anyway,
 * and flooding the table with fresh keys does not reset a throttled counter.
 */
export class RateLimitTable {
  private readonly windows = new Map<string, Window>();
  private head: Window | null = null;
  private tail: Window | null = null;
  private readonly windowMs: number;
  private readonly max: number;
  private readonly maxKeys: number;

  constructor(options: { windowMs: number; max: number; maxKeys?: number }) {
    this.windowMs = options.windowMs;
    this.max = options.max;
    this.maxKeys = Math.max(1, options.maxKeys ?? MAX_KEYS);
  }

  /** How many keys are tracked now. */
  get size(): number {
    return this.windows.size;
  }

  /** Counts one request of `key` at `now`: null when it is within the limit, else the ms until its window ends. */
  hit(key: string, now: number): number | null {
    let w = this.windows.get(key);
    if (w === undefined) {
      this.makeRoom(now);
      w = { key, start: now, count: 0, prev: null, next: null };
      this.windows.set(key, w);
      this.push(w);
    } else if (now - w.start >= this.windowMs) {
      w.start = now;
      w.count = 0;
      this.unlink(w);
      this.push(w);
    }
    w.count += 1;
    return w.count > this.max ? w.start + this.windowMs - now : null;
  }

  private makeRoom(now: number): void {
    while (this.head !== null && now - this.head.start >= this.windowMs) this.drop(this.head);
    let chances = SECOND_CHANCES;
    while (this.head !== null && this.windows.size >= this.maxKeys) {
      const oldest = this.head;
      if (oldest.count >= this.max && now - oldest.start < this.windowMs && chances-- > 0) {
        this.unlink(oldest);
        this.push(oldest);
      } else {
        this.drop(oldest);
      }
    }
  }

  private drop(w: Window): void {
    this.unlink(w);
    this.windows.delete(w.key);
  }

  private push(w: Window): void {
    w.prev = this.tail;
    w.next = null;
    if (this.tail) this.tail.next = w;
    else this.head = w;
    this.tail = w;
  }

  private unlink(w: Window): void {
    if (w.prev) w.prev.next = w.next;
    else this.head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this.tail = w.prev;
    w.prev = w.next = null;
  }
}

/** 429 `rate_limited` with Retry-After in whole seconds when `retryMs` says the request is over a limit. */
function refuseIfOver(retryMs: number | null, refuse: (retryAfterSeconds: number) => Error = errors.rateLimited): void {
  if (retryMs === null) return;
  throw refuse(Math.max(1, Math.ceil(retryMs / 1000)));
}

/** Options of one rate-limit bucket: at most `max` requests per `windowMs` for each key. */
export interface RateLimitOptions {
  clock: Clock;
  windowMs: number;
  max: number;
  /** What the limit counts by; the client address group by default (see clientKey; X-Forwarded-For only with TRUST_PROXY). */
  key?: (ctx: Context) => string;
  /** Bound on the keys tracked (see RateLimitTable). */
  maxKeys?: number;
}

/**
 * A fixed-window limiter kept in memory; enough for one process (a cluster would move it to shared
 * storage). Over the limit → 429 `rate_limited` with Retry-After in seconds.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const table = new RateLimitTable(options);
  const keyOf = options.key ?? ((ctx: Context) => clientKey(ctx.ip));
  return async (ctx, next) => {
    refuseIfOver(table.hit(keyOf(ctx), options.clock.now()));
    await next();
  };
}

/** What `ShopperLimitOptions.storeOf` answers for a request that is not counted at all. */
export const UNCOUNTED = Symbol('uncounted');

/** Options of a shopper limit: per client address group and per store, in one window. */
export interface ShopperLimitOptions {
  clock: Clock;
  perAddress: number;
  perStore: number;
  /**
   * The store the request is for; null when there is none to count (an unknown cart: only the address
   * counts), UNCOUNTED when the request costs nothing worth limiting (it is not counted at all).
   */
  storeOf: (ctx: Context) => string | null | typeof UNCOUNTED | PromiseLike<string | null | typeof UNCOUNTED>;
  windowMs?: number;
  maxKeys?: number;
  /**
   * Takes the request from the store's budget in the database (store-budget.ts) instead of this process's
   * window count: smoothed, shared by the instances. Answers false to refuse.
   */
  takeFromStore?: (store: string, ctx: Context) => Promise<boolean>;
  /** Retry-After (seconds) of a refusal by takeFromStore. */
  storeRetryAfterSeconds?: number;
}

/**
 * Limits a public shopper endpoint per client address group and per store. The address is counted first
 * and a request it refuses does not count for the store, so one address over its limit cannot use up its
 * store's budget; the store's budget stops a flood spread over many addresses.
 */
export function shopperLimit(options: ShopperLimitOptions): Middleware {
  const windowMs = options.windowMs ?? 60_000;
  const byAddress = new RateLimitTable({ windowMs, max: options.perAddress, maxKeys: options.maxKeys });
  const byStore = new RateLimitTable({ windowMs, max: options.perStore, maxKeys: options.maxKeys });
  return async (ctx, next) => {
    const store = await options.storeOf(ctx);
    if (store === UNCOUNTED) {
      await next();
      return;
    }
    const now = options.clock.now();
    refuseIfOver(byAddress.hit(clientKey(ctx.ip), now));
    if (store !== null && options.takeFromStore) {
      if (!(await options.takeFromStore(store, ctx))) throw errors.storeRateLimited(options.storeRetryAfterSeconds ?? 1);
    } else if (store !== null) {
      refuseIfOver(byStore.hit(store, now), errors.storeRateLimited);
    }
    await next();
  };
}

/**
 * Makes `compute` run at most once per request: later calls in the same request get the first answer (a
 * promise too), so CORS and the rate limits share one store lookup.
 */
export function oncePerRequest<A, T>(compute: (arg: A, ctx: Context) => T): (arg: A, ctx: Context) => T {
  const slot = Symbol('oncePerRequest');
  return (arg, ctx) => {
    const state = ctx.state as Record<symbol, T>;
    if (!(slot in state)) state[slot] = compute(arg, ctx);
    return state[slot];
  };
}
