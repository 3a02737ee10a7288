/**
 * What a checkout session's details put on its PaymentIntent: the shipping address, the receipt email, and in
 * metadata the shipping rate and the Stripe Tax calculation its amount includes (details.ts levelToIntent reads
 * them back after an interrupted change).
 */
import type Stripe from 'stripe';
import type { SessionDetails } from '../storage/port';
import type { Shipping } from '../wire';

/** A session's address as a PaymentIntent's `shipping` ('' for an absent optional field, as Stripe takes it). */
function stripeShipping(s: Shipping): Stripe.PaymentIntentCreateParams.Shipping {
  return {
    name: s.name,
    phone: s.phone ?? '',
    address: {
      line1: s.address.line1,
      line2: s.address.line2 ?? '',
      city: s.address.city,
      state: s.address.state ?? '',
      postal_code: s.address.postal_code,
      country: s.address.country,
    },
  };
}

/**
 * What a session's details set on its PaymentIntent when it is updated: '' clears a field, as the Stripe API
 * has it, and `metadata.shipping_rate_id` names the rate the amount includes (levelToIntent reads it back).
 */
export function intentDetailsParams(
  details: SessionDetails,
  taxCalculationId: string | null = null,
): Pick<Stripe.PaymentIntentUpdateParams, 'shipping' | 'receipt_email' | 'metadata'> {
  const s = details.shipping;
  return {
    receipt_email: details.email ?? '',
    shipping: s ? stripeShipping(s) : '',
    metadata: { shipping_rate_id: s?.rate.id ?? '', tax_calculation_id: taxCalculationId ?? '' },
  };
}

/** The same for a new PaymentIntent: only what the session already holds (create refuses ''). */
export function newIntentDetailsParams(
  details: SessionDetails,
  taxCalculationId: string | null = null,
): Pick<Stripe.PaymentIntentCreateParams, 'shipping' | 'receipt_email'> & { metadata: Record<string, string> } {
  const s = details.shipping;
  return {
    ...(details.email ? { receipt_email: details.email } : {}),
    ...(s ? { shipping: stripeShipping(s) } : {}),
    metadata: { ...(s ? { shipping_rate_id: s.rate.id } : {}), ...(taxCalculationId ? { tax_calculation_id: taxCalculationId } : {}) },
  };
}
