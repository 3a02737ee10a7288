import type Stripe from 'stripe';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import { orderRefunded } from '../platform-webhooks/announce';
import { recordFromEvent } from './record';
import { refundOf } from './refunds';
import { cancelSiblingsLater } from './siblings';

/**
 * Applies one verified event of a store's account, once: the event id is remembered in the same
 * transaction as its effect, so a redelivery changes nothing and a refused event is retried by Stripe.
 * Returns false for an event seen before.
 */
export async function applyStripeEvent(deps: AppDeps, storeId: string, event: Stripe.Event): Promise<boolean> {
  const ref = { id: event.id, type: event.type };
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const paid = await recordFromEvent(deps, storeId, ref, event.data.object);
      if (!paid) return false;
      if (paid.problem) deps.logger.info({ store_id: storeId, event_id: event.id, problem: paid.problem }, 'succeeded payment not recorded');
      // After the transaction: the Stripe calls must not delay Stripe's delivery.
      cancelSiblingsLater(deps, paid);
      return true;
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const piId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      if (!piId) return deps.storage.orders.noteEvent(storeId, ref);
      const refund = refundOf(charge, piId);
      const result = await deps.storage.orders.recordRefundFromEvent(storeId, ref, refund, orderRefunded(deps.clock, charge.amount_refunded));
      // Stripe does not order deliveries: a refund can come before the payment_intent.succeeded that makes the
      // order. The event was not remembered, so Stripe delivers it again once the order exists.
      if (result.status === 'order_not_recorded_yet') throw errors.orderNotRecordedYet();
      return result.status !== 'duplicate';
    }
    default:
      // Failures and cancellations change no order; the checkout page hears about them from /complete.
      if (!(await deps.storage.orders.noteEvent(storeId, ref))) return false;
      deps.logger.info({ store_id: storeId, event_id: event.id, type: event.type }, 'webhook event noted');
      return true;
  }
}
