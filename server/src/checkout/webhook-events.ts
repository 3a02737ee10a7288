import type Stripe from 'stripe';
import type { AppDeps } from '../app';
import { recordFromPaymentIntent, type RecordResult } from './record';
import { cancelSiblingsLater } from './siblings';

/**
 * Applies one verified event of a store's account, once: the event id is remembered in the same
 * transaction as its effect, so a redelivery changes nothing and a failed effect is retried by Stripe.
 * Returns false for an event seen before.
 */
export function applyStripeEvent(deps: AppDeps, storeId: string, event: Stripe.Event): boolean {
  let paid: RecordResult | null = null;
  const fresh = deps.storage.orders.handleEventOnce(storeId, event.id, event.type, () => {
    switch (event.type) {
      case 'payment_intent.succeeded': {
        paid = recordFromPaymentIntent(deps, storeId, event.data.object, 'webhook');
        if (paid.problem) deps.logger.info({ store_id: storeId, event_id: event.id, problem: paid.problem }, 'succeeded payment not recorded');
        return;
      }
      case 'charge.refunded': {
        const charge = event.data.object;
        const piId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
        if (piId) deps.storage.orders.recordRefund(storeId, piId, charge.amount_refunded);
        return;
      }
      default:
        // Failures and cancellations change no order; the checkout page hears about them from /complete.
        deps.logger.info({ store_id: storeId, event_id: event.id, type: event.type }, 'webhook event noted');
    }
  });
  // After the transaction: the Stripe calls must not hold the database or delay Stripe's delivery.
  if (paid) cancelSiblingsLater(deps, paid);
  return fresh;
}
