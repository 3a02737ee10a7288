// Currency rules Stripe applies to PaymentIntent amounts: the supported currencies, the per-currency minimum
// charge (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts) and the eight-digit maximum.
import { invalidRequest } from './errors';

// Minimum amounts in the currency's minor unit; server/src/stripe/minimum-charge.ts holds the same table.
export const MINIMUMS: Readonly<Record<string, number>> = {
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

const ZERO_DECIMAL = new Set(['jpy', 'krw', 'vnd', 'clp', 'isk', 'ugx', 'xaf', 'xof']);
const SYMBOLS: Record<string, string> = { usd: '$', eur: '€', gbp: '£', jpy: '¥', aud: '$', cad: '$', nzd: '$', sgd: '$', hkd: '$' };
const MAXIMUM = 99999999;

/** Whether the emulator knows the currency. */
export function isSupportedCurrency(currency: string): boolean {
  return currency in MINIMUMS || ZERO_DECIMAL.has(currency);
}

function format(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? String(amount) : (amount / 100).toFixed(2);
  return `${SYMBOLS[currency] ?? ''}${major} ${currency}`;
}

/** Throws Stripe's amount errors: `amount_too_small` below the currency minimum, `amount_too_large` above the max. */
export function checkAmount(amount: number, currency: string): void {
  if (amount < 0 || !Number.isInteger(amount)) {
    throw invalidRequest('This value must be greater than or equal to 1.', 'parameter_invalid_integer', 'amount');
  }
  const minimum = MINIMUMS[currency] ?? 50;
  if (amount < minimum) {
    throw invalidRequest(`Amount must be at least ${format(minimum, currency)}`, 'amount_too_small', 'amount');
  }
  if (amount > MAXIMUM) {
    throw invalidRequest(`Amount must be no more than ${format(MAXIMUM, currency)}`, 'amount_too_large', 'amount');
  }
}

/** Throws Stripe's answer to an unknown currency. */
export function checkCurrency(currency: string): void {
  if (!isSupportedCurrency(currency)) {
    throw invalidRequest(
      `Invalid currency: ${currency}. Stripe currently supports these currencies: ${Object.keys(MINIMUMS).join(', ')}`,
      'parameter_invalid_string',
      'currency',
    );
  }
}
