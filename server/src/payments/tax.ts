/**
 * A store's tax: the settings the platform sets and the rule that turns priced lines and an address into tax
 * lines. Pure functions; tax is only ever computed on the server.
 *
 * Rules: the rate of a line is the one for its tax category (else the category-less one) at the address's
 * state (US, CA) if the table has one, else the country's. Exclusive tax is `round(amount × p)`, added on top;
 * inclusive tax is the part of the price that is tax, `round(amount × p / (1 + p))`. Each line is rounded
 * half up on its own and the lines of one rate are summed (Stripe Tax rounds per line too). Shipping is taxed
 * at the category-less rate when `tax_shipping` is set.
 */
import { z } from 'zod';
import { errors } from '../errors';
import { validate } from '../http/body';
import type { StripeTaxSettings, TaxLine, TaxRateSettings, TaxSettings } from '../wire';
import { COUNTRY_CODES } from './countries';

export type { StripeTaxSettings, TaxLine, TaxRateSettings, TaxSettings };

/** Rates one store may have. */
export const MAX_TAX_RATES = 300;
/** Tax codes one store may map its categories to. */
export const MAX_TAX_CODES = 100;
/** Countries whose rates may be set per state or province. */
export const COUNTRIES_WITH_STATES = new Set(['US', 'CA']);

/** A tax category, as a rate and a product name it (`books`, `food-reduced`). */
export const taxCategorySchema = z.string().regex(/^[a-z0-9_-]{1,40}$/, 'must be 1-40 lower-case letters, digits, _ or -');
const rateSchema = z.strictObject({
  country: z
    .string()
    .max(2, 'must be an ISO 3166-1 alpha-2 country code such as DE')
    .transform((c) => c.toUpperCase())
    .refine((c) => COUNTRY_CODES.has(c), 'must be an ISO 3166-1 alpha-2 country code such as DE'),
  state: z
    .string()
    .regex(/^[A-Za-z0-9]{1,3}$/, 'must be a state or province code such as CA')
    .transform((s) => s.toUpperCase())
    .nullish(),
  percentage: z
    .number()
    .gt(0, 'must be greater than 0')
    .max(100, 'must be at most 100')
    .refine((p) => Math.abs(p * 1000 - Math.round(p * 1000)) < 1e-6, 'may have at most three decimals'),
  inclusive: z.boolean(),
  display_name: z.string().trim().min(1, 'is required').max(50),
  tax_category: taxCategorySchema.nullish(),
});

export const taxSettingsSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('included') }),
  z.strictObject({
    mode: z.literal('rates'),
    tax_shipping: z.boolean().default(false),
    rates: z.array(rateSchema).min(1, 'must hold at least one rate').max(MAX_TAX_RATES, `may hold at most ${MAX_TAX_RATES} rates`),
  }),
  z.strictObject({
    mode: z.literal('stripe_tax'),
    prices_include_tax: z.boolean().default(false),
    tax_shipping: z.boolean().default(true),
    tax_codes: z
      .record(taxCategorySchema, z.string().regex(/^txcd_\d{8}$/, 'must be a Stripe tax code such as txcd_99999999'))
      .refine((codes) => Object.keys(codes).length <= MAX_TAX_CODES, `may hold at most ${MAX_TAX_CODES} tax codes`)
      .default({}),
  }),
]);

/**
 * Validates a store's tax settings as the platform sends them: 422 `invalid_tax_settings` naming the field
 * (`rates.2.state`) for a wrong type, an unknown country, a state outside the US and Canada, a percentage out
 * of range, or two rates for the same place and category. Returns them normalised (upper-case codes, absent
 * optionals as null).
 */
export function parseTaxSettings(input: unknown): TaxSettings {
  const parsed = validate(taxSettingsSchema, input, errors.invalidTaxSettings);
  if (parsed.mode === 'included') return { mode: 'included' };
  if (parsed.mode === 'stripe_tax') return parsed;
  const seen = new Set<string>();
  const rates = parsed.rates.map((r, i): TaxRateSettings => {
    const fail = (field: string, message: string) => errors.invalidTaxSettings(`rates.${i}.${field}: ${message}`).about(`rates.${i}.${field}`);
    const state = r.state ?? null;
    if (state !== null && !COUNTRIES_WITH_STATES.has(r.country)) throw fail('state', 'rates by state or province exist for US and CA only');
    const key = `${r.country}/${state ?? ''}/${r.tax_category ?? ''}`;
    if (seen.has(key)) throw fail('country', 'another rate has the same country, state and tax_category');
    seen.add(key);
    return { country: r.country, state, percentage: r.percentage, inclusive: r.inclusive, display_name: r.display_name, tax_category: r.tax_category ?? null };
  });
  return { mode: 'rates', tax_shipping: parsed.tax_shipping, rates };
}

/** A priced line as tax sees it: what the shopper pays for it (after any discount) and its category. */
export interface TaxableLine {
  amount: number;
  tax_category?: string | null;
}

/** Where the goods go. */
export interface TaxAddress {
  country: string;
  state?: string | null;
}

/** The tax of a sale: its lines, and how much of it is added on top of the prices. */
export interface TaxResult {
  lines: TaxLine[];
  /** Added to the total (exclusive rates). */
  added: number;
  /** Already inside the prices (inclusive rates): shown, not charged again. */
  included: number;
}

export const NO_TAX: TaxResult = { lines: [], added: 0, included: 0 };

/**
 * The tax of `lines` and `shipping` delivered to `address` under `settings` (none without settings, with
 * `included`, or without an address yet).
 */
export function computeTax(settings: TaxSettings | null, address: TaxAddress | null, lines: TaxableLine[], shipping: number): TaxResult {
  if (!settings || settings.mode !== 'rates' || !address) return NO_TAX;
  const country = address.country.toUpperCase();
  const state = address.state ? address.state.toUpperCase() : null;
  const rateFor = (cat: string | null): TaxRateSettings | null => {
    const here = settings.rates.filter((r) => r.country === country && (r.state === null || r.state === state));
    const pick = (c: string | null) =>
      here.find((r) => r.state !== null && r.tax_category === c) ?? here.find((r) => r.state === null && r.tax_category === c) ?? null;
    return (cat !== null ? pick(cat) : null) ?? pick(null);
  };
  const byRate = new Map<TaxRateSettings, number>();
  const charge = (rate: TaxRateSettings | null, amount: number) => {
    if (!rate || amount <= 0) return;
    byRate.set(rate, (byRate.get(rate) ?? 0) + taxOf(amount, rate));
  };
  for (const l of lines) charge(rateFor(l.tax_category ?? null), l.amount);
  if (settings.tax_shipping) charge(rateFor(null), shipping);
  const out: TaxResult = { lines: [], added: 0, included: 0 };
  for (const [rate, amount] of byRate) {
    if (amount === 0) continue;
    out.lines.push({ display_name: rate.display_name, percentage: rate.percentage, inclusive: rate.inclusive, amount });
    if (rate.inclusive) out.included += amount;
    else out.added += amount;
  }
  return out;
}

/** One line's tax, rounded half up, in integer arithmetic on thousandths of a percent. */
function taxOf(amount: number, rate: TaxRateSettings): number {
  const milli = Math.round(rate.percentage * 1000); // 19% → 19000
  const scale = 100_000; // 100% in thousandths of a percent
  return rate.inclusive ? Math.floor((amount * milli * 2 + (scale + milli)) / (2 * (scale + milli))) : Math.floor((amount * milli * 2 + scale) / (2 * scale));
}
