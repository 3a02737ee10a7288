import type Stripe from 'stripe';
import type { AppDeps } from '../deps';
import type { Checkout, Order, PaidPayment, RecordPaidResult, StripeEventRef } from '../storage/port';
import { orderPaid } from '../platform-webhooks/announce';
import { levelToIntent } from './details';
import { newId } from './ids';
import { commitTaxTransaction } from './tax-transactions';

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

type RecordDeps = Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>;
type Source = PaidPayment['source'];

/** The checked payment, or why a PaymentIntent is not one of a session's payments. */
type Match = { problem: null; checkout: Checkout; payment: PaidPayment } | { problem: RecordProblem; checkout: Checkout | null };

/**
 * Checks a PaymentIntent fetched from (or signed by) Stripe against the checkout session named in its
 * metadata: the store, the cart, the session's one intent, the amount and currency, and success. Shared by
 * `/complete`, the webhook and the sweep so all three accept exactly the same payments.
 */
async function matchPayment(deps: RecordDeps, storeId: string, pi: Stripe.PaymentIntent, source: Source): Promise<Match> {
  const checkoutId: unknown = pi.metadata?.checkout_id;
  let checkout = typeof checkoutId === 'string' && checkoutId ? await deps.storage.checkouts.get(checkoutId) : null;
  if (!checkout || checkout.store_id !== storeId || pi.metadata?.cart_id !== checkout.cart_id) return { problem: 'not_ours', checkout: null };
  if (checkout.payment_intent_id && checkout.payment_intent_id !== pi.id) return { problem: 'intent_mismatch', checkout };
  if (pi.amount !== checkout.amount || pi.currency !== checkout.currency) {
    // A details change Stripe took but the session did not store (the instance stopped in between)?
    const levelled = pi.status === 'succeeded' && !checkout.order_id ? await levelToIntent(deps, checkout, pi) : null;
    if (levelled)
      deps.logger.warn({ store_id: storeId, checkout_id: checkout.id, payment_intent_id: pi.id }, 'checkout session put level with its PaymentIntent');
    // Null also when another caller (the webhook beside /complete) put it level first: read what it stored.
    const current = levelled ?? (await deps.storage.checkouts.get(checkout.id));
    if (!current || pi.amount !== current.amount || pi.currency !== current.currency) {
      logAmountMismatch(deps, checkout, pi.id);
      return { problem: 'amount_mismatch', checkout };
    }
    checkout = current;
  }
  if (pi.status !== 'succeeded') return { problem: 'not_succeeded', checkout };
  const payment: PaidPayment = {
    orderId: newId('ord'),
    checkoutId: checkout.id,
    paymentIntentId: pi.id,
    amount: pi.amount,
    currency: pi.currency,
    livemode: pi.livemode,
    customerEmail: pi.receipt_email ?? null,
    source,
  };
  return { problem: null, checkout, payment };
}

function logAmountMismatch(deps: RecordDeps, checkout: Checkout, paymentIntentId: string): void {
  deps.logger.error(
    { store_id: checkout.store_id, checkout_id: checkout.id, payment_intent_id: paymentIntentId },
    'PaymentIntent amount or currency differs from its checkout session; not recorded',
  );
}

/** Records the order of a succeeded PaymentIntent, once per intent (see matchPayment for what is checked). */
export async function recordFromPaymentIntent(deps: RecordDeps, storeId: string, pi: Stripe.PaymentIntent, source: Source): Promise<RecordResult> {
  const match = await matchPayment(deps, storeId, pi, source);
  if (match.problem) return { order: null, created: false, problem: match.problem, checkout: match.checkout };
  return reportTax(deps, settled(deps, storeId, match, await deps.storage.orders.recordPaid(match.payment, orderPaid(deps.clock))));
}

/**
 * The caller that recorded an order priced by Stripe Tax makes its tax transaction (tax-transactions.ts: once,
 * claimed; a failure is kept for the sweep and never fails the order).
 */
async function reportTax(deps: RecordDeps, result: RecordResult): Promise<RecordResult> {
  if (result.created && result.order && result.checkout?.tax_calculation_id) await commitTaxTransaction(deps, result.order.id);
  return result;
}

/**
 * The webhook's variant: remembers the event in the same transaction as the order, so a redelivery changes
 * nothing. Null for an event handled before.
 */
export async function recordFromEvent(deps: RecordDeps, storeId: string, event: StripeEventRef, pi: Stripe.PaymentIntent): Promise<RecordResult | null> {
  const match = await matchPayment(deps, storeId, pi, 'webhook');
  if (match.problem) {
    if (!(await deps.storage.orders.noteEvent(storeId, event))) return null;
    return { order: null, created: false, problem: match.problem, checkout: match.checkout };
  }
  const result = await deps.storage.orders.recordPaidFromEvent(storeId, event, match.payment, orderPaid(deps.clock));
  return result && reportTax(deps, settled(deps, storeId, match, result));
}

function settled(deps: RecordDeps, storeId: string, match: Extract<Match, { problem: null }>, result: RecordPaidResult): RecordResult {
  const { checkout, payment } = match;
  if (result.order === null) {
    // The session changed between our read and the write (another intent attached, or it is gone).
    const problem: RecordProblem =
      result.status === 'amount_mismatch' ? 'amount_mismatch' : result.status === 'intent_mismatch' ? 'intent_mismatch' : 'not_ours';
    if (problem === 'amount_mismatch') logAmountMismatch(deps, checkout, payment.paymentIntentId);
    return { order: null, created: false, problem, checkout: problem === 'not_ours' ? null : checkout };
  }
  const created = result.status === 'created';
  if (created) {
    deps.logger.info({ store_id: storeId, order_id: result.order.id, payment_intent_id: payment.paymentIntentId, source: payment.source }, 'order paid');
  }
  return { order: result.order, created, problem: null, checkout };
}
