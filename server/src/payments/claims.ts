import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppDeps } from '../deps';
import { errors } from '../errors';

type ClaimDeps = Pick<AppDeps, 'storage' | 'logger' | 'instanceId'>;

/**
 * The claim a `withCartClaim` caller holds. A caller whose last write releases it in the same transaction
 * (checkouts.attachPaymentIntent) passes `cartId` and `owner` there and sets `released` once that write
 * succeeded: withCartClaim then makes no release of its own.
 */
export interface CartClaim {
  readonly cartId: string;
  readonly owner: string;
  released: boolean;
}

/**
 * How long a cart claim lives without renewal. It covers the Stripe calls of one intent creation (list and
 * cancel the siblings' intents, create ours, each bounded by the client's 20 s timeout and retries), but a
 * holder renews it every CART_CLAIM_RENEW_MS while it works, so the TTL only has to outlast the gap between
 * two renewals plus clock skew between instances, not the slowest Stripe call: 30 s. What it bounds is how
 * long a killed instance's claim blocks the cart: at most 30 s, after which any instance takes it over.
 */
export const CART_CLAIM_TTL_MS = 30_000;
/** How often a holder renews its claim (a third of the TTL: two renewals may fail before it expires). */
export const CART_CLAIM_RENEW_MS = 10_000;
/** How often a caller that did not get the claim asks again. */
const CLAIM_POLL_MS = 50;
/**
 * How long it waits for the holder (who is creating an intent right now, usually well under a second)
 * before answering 409 `payment_in_progress`; measured on the real clock, not the app's.
 */
export const CLAIM_WAIT_MS = 10_000;

/**
 * Runs `run` while holding the cart's claim in the database, so across every instance on the database at
 * most one caller at a time works on the cart's PaymentIntents (payments/one-live-intent.ts). The claim is
 * a row with an expiry, not a transaction: nothing is held open across the Stripe calls, a holder that
 * dies leaves a claim that expires after CART_CLAIM_TTL_MS, and the holder renews it while `run` lasts. The
 * owner is unique per call (`<instance id>/<random>`), so two sessions of one cart in the same process wait
 * for each other too, and a stopping instance drops all of its claims with leases.releaseAll(instanceId).
 * Throws 409 `payment_in_progress` when the claim stays taken for CLAIM_WAIT_MS.
 */
export async function withCartClaim<T>(deps: ClaimDeps, cartId: string, run: (claim: CartClaim) => Promise<T>): Promise<T> {
  const carts = deps.storage.carts;
  const owner = `${deps.instanceId}/${randomBytes(6).toString('base64url')}`;
  const deadline = performance.now() + CLAIM_WAIT_MS;
  while (!(await carts.claim(cartId, owner, CART_CLAIM_TTL_MS))) {
    if (performance.now() >= deadline) throw errors.paymentInProgress();
    await sleep(CLAIM_POLL_MS);
  }
  const claim: CartClaim = { cartId, owner, released: false };
  const renew = setInterval(() => {
    // An UPDATE of our own row only: a renewal landing after the claim was released must not take it back.
    carts.renewClaim(cartId, owner, CART_CLAIM_TTL_MS).then(
      (held) => {
        // Only after a renewal gap longer than the TTL (a stalled process), or right after the work released it.
        if (!held && !claim.released) deps.logger.warn({ cart_id: cartId }, 'cart claim was taken over while its holder still worked');
      },
      (err: unknown) => deps.logger.warn({ err, cart_id: cartId }, 'renewing a cart claim failed'),
    );
  }, CART_CLAIM_RENEW_MS);
  renew.unref();
  try {
    return await run(claim);
  } finally {
    clearInterval(renew);
    // A failed release only costs the next caller the rest of the TTL.
    if (!claim.released)
      await carts.releaseClaim(cartId, owner).catch((err: unknown) => deps.logger.warn({ err, cart_id: cartId }, 'releasing a cart claim failed'));
  }
}

/**
 * Drops every cart claim and lease this instance holds (at shutdown, once no request runs any more), so
 * the other instances need not wait out their TTLs. Never throws: the TTLs are the fallback.
 */
export async function releaseInstanceClaims(deps: ClaimDeps): Promise<void> {
  try {
    await deps.storage.leases.releaseAll(deps.instanceId);
  } catch (err) {
    deps.logger.warn({ err }, 'releasing this instance’s claims and leases failed; they expire by themselves');
  }
}
