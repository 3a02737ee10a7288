/**
 * A store's shipping: the settings the platform sets (which countries, which rates), and the rules that
 * turn a cart and an address into the rates that apply and their prices. Pure functions; the server is the
 * only place a shipping price is ever computed (the browser's idea of a rate's price never enters here).
 */
import { z } from 'zod';
import { errors } from '../errors';
import { validate } from '../http/body';
import type { Amounts, CartLine, ShippingRateOption, ShippingRateSettings, ShippingSettings, TaxLine } from '../wire';
import { COUNTRY_CODES } from './countries';
import { MAX_AMOUNT } from './money';

export type { ShippingSettings, ShippingRateSettings };

/** Rates one store may have: a short radio list for the shopper, never a table to page through. */
export const MAX_RATES = 50;
/** Weight bands of one rate. */
export const MAX_BANDS = 20;

const country = z
  .string()
  .max(2, 'must be an ISO 3166-1 alpha-2 country code such as US')
  .transform((c) => c.toUpperCase())
  .refine((c) => COUNTRY_CODES.has(c), 'must be an ISO 3166-1 alpha-2 country code such as US');
const amount = z.number().int('must be an integer amount in minor units').min(0, 'must not be negative').max(MAX_AMOUNT);
const grams = z.number().int('must be a whole number of grams').min(0, 'must not be negative').max(10_000_000);
const days = z.number().int('must be a whole number of business days').min(0).max(365);

const rateSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
  display_name: z.string().trim().min(1, 'is required').max(100),
  amount,
  countries: z.array(country).min(1).max(300).nullish(),
  free_over: amount.nullish(),
  weight_bands: z
    .array(z.strictObject({ min_grams: grams, max_grams: grams.nullable(), amount }))
    .min(1)
    .max(MAX_BANDS)
    .nullish(),
  delivery_estimate: z.strictObject({ min_days: days, max_days: days }).nullish(),
});

export const settingsSchema = z.strictObject({
  countries: z.array(country).min(1, 'must name at least one country').max(300),
  rates: z.array(rateSchema).min(1, 'must hold at least one rate').max(MAX_RATES, `may hold at most ${MAX_RATES} rates`),
});

/**
 * Validates a store's shipping settings as the platform sends them: 422 `invalid_shipping_settings` naming
 * the field (`rates.1.amount`) for a wrong type, an unknown country code, a negative amount, a duplicate
 * rate id, a rate country the store does not ship to, a band that ends before it starts, overlapping bands
 * of one rate, or an estimate whose minimum exceeds its maximum. Returns them normalised (upper-case
 * countries without repeats, bands sorted, absent optionals as null).
 */
export function parseShippingSettings(input: unknown): ShippingSettings {
  const parsed = validate(settingsSchema, input, errors.invalidShippingSettings);
  const fail = (param: string, message: string) => errors.invalidShippingSettings(`${param}: ${message}`).about(param);
  const countries = [...new Set(parsed.countries)];
  const ids = new Set<string>();
  const rates = parsed.rates.map((r, i): ShippingRateSettings => {
    if (ids.has(r.id)) throw fail(`rates.${i}.id`, `'${r.id}' is used by another rate`);
    ids.add(r.id);
    const rateCountries = r.countries ? [...new Set(r.countries)] : null;
    rateCountries?.forEach((c, j) => {
      if (!countries.includes(c)) throw fail(`rates.${i}.countries.${j}`, `${c} is not one of the store's shipping countries`);
    });
    const bands = r.weight_bands ? [...r.weight_bands].sort((a, b) => a.min_grams - b.min_grams) : null;
    bands?.forEach((b, j) => {
      if (b.max_grams !== null && b.max_grams <= b.min_grams) throw fail(`rates.${i}.weight_bands.${j}.max_grams`, 'must be greater than min_grams');
      const next = bands[j + 1];
      if (next && (b.max_grams === null || b.max_grams > next.min_grams)) {
        throw fail(`rates.${i}.weight_bands`, `bands ${b.min_grams}-${b.max_grams ?? '∞'} g and ${next.min_grams}-${next.max_grams ?? '∞'} g overlap`);
      }
    });
    const est = r.delivery_estimate ?? null;
    if (est && est.min_days > est.max_days) throw fail(`rates.${i}.delivery_estimate.min_days`, 'must not be greater than max_days');
    return {
      id: r.id,
      display_name: r.display_name,
      amount: r.amount,
      countries: rateCountries,
      free_over: r.free_over ?? null,
      weight_bands: bands,
      delivery_estimate: est,
    };
  });
  return { countries, rates };
}

/** A line as shipping sees it: sessions made before shipping existed have no flags (everything ships). */
type ShippingLine = Pick<CartLine, 'quantity' | 'line_total' | 'shippable' | 'weight_grams'>;

const ships = (line: ShippingLine) => line.shippable !== false;

/** True when the store ships and some line is a physical good: the checkout asks for an address and a rate. */
export function requiresShipping(settings: ShippingSettings | null, lines: ShippingLine[]): boolean {
  return settings !== null && lines.some(ships);
}

/** The shippable lines' weight in grams (a product without a weight weighs nothing). */
export function shippableWeight(lines: ShippingLine[]): number {
  return lines.reduce((sum, l) => sum + (ships(l) ? (l.weight_grams ?? 0) * l.quantity : 0), 0);
}

/** The lowest free-shipping threshold of the store's rates, for the drawer's "Add $7.50 for free shipping". */
export function freeShippingOver(settings: ShippingSettings | null): number | null {
  const thresholds = (settings?.rates ?? []).map((r) => r.free_over).filter((t): t is number => typeof t === 'number');
  return thresholds.length ? Math.min(...thresholds) : null;
}

/**
 * The rates that apply to a cart going to `country`, cheapest first (ties: the platform's order): a rate
 * applies when it covers the country and, with weight bands, when the shippable weight falls in one (whose
 * amount it then costs). It is free when the subtotal reaches its `free_over`. [] when the store does not
 * ship there; the caller tells "country unsupported" from "no rate applies" with `shipsTo`.
 */
export function ratesFor(settings: ShippingSettings, country: string, lines: ShippingLine[], subtotal: number): ShippingRateOption[] {
  if (!shipsTo(settings, country)) return [];
  const weight = shippableWeight(lines);
  const options: ShippingRateOption[] = [];
  for (const r of settings.rates) {
    if (r.countries && !r.countries.includes(country)) continue;
    let price = r.amount;
    if (r.weight_bands) {
      const band = r.weight_bands.find((b) => weight >= b.min_grams && (b.max_grams === null || weight < b.max_grams));
      if (!band) continue;
      price = band.amount;
    }
    if (typeof r.free_over === 'number' && subtotal >= r.free_over) price = 0;
    options.push({ id: r.id, display_name: r.display_name, amount: price, delivery_estimate: r.delivery_estimate ?? null });
  }
  // A stable sort: equal prices keep the platform's order.
  return options.sort((a, b) => a.amount - b.amount);
}

/** True when `country` is one of the store's shipping countries. */
export function shipsTo(settings: ShippingSettings, country: string): boolean {
  return settings.countries.includes(country);
}

/** The money of a session: subtotal − discount + shipping + tax = total (`tax`: the exclusive part of `taxLines`). */
export function amountsOf(subtotal: number, shipping: number, discount = 0, tax = 0, taxLines: TaxLine[] = []): Amounts {
  return { subtotal, discount, shipping, tax, tax_lines: taxLines, total: subtotal - discount + shipping + tax };
}
