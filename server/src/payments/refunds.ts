/**
 * What a refund makes of an order: `refunded` once the charge's refunds reach what was paid, else
 * `partially_refunded`. The storage keeps the largest refund it was told and the status that came with it.
 */
import type Stripe from 'stripe';
import type { RefundedStatus } from '../storage/port';

/** The refund a `charge.refunded` event reports for the order paid by its PaymentIntent. */
export function refundOf(
  charge: Pick<Stripe.Charge, 'amount' | 'amount_refunded'>,
  paymentIntentId: string,
): { paymentIntentId: string; amountRefunded: number; status: RefundedStatus } {
  return { paymentIntentId, amountRefunded: charge.amount_refunded, status: refundedStatus(charge.amount, charge.amount_refunded) };
}

/** `refunded` when `refunded` covers `paid`, else `partially_refunded`. */
export function refundedStatus(paid: number, refunded: number): RefundedStatus {
  return refunded >= paid ? 'refunded' : 'partially_refunded';
}
