/**
 * Discount codes are secrets of a kind: a short code can be guessed. Every code a shopper tries (on the cart
 * or at checkout) is counted per client address and per cart, in one pair of windows shared by both routes,
 * so a script cannot spread its guesses over the two. Over either limit: 429 `rate_limited` with Retry-After.
 */
import type { Context } from 'koa';
import type { AppDeps } from '../deps';
import { rateLimitsOf, shopperLimit } from './rate-limit';

/** Counts one code try for the cart `cartId` (null: unknown cart, the address alone counts); throws 429 when over. */
export type CodeGuessLimit = (ctx: Context, cartId: string | null) => Promise<void>;

const CART = Symbol('code-guess cart');

/** The limit of one app (createApp makes one and hands it to the routers that take codes). */
export function codeGuessLimit(deps: Pick<AppDeps, 'clock' | 'config'>): CodeGuessLimit {
  const l = rateLimitsOf(deps.config);
  // shopperLimit's "store" window is keyed by whatever storeOf answers: here the cart.
  const limit = shopperLimit({
    clock: deps.clock,
    perAddress: l.discountCodesPerMinute,
    perStore: l.cartDiscountCodesPerMinute,
    storeOf: (ctx) => (ctx.state as Record<symbol, string | null>)[CART] ?? null,
  });
  return async (ctx, cartId) => {
    (ctx.state as Record<symbol, string | null>)[CART] = cartId;
    await limit(ctx, () => Promise.resolve());
  };
}
