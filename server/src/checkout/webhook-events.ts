import type Stripe from 'stripe';
import type { AppDeps } from '../app';
import { AppError } from '../errors';
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
        if (piId && !deps.storage.orders.recordRefund(storeId, piId, charge.amount_refunded)) refundBeforeOrder(deps, storeId, piId);
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

/**
 * Stripe does not order deliveries: a refund can arrive before the payment_intent.succeeded that makes the
 * order. For an intent of one of our open sessions, refuse it (rolling back the event id) so Stripe delivers
 * it again once the order exists; a refund of an intent that is none of ours is acknowledged and ignored.
 */
function refundBeforeOrder(deps: AppDeps, storeId: string, piId: string): void {
  if (!deps.storage.checkouts.listOpenWithIntentForStore(storeId).some((c) => c.payment_intent_id === piId)) return;
  throw new AppError('order_not_recorded_yet', 409, 'The refunded payment has no order yet; deliver this event again later');
}
