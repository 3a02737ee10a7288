import type Stripe from 'stripe';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { Checkout } from '../storage/port';
import { withMerchantStripe } from '../stripe/merchant';
import { CANCELABLE_STATUSES } from './intents';
import { recordFromPaymentIntent } from './record';

type Deps = Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>;

/**
 * Keeps at most one live PaymentIntent per cart: before a session creates its intent, the intents of the
 * cart's other sessions are cancelled. This runs at intent creation, not at session creation, because a
 * session costs nothing until it has an intent: an old tab that creates its intent after a newer session
 * was opened must still cancel the newer one's, and opening a session (e.g. to look at the summary) must not
 * kill a payment the shopper is typing into another tab. Stripe serialises cancel against confirm on one
 * intent, so for an old intent exactly one wins: cancelled (the old tab's confirm fails), or succeeded (its
 * order is recorded, the cart closes and this session gets 409 `cart_closed`). Stripe unreachable: the
 * mapped 503 propagates and nothing is created. Callers hold the cart's claim in the database
 * (claims.ts withCartClaim), so two sessions of one cart never run this concurrently, on any instance.
 * `withIntent`: the cart's unpaid sessions with an intent, read under that claim (checkouts.forIntent).
 */
export async function cancelOtherLiveIntents(deps: Deps, checkout: Checkout, withIntent: Checkout[]): Promise<void> {
  for (const other of withIntent) {
    if (other.id === checkout.id || other.superseded_at !== null) continue;
    // Made under another mode's or account's keys, which this store no longer uses: settling the old
    // connection closes those (payments/settle.ts); our key cannot even see them.
    if (other.livemode !== checkout.livemode) continue;
    if (other.account_id !== null && checkout.account_id !== null && other.account_id !== checkout.account_id) continue;
    await supersede(deps, other);
  }
}

async function supersede(deps: Deps, other: Checkout): Promise<void> {
  const intentId = other.payment_intent_id!;
  let pi: Stripe.PaymentIntent;
  try {
    pi = await call(deps, other, (stripe) => stripe.paymentIntents.retrieve(intentId));
  } catch (err) {
    if (!isMissing(err)) throw err;
    // Unknown to this store's key (made on an account the store left): it can take no money from us here.
    await deps.storage.checkouts.markSuperseded(other.id);
    return;
  }
  if (CANCELABLE_STATUSES.includes(pi.status)) {
    try {
      pi = await call(deps, other, (stripe) => stripe.paymentIntents.cancel(intentId, { cancellation_reason: 'duplicate' }));
    } catch (err) {
      // Lost the race to a confirm: read what the intent became and decide on that.
      if ((err as { code?: string }).code !== 'payment_intent_unexpected_state') throw err;
      pi = await call(deps, other, (stripe) => stripe.paymentIntents.retrieve(intentId));
    }
  }
  if (pi.status === 'canceled') {
    await deps.storage.checkouts.markSuperseded(other.id);
    deps.logger.info({ store_id: other.store_id, checkout_id: other.id, payment_intent_id: pi.id }, 'superseded PaymentIntent cancelled');
    return;
  }
  if (pi.status === 'succeeded') {
    await recordFromPaymentIntent(deps, other.store_id, pi, 'complete');
    throw errors.cartClosed();
  }
  throw errors.paymentInProgress();
}

function isMissing(err: unknown): boolean {
  const e = err as { type?: string; statusCode?: number };
  return e?.type === 'StripeInvalidRequestError' && e.statusCode === 404;
}

function call<T>(deps: Deps, other: Checkout, fn: (stripe: Stripe) => Promise<T>): Promise<T> {
  return withMerchantStripe(deps, other.store_id, ({ stripe }) => fn(stripe));
}
