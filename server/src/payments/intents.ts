import type Stripe from 'stripe';
import type { Checkout } from '../storage/port';

/** PaymentIntent statuses that have taken no money and can still be cancelled. */
export const CANCELABLE_STATUSES: readonly Stripe.PaymentIntent.Status[] = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

/** True when the intent's metadata names exactly this session, cart and store. */
export function belongsTo(pi: Stripe.PaymentIntent, checkout: Checkout): boolean {
  const m = pi.metadata ?? {};
  return m.checkout_id === checkout.id && m.cart_id === checkout.cart_id && m.store_id === checkout.store_id;
}

/**
 * Cancels an intent that has taken no money (as abandoned); a paid or processing one is answered as it is.
 * A confirm that wins the race makes the cancel fail; the retrieve then sees the payment.
 */
export async function abandonUnlessPaid(stripe: Stripe, pi: Stripe.PaymentIntent): Promise<Stripe.PaymentIntent> {
  if (!CANCELABLE_STATUSES.includes(pi.status)) return pi;
  return stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'abandoned' }).catch(() => stripe.paymentIntents.retrieve(pi.id));
}
