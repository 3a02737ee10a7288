// Stripe's documented minimum charge per presentment currency, in the currency's minor unit (zero-decimal
// currencies such as jpy in their own units): https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts
// The emulator's table (emulator/src/amounts.ts) holds the same values.

/** Minimum PaymentIntent amounts Stripe documents, keyed by lowercase ISO code. */
export const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  bgn: 100,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
};

/**
 * The smallest amount Stripe is documented to accept in `currency`, or null when Stripe documents none (its
 * minimum there is the equivalent of the account's settlement-currency minimum, which depends on exchange rates).
 */
export function minimumCharge(currency: string): number | null {
  return MINIMUM_CHARGE[currency.toLowerCase()] ?? null;
}
