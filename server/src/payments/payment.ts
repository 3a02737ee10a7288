import type Stripe from 'stripe';
import { requireUsableConnection } from '../connect/connection';
import { clientSecretBinding } from '../crypto/bindings';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { Checkout, Order, StripeConnection } from '../storage/port';
import type { PaymentIntentAnswer } from '../wire';
import { withMerchantStripe } from '../stripe/merchant';
import { findCart } from './carts';
import { intentDetailsParams } from './details';
import { withCartClaim } from './claims';
import { paymentIntentIdempotencyKey } from './ids';
import { belongsTo } from './intents';
import { cancelOtherLiveIntents } from './one-live-intent';
import { recordFromPaymentIntent } from './record';
import { findCheckout, findLiveCheckout } from './sessions';
import { madeWith, openKey } from './settle';
import { cancelSiblingsLater } from './siblings';

/**
 * Intent creations in flight in this process, keyed by checkout session id: a double click (the same
 * session twice) joins the call already running and makes one Stripe call. Only an optimisation: the
 * database already guarantees one intent per session (the Idempotency-Key derived from the session, and
 * attachPaymentIntent's first writer wins), in this process or any other. Two sessions of one CART are
 * kept apart across instances by the cart claim in the database (claims.ts), not by this map.
 */
export type InFlight = Map<string, Promise<unknown>>;

/**
 * Returns the session's one PaymentIntent, creating it on first use. Exactly one ever: the id is recorded
 * on the session row (first writer wins), and every create carries an Idempotency-Key derived from the
 * session, so retries by stripe-node, parallel requests, other processes and a restart after a crash
 * all get the same intent back from Stripe. At most one live intent per cart: see one-live-intent.ts.
 */
export async function ensurePaymentIntent(deps: AppDeps, inFlight: InFlight, token: string): Promise<PaymentIntentAnswer> {
  let checkout = await findLiveCheckout(deps, token);
  const conn = await requireUsableConnection(deps, checkout.store_id);
  if (conn.livemode !== checkout.livemode) throw errors.checkoutModeChanged();
  // The cart was paid through another session (a second tab): this one must not take a second payment.
  if (checkout.status === 'open' && (await findCart(deps, checkout.cart_id))?.status === 'closed') throw errors.cartClosed();
  if (checkout.superseded_at !== null) throw errors.checkoutSuperseded();
  if (!checkout.payment_intent_id) {
    const id = checkout.id;
    const cartId = checkout.cart_id;
    checkout = await once(inFlight, id, () => withCartClaim(deps, cartId, () => createIntent(deps, id)));
  }
  return {
    payment_intent_id: checkout.payment_intent_id!,
    client_secret: await clientSecretOf(deps, checkout),
    publishable_key: conn.publishable_key,
    amount: checkout.amount,
    currency: checkout.currency,
  };
}

/** Joins the call already running under `key`, or starts `run`. */
function once<T>(inFlight: InFlight, key: string, run: () => Promise<T>): Promise<T> {
  let pending = inFlight.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = run().finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function createIntent(deps: AppDeps, checkoutId: string): Promise<Checkout> {
  // Re-read under the cart's claim: another request may have attached an intent or superseded this session.
  const checkout = (await deps.storage.checkouts.get(checkoutId))!;
  if (checkout.payment_intent_id) return checkout;
  if (checkout.superseded_at !== null) throw errors.checkoutSuperseded();
  if ((await findCart(deps, checkout.cart_id))?.status === 'closed') throw errors.cartClosed();
  await cancelOtherLiveIntents(deps, checkout).catch(mapPaymentError);
  const pi = await withMerchantStripe(deps, checkout.store_id, ({ stripe }) =>
    stripe.paymentIntents.create(
      {
        amount: checkout.amount,
        currency: checkout.currency,
        automatic_payment_methods: { enabled: true },
        // Details given before the intent existed (the page sends the email early); '' would be refused here.
        ...(checkout.details.email ? { receipt_email: checkout.details.email } : {}),
        ...(checkout.details.shipping ? { shipping: intentDetailsParams(checkout.details).shipping as Stripe.PaymentIntentCreateParams.Shipping } : {}),
        metadata: {
          store_id: checkout.store_id,
          cart_id: checkout.cart_id,
          checkout_id: checkout.id,
          ...(checkout.details.shipping ? { shipping_rate_id: checkout.details.shipping.rate.id } : {}),
        },
      },
      { idempotencyKey: paymentIntentIdempotencyKey(checkout.id) },
    ),
  ).catch(mapPaymentError);
  return await deps.storage.checkouts.attachPaymentIntent(checkout.id, pi.id, deps.sealer.seal(clientSecretBinding(checkout), pi.client_secret ?? ''));
}

/**
 * Opens the session's sealed client_secret; a plaintext one from before migration 004 is sealed now. A box
 * that no longer opens (sealed under a master key since retired) is fetched again from Stripe with the
 * merchant's key and sealed anew, so a key rotation never strands a shopper mid-checkout.
 */
async function clientSecretOf(deps: AppDeps, checkout: Checkout): Promise<string> {
  if (checkout.client_secret_sealed) {
    try {
      return deps.sealer.open(clientSecretBinding(checkout), checkout.client_secret_sealed);
    } catch {
      deps.logger.warn({ store_id: checkout.store_id, checkout_id: checkout.id }, 'sealed client_secret did not open; fetching it from Stripe');
    }
  }
  let secret = checkout.legacy_client_secret ?? '';
  if (!secret) {
    const pi = await withMerchantStripe(deps, checkout.store_id, ({ stripe }) =>
      stripe.paymentIntents.retrieve(checkout.payment_intent_id!),
    ).catch(mapPaymentError);
    secret = pi.client_secret ?? '';
  }
  if (secret) await deps.storage.checkouts.sealClientSecret(checkout.id, deps.sealer.seal(clientSecretBinding(checkout), secret));
  return secret;
}

/** The answer of `/complete`: the order, or 202 while the payment is still processing. */
export type CompleteResult = { status: 200; order: Order } | { status: 202; payment_intent_id: string };

/**
 * Checks the shopper's PaymentIntent with the merchant's key and records the order. Works after the
 * token's expiry too: a payment started in time must never be lost.
 */
export async function completeCheckout(deps: AppDeps, token: string, paymentIntentId: string): Promise<CompleteResult> {
  const checkout = await findCheckout(deps, token);
  if (checkout.payment_intent_id && checkout.payment_intent_id !== paymentIntentId) throw errors.paymentIntentMismatch();
  if (checkout.order_id) {
    const order = await deps.storage.orders.get(checkout.order_id);
    if (order) return { status: 200, order };
  }
  if (!checkout.payment_intent_id) await findLiveCheckout(deps, token);
  const conn = await deps.storage.stores.getConnection(checkout.store_id);
  if (conn && conn.livemode !== checkout.livemode) throw errors.checkoutModeChanged();
  const pi = await retrieveForSession(deps, checkout, conn, paymentIntentId).catch(mapPaymentError);
  // Without this a session that has no intent yet could claim another session's paid intent (and its order).
  if (!belongsTo(pi, checkout)) throw errors.paymentIntentMismatch();
  const recorded = await recordFromPaymentIntent(deps, checkout.store_id, pi, 'complete');
  const { order, problem } = recorded;
  cancelSiblingsLater(deps, recorded);
  if (order) return { status: 200, order };
  if (problem === 'not_ours' || problem === 'intent_mismatch' || problem === 'amount_mismatch') throw errors.paymentIntentMismatch();
  if (pi.status === 'processing') return { status: 202, payment_intent_id: pi.id };
  if (pi.status === 'canceled' && (await deps.storage.checkouts.get(checkout.id))?.superseded_at) throw errors.checkoutSuperseded();
  throw notPaid(pi);
}

/**
 * The intent read with the key of the connection the session was made with: the current one, or a retired
 * one kept because the store switched account while this payment was processing.
 */
async function retrieveForSession(deps: AppDeps, checkout: Checkout, conn: StripeConnection | null, id: string): Promise<Stripe.PaymentIntent> {
  if (conn && !madeWith(checkout, conn)) {
    const retired = (await deps.storage.stores.listRetiredConnections(checkout.store_id)).find((r) => madeWith(checkout, r));
    const stripe = retired ? openKey(deps, retired) : null;
    if (stripe) return stripe.paymentIntents.retrieve(id);
  }
  return withMerchantStripe(deps, checkout.store_id, ({ stripe }) => stripe.paymentIntents.retrieve(id));
}

/** Stripe's own words for a declined or failed payment ("Your card was declined."). */
function notPaid(pi: Stripe.PaymentIntent) {
  if (pi.last_payment_error?.message) return errors.paymentFailed(pi.last_payment_error.message);
  if (pi.status === 'canceled') return errors.paymentFailed('The payment was canceled');
  return errors.paymentIncomplete();
}

/**
 * Maps what the merchant wrapper passes through: card errors become 402 with Stripe's message; an intent
 * Stripe does not know under this store's key (another account's, or made up) is not this session's;
 * Stripe's amount limits and other refused requests become 422 with Stripe's words (they name amounts and
 * parameters, never keys); a restricted key without the payment permission is the merchant's to fix.
 */
function mapPaymentError(err: unknown): never {
  const e = err as { type?: string; message?: string; statusCode?: number; code?: string };
  if (e?.type === 'StripeCardError') throw errors.paymentFailed(e.message ?? 'The card was declined');
  if (e?.type === 'StripeInvalidRequestError' && e.statusCode === 404) throw errors.paymentIntentMismatch();
  if (e?.type === 'StripeInvalidRequestError' && e.code === 'amount_too_small') throw errors.amountTooSmall(e.message ?? 'The amount is below what Stripe accepts');
  if (e?.type === 'StripeInvalidRequestError' && e.code === 'amount_too_large') throw errors.amountTooLarge(e.message ?? 'The amount is above what Stripe accepts');
  if (e?.type === 'StripeInvalidRequestError') throw errors.stripeInvalidRequest(e.message ?? 'Stripe refused the payment request');
  if (e?.type === 'StripePermissionError') throw errors.stripePermissionDenied();
  throw err;
}
