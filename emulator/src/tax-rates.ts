// The emulator's Stripe Tax: a small FIXED rate table instead of Stripe's tax engine, and the per-line arithmetic
// of a calculation. Stripe decides rates from the merchant's registrations, the product's tax code and the exact
// address; here a rate depends only on the country (and US state) and one reduced rate for books in Germany.

/** One rate of the table. */
export interface EmulatedRate {
  country: string;
  state: string | null;
  /** Percent, as Stripe's `percentage_decimal` ("7.25"). */
  percentage: string;
  tax_type: 'sales_tax' | 'vat';
  taxability_reason: 'standard_rated' | 'reduced_rated' | 'not_collecting';
}

/** The tax code of books (Stripe's `txcd_35010000`), taxed at the reduced rate where the table has one. */
export const BOOKS_TAX_CODE = 'txcd_35010000';
/** The tax code Stripe puts on shipping when none is given. */
export const SHIPPING_TAX_CODE = 'txcd_92010001';

const STANDARD: Record<string, { percentage: string; tax_type: EmulatedRate['tax_type'] }> = {
  'US-CA': { percentage: '7.25', tax_type: 'sales_tax' },
  'US-NY': { percentage: '8.875', tax_type: 'sales_tax' },
  DE: { percentage: '19.0', tax_type: 'vat' },
  FR: { percentage: '20.0', tax_type: 'vat' },
  GB: { percentage: '20.0', tax_type: 'vat' },
};
const REDUCED: Record<string, Record<string, string>> = { DE: { [BOOKS_TAX_CODE]: '7.0' } };

/** The rate for a line with `taxCode` delivered to `country`/`state`: 0% ("not_collecting") outside the table. */
export function rateFor(country: string, state: string | null, taxCode: string | null): EmulatedRate {
  const place = country === 'US' && state ? `US-${state}` : country;
  const standard = STANDARD[place];
  const where = { country, state: country === 'US' ? state : null };
  if (!standard) return { ...where, percentage: '0.0', tax_type: country === 'US' ? 'sales_tax' : 'vat', taxability_reason: 'not_collecting' };
  const reduced = taxCode ? REDUCED[place]?.[taxCode] : undefined;
  if (reduced) return { ...where, percentage: reduced, tax_type: standard.tax_type, taxability_reason: 'reduced_rated' };
  return { ...where, percentage: standard.percentage, tax_type: standard.tax_type, taxability_reason: 'standard_rated' };
}

/**
 * The tax of one amount at a rate, rounded half up per line (as Stripe rounds): exclusive adds `amount × p`,
 * inclusive is the part of the amount that is tax, `amount × p / (1 + p)`. Integer arithmetic on thousandths of
 * a percent, so 8.875% is exact.
 */
export function taxOn(amount: number, percentage: string, inclusive: boolean): number {
  const milli = Math.round(Number(percentage) * 1000);
  const scale = 100_000;
  if (milli === 0 || amount <= 0) return 0;
  return inclusive ? Math.floor((amount * milli * 2 + (scale + milli)) / (2 * (scale + milli))) : Math.floor((amount * milli * 2 + scale) / (2 * scale));
}
