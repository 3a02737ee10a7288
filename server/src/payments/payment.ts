import type Stripe from 'stripe';
import { requireUsable } from '../connect/connection';
import { clientSecretBinding } from '../crypto/bindings';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { Checkout, Order, StripeConnection } from '../storage/port';
import type { PaymentIntentAnswer } from '../wire';
import { withMerchantStripe } from '../stripe/merchant';
import { findCart, isPaidCart } from './carts';
import { newIntentDetailsParams } from './intent-details';
import { withCartClaim, type CartClaim } from './claims';
import { paymentIntentIdempotencyKey } from './ids';
import { belongsTo } from './intents';
import { cancelOtherLiveIntents } from './one-live-intent';
import { recordFromPaymentIntent } from './record';
import { findCheckout, findLiveCheckout } from './sessions';
import { madeWith, noteIntentStatus, openKey } from './settle';
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
export async function ensurePaymentIntent(deps: AppDeps, inFlight: InFlight, live: Checkout): Promise<PaymentIntentAnswer> {
  let checkout = live;
  let conn: StripeConnection;
  let clientSecret: string | undefined;
  if (checkout.payment_intent_id) {
    conn = await usableConnectionFor(deps, checkout);
    // The cart was paid through another session (a second tab): this one must not take a second payment.
    if (checkout.status === 'open' && (await findCart(deps, checkout.cart_id))?.status === 'closed') throw errors.cartClosed();
    if (checkout.superseded_at !== null) throw errors.checkoutSuperseded();
  } else {
    // No intent yet: createIntent reads the session, its cart and the store's connection again under the cart's
    // claim, and refuses there.
    const id = checkout.id;
    const cartId = checkout.cart_id;
    ({ checkout, clientSecret, conn } = await once(inFlight, id, () => withCartClaim(deps, cartId, (claim) => createIntent(deps, id, claim))));
  }
  return {
    payment_intent_id: checkout.payment_intent_id!,
    client_secret: clientSecret ?? (await clientSecretOf(deps, checkout)),
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

/** The store's connection if it can take payments in the session's mode: 409 `store_not_connected` or `checkout_mode_changed`. */
async function usableConnectionFor(deps: AppDeps, checkout: Checkout): Promise<StripeConnection> {
  return usableFor(checkout, await deps.storage.stores.getConnection(checkout.store_id));
}

/** `conn` (the store's connection as read) if it can take payments in the session's mode, else the same refusals. */
function usableFor(checkout: Checkout, conn: StripeConnection | null): StripeConnection {
  const usable = requireUsable(conn);
  if (usable.livemode !== checkout.livemode) throw errors.checkoutModeChanged();
  return usable;
}

/**
 * The session with its intent, the connection the intent was made with (read once, under the claim) and the
 * intent's client_secret when this call created it (no need to open the box just sealed).
 */
async function createIntent(
  deps: AppDeps,
  checkoutId: string,
  claim: CartClaim,
): Promise<{ checkout: Checkout; conn: StripeConnection; clientSecret?: string }> {
  // Re-read under the cart's claim (one statement: the session, its cart's status, its store's connection, the
  // cart's other sessions with an intent): another request may have attached an intent, superseded this session
  // or paid the cart, and the store may have disconnected or switched modes.
  const { checkout, cart, connection, others_with_intent } = (await deps.storage.checkouts.forIntent(checkoutId))!;
  const conn = usableFor(checkout, connection);
  if (checkout.payment_intent_id) return { checkout, conn };
  if (checkout.superseded_at !== null) throw errors.checkoutSuperseded();
  if (isPaidCart(cart, deps.clock.now())) throw errors.cartClosed();
  await cancelOtherLiveIntents(deps, checkout, others_with_intent).catch(mapPaymentError);
  // Cancelling other sessions' intents made Stripe calls, time in which the store may have switched accounts:
  // then the connection is read again right before the intent is made (and its mode checked again).
  let used = others_with_intent.length === 0 ? conn : undefined;
  // Details given before the intent existed (the page may send the email first).
  const { metadata: detailsMetadata, ...details } = newIntentDetailsParams(checkout.details, checkout.tax_calculation_id);
  const pi = await withMerchantStripe(
    deps,
    checkout.store_id,
    ({ stripe, connection }) => {
      used = usableFor(checkout, connection);
      return stripe.paymentIntents.create(
        {
          amount: checkout.amount,
          currency: checkout.currency,
          automatic_payment_methods: { enabled: true },
          ...details,
          metadata: { store_id: checkout.store_id, cart_id: checkout.cart_id, checkout_id: checkout.id, ...detailsMetadata },
        },
        { idempotencyKey: paymentIntentIdempotencyKey(checkout.id) },
      );
    },
    used,
  ).catch(mapPaymentError);
  // The connection the intent was made with (set by the call above); its account is where the intent lives,
  // which is not the session's when the store switched since it opened.
  const intentConn = used ?? conn;
  // The cart's claim is released with the intent, in the same transaction: nothing is left to do under it.
  const stored = await deps.storage.checkouts.attachPaymentIntent(
    checkout.id,
    pi.id,
    deps.sealer.seal(clientSecretBinding(checkout), pi.client_secret ?? ''),
    intentConn.account_id,
    claim,
  );
  claim.released = true;
  return stored.payment_intent_id === pi.id && pi.client_secret
    ? { checkout: stored, conn: intentConn, clientSecret: pi.client_secret }
    : { checkout: stored, conn: intentConn };
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
    const pi = await withMerchantStripe(deps, checkout.store_id, ({ stripe }) => stripe.paymentIntents.retrieve(checkout.payment_intent_id!)).catch(
      mapPaymentError,
    );
    // Only this session's own intent: a row whose intent id was copied from another session (tampering)
    // must not hand out that session's client_secret.
    if (!belongsTo(pi, checkout)) throw errors.paymentIntentMismatch();
    secret = pi.client_secret ?? '';
  }
  if (secret) await deps.storage.checkouts.sealClientSecret(checkout.id, deps.sealer.seal(clientSecretBinding(checkout), secret));
  return secret;
}

/** What `/complete` found: the order of a paid session, or a payment Stripe is still processing. */
export type CompleteResult = { outcome: 'paid'; order: Order } | { outcome: 'processing'; payment_intent_id: string };

/**
 * Checks the shopper's PaymentIntent with the merchant's key and records the order. Works after the
 * token's expiry too: a payment started in time must never be lost.
 */
export async function completeCheckout(deps: AppDeps, token: string, paymentIntentId: string): Promise<CompleteResult> {
  const checkout = await findCheckout(deps, token);
  if (checkout.payment_intent_id && checkout.payment_intent_id !== paymentIntentId) throw errors.paymentIntentMismatch();
  if (checkout.order_id) {
    const order = await deps.storage.orders.get(checkout.order_id);
    if (order) return { outcome: 'paid', order };
  }
  if (!checkout.payment_intent_id) {
    // No intent was ever handed out for this session, so the id cannot be its own: no Stripe call for it.
    await findLiveCheckout(deps, token);
    throw errors.paymentIntentMismatch();
  }
  const conn = await deps.storage.stores.getConnection(checkout.store_id);
  if (conn && conn.livemode !== checkout.livemode) throw errors.checkoutModeChanged();
  const read = await readIntentSpaced(deps, checkout, conn);
  if (!('object' in read)) return answerFromStored(deps, read);
  const pi = read;
  // Defence in depth: the recorded intent must name this session (a tampered row could name another's).
  if (!belongsTo(pi, checkout)) throw errors.paymentIntentMismatch();
  const recorded = await recordFromPaymentIntent(deps, checkout.store_id, pi, 'complete');
  const { order, problem } = recorded;
  cancelSiblingsLater(deps, recorded);
  if (order) return { outcome: 'paid', order };
  if (problem === 'not_ours' || problem === 'intent_mismatch' || problem === 'amount_mismatch') throw errors.paymentIntentMismatch();
  if (pi.status === 'processing') return { outcome: 'processing', payment_intent_id: pi.id };
  if (pi.status === 'canceled' && (await deps.storage.checkouts.get(checkout.id))?.superseded_at) throw errors.checkoutSuperseded();
  throw notPaid(pi);
}

/** /complete reads a session's intent at Stripe at most once per this, across every instance. */
export const COMPLETE_READ_SPACING_MS = 1000;
/** How long a /complete waits for a read another request claimed before it reads itself. */
const COMPLETE_WAIT_MS = 3000;
const POLL_MS = 100;

/**
 * The session's intent as a Stripe read begun after this request arrived saw it: this request's own read
 * when it wins the session's read claim (one per COMPLETE_READ_SPACING_MS, in the database), else the stored
 * result of the read that did (a flood of /complete costs one Stripe call a second, and a shopper who has
 * just paid never gets a result older than their request). Answers the session's row when that result is in.
 * Wall-clock time (Date.now()), not the app's clock: this spaces real calls to Stripe.
 */
async function readIntentSpaced(deps: AppDeps, checkout: Checkout, conn: StripeConnection | null): Promise<Stripe.PaymentIntent | Checkout> {
  const arrived = Date.now();
  const giveUp = arrived + COMPLETE_WAIT_MS;
  for (;;) {
    const wall = Date.now();
    if ((await deps.storage.checkouts.claimIntentCheck(checkout.id, wall, COMPLETE_READ_SPACING_MS)) || wall > giveUp) {
      const began = { at: deps.clock.now(), wall };
      const pi = await retrieveForSession(deps, checkout, conn, checkout.payment_intent_id!).catch(mapPaymentError);
      if (belongsTo(pi, checkout)) await noteIntentStatus(deps, checkout, pi, began);
      return pi;
    }
    const row = await deps.storage.checkouts.get(checkout.id);
    if (row && (row.order_id || (row.intent_read_at !== null && row.intent_read_at >= arrived && row.intent_status))) return row;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The /complete answer from a session's stored read: its order, or what the intent's status means. */
async function answerFromStored(deps: AppDeps, row: Checkout): Promise<CompleteResult> {
  const order = row.order_id ? await deps.storage.orders.get(row.order_id) : null;
  if (order) return { outcome: 'paid', order };
  if (row.intent_status === 'processing') return { outcome: 'processing', payment_intent_id: row.payment_intent_id! };
  if (row.intent_status === 'canceled') throw row.superseded_at ? errors.checkoutSuperseded() : errors.paymentFailed('The payment was canceled');
  // Succeeded without an order: the read that saw it could not record it (another session's, another amount).
  if (row.intent_status === 'succeeded') throw errors.paymentIntentMismatch();
  throw errors.paymentIncomplete();
}

/**
 * The intent read with the key of the connection the session's intent was created with: the current one, or
 * a retired one kept because the store switched account or disconnected while this payment was processing.
 */
async function retrieveForSession(deps: AppDeps, checkout: Checkout, conn: StripeConnection | null, id: string): Promise<Stripe.PaymentIntent> {
  if (!conn || !madeWith(checkout, conn)) {
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
  if (e?.type === 'StripeInvalidRequestError' && e.code === 'amount_too_small')
    throw errors.amountTooSmall(e.message ?? 'The amount is below what Stripe accepts');
  if (e?.type === 'StripeInvalidRequestError' && e.code === 'amount_too_large')
    throw errors.amountTooLarge(e.message ?? 'The amount is above what Stripe accepts');
  if (e?.type === 'StripeInvalidRequestError') throw errors.stripeInvalidRequest(e.message ?? 'Stripe refused the payment request');
  if (e?.type === 'StripePermissionError') throw errors.stripePermissionDenied();
  throw err;
}
