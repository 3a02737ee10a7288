import type Stripe from 'stripe';
import type { AppDeps } from '../app';
import type { Checkout, Order } from '../storage';

/** Why a PaymentIntent could not become an order (or null when it did). */
export type RecordProblem = 'not_ours' | 'intent_mismatch' | 'amount_mismatch' | 'not_succeeded';

/** The order (new or already recorded), or why there is none. */
export interface RecordResult {
  order: Order | null;
  /** True only for the call that recorded it. */
  created: boolean;
  problem: RecordProblem | null;
  checkout: Checkout | null;
}

/**
 * Checks a PaymentIntent fetched from (or signed by) Stripe against the checkout session named in its
 * metadata and records the order. Shared by `/complete`, the webhook and the reconciliation sweep so
 * all three accept exactly the same payments; recording is idempotent per PaymentIntent.
 */
export function recordFromPaymentIntent(
  deps: Pick<AppDeps, 'storage' | 'logger'>,
  storeId: string,
  pi: Stripe.PaymentIntent,
  source: 'complete' | 'webhook' | 'reconcile',
): RecordResult {
  const checkoutId: unknown = pi.metadata?.checkout_id;
  const checkout = typeof checkoutId === 'string' && checkoutId ? deps.storage.checkouts.get(checkoutId) : null;
  if (!checkout || checkout.store_id !== storeId || pi.metadata?.cart_id !== checkout.cart_id) return { order: null, created: false, problem: 'not_ours', checkout: null };
  if (checkout.payment_intent_id && checkout.payment_intent_id !== pi.id) {
    return { order: null, created: false, problem: 'intent_mismatch', checkout };
  }
  if (pi.amount !== checkout.amount || pi.currency !== checkout.currency) {
    deps.logger.error(
      { store_id: storeId, checkout_id: checkout.id, payment_intent_id: pi.id },
      'PaymentIntent amount or currency differs from its checkout session; not recorded',
    );
    return { order: null, created: false, problem: 'amount_mismatch', checkout };
  }
  if (pi.status !== 'succeeded') return { order: null, created: false, problem: 'not_succeeded', checkout };
  const { order, created } = deps.storage.orders.recordPaid({
    checkoutId: checkout.id,
    paymentIntentId: pi.id,
    amount: pi.amount,
    currency: pi.currency,
    livemode: pi.livemode,
    customerEmail: pi.receipt_email ?? null,
    source,
  });
  if (created) {
    deps.logger.info({ store_id: storeId, order_id: order.id, payment_intent_id: pi.id, source }, 'order paid');
  }
  return { order, created, problem: null, checkout };
}
