// The `shipping` and `receipt_email` of a PaymentIntent: parsing them as Stripe does, copying them onto the
// charge, and the receipt Stripe would email when a payment with a `receipt_email` succeeds.
import type Stripe from 'stripe';
import { invalidRequest, parameterInvalid, parameterMissing } from './errors';
import { optObject, optString, rejectUnknown, type Params } from './form';

const SHIPPING_PARAMS = ['address', 'name', 'phone', 'carrier', 'tracking_number'];
const ADDRESS_PARAMS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'];

/**
 * Reads `shipping` from the parameters: undefined when absent, null when cleared with `shipping=''` (as
 * Stripe's update takes it), else Stripe's shape with unset fields null. `name` and `address.line1` are
 * required as in Stripe's API reference.
 */
export function readShipping(params: Params): Stripe.PaymentIntent.Shipping | null | undefined {
  if (params.shipping === undefined) return undefined;
  if (params.shipping === '') return null;
  const shipping = optObject(params, 'shipping')!;
  rejectUnknown(shipping, SHIPPING_PARAMS);
  const address = optObject(shipping, 'address');
  if (!address) throw parameterMissing('shipping[address]');
  rejectUnknown(address, ADDRESS_PARAMS);
  const name = optString(shipping, 'name');
  if (!name) throw parameterMissing('shipping[name]');
  const line1 = optString(address, 'line1');
  if (!line1) throw parameterMissing('shipping[address][line1]');
  const country = optString(address, 'country') ?? null;
  if (country !== null && !/^[A-Za-z]{2}$/.test(country)) {
    throw parameterInvalid('shipping[address][country]', 'Country must be a two-letter ISO code');
  }
  return {
    address: {
      city: optString(address, 'city') ?? null,
      country: country?.toUpperCase() ?? null,
      line1,
      line2: optString(address, 'line2') ?? null,
      postal_code: optString(address, 'postal_code') ?? null,
      state: optString(address, 'state') ?? null,
    },
    carrier: optString(shipping, 'carrier') ?? null,
    name,
    phone: optString(shipping, 'phone') ?? null,
    tracking_number: optString(shipping, 'tracking_number') ?? null,
  };
}

/** Reads `receipt_email`: undefined when absent, null when cleared with '', refused when not an address. */
export function readReceiptEmail(params: Params): string | null | undefined {
  if (params.receipt_email === undefined) return undefined;
  if (params.receipt_email === '') return null;
  const email = optString(params, 'receipt_email')!;
  // Stripe answers `email_invalid` for an address it cannot send to; this is the emulator's simpler check.
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 512) {
    throw invalidRequest(`Invalid email address: ${email}`, 'email_invalid', 'receipt_email');
  }
  return email;
}

/** A receipt the emulator records where Stripe would email one (a live payment with a `receipt_email`). */
export interface Receipt {
  account: string;
  payment_intent: string;
  charge: string;
  email: string;
  amount: number;
  currency: string;
  livemode: boolean;
  /** Unix seconds. */
  created: number;
}
