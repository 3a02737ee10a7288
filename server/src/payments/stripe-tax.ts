/**
 * Stripe Tax on the merchant's own account (settings mode `stripe_tax`): checking that the account can calculate
 * tax before the setting is saved, and one calculation per details change, turned into the session's tax amount
 * and lines. Every call carries the store's own key (withMerchantStripe). The transaction a paid order makes of
 * its calculation is tax-transactions.ts.
 */
import type Stripe from 'stripe';
import type { AppDeps } from '../deps';
import { AppError, errors } from '../errors';
import { withMerchantStripe } from '../stripe/merchant';
import type { Checkout } from '../storage/port';
import type { Shipping, StripeTaxSettings, TaxLine } from '../wire';
import { linesAfterDiscount, type TaxedLine } from './checkout-tax';
import type { SessionDiscount } from './discount-rules';
import type { TaxableLine, TaxResult } from './tax';

type StripeTaxDeps = Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>;

/**
 * Refuses (409 `tax_not_configured`, saying what is missing) unless the store's Stripe account has Stripe Tax
 * active: `GET /v1/tax/settings` with status `active` and a head office.
 */
export async function requireStripeTaxActive(deps: StripeTaxDeps, storeId: string): Promise<void> {
  let settings: Stripe.Tax.Settings;
  try {
    settings = await withMerchantStripe(deps, storeId, ({ stripe }) => stripe.tax.settings.retrieve());
  } catch (err) {
    if ((err as { type?: string }).type === 'StripePermissionError') {
      throw errors.taxNotConfigured("The store's Stripe key may not read its tax settings; connect a key with Tax permissions, then save again");
    }
    throw err;
  }
  if (settings.status === 'active' && settings.head_office) return;
  const missing = settings.status_details.pending?.missing_fields?.join(', ') || (settings.head_office ? null : 'head_office');
  throw errors.taxNotConfigured(
    `Stripe Tax is not active on the store's Stripe account (status ${settings.status}${missing ? `; missing: ${missing}` : ''}). ` +
      'Set it up in the Stripe Dashboard under Settings → Tax, then save again',
  );
}

/** The session's tax from a Stripe Tax calculation, and the calculation's id. */
export interface StripeTaxResult extends TaxResult {
  calculationId: string;
}

/**
 * Asks Stripe for the tax of the lines (after the discount; `reference` the product id, `tax_code` from the
 * product's category) and the shipping, delivered to the session's address. Stripe's refusal of the address is
 * 422 `invalid_address`; an account whose Stripe Tax was turned off is 409 `tax_not_configured`.
 */
export async function calculateStripeTax(
  deps: StripeTaxDeps,
  storeId: string,
  settings: StripeTaxSettings,
  currency: string,
  shipping: Shipping,
  lines: (TaxableLine & { product_id: string })[],
  shippingAmount: number,
): Promise<StripeTaxResult> {
  const tax_behavior = settings.prices_include_tax ? 'inclusive' : 'exclusive';
  const a = shipping.address;
  const params: Stripe.Tax.CalculationCreateParams = {
    currency,
    line_items: lines.map((l) => {
      const code = l.tax_category ? settings.tax_codes[l.tax_category] : undefined;
      return { amount: l.amount, reference: l.product_id, tax_behavior, ...(code ? { tax_code: code } : {}) };
    }),
    customer_details: {
      address: { line1: a.line1, line2: a.line2 ?? '', city: a.city, state: a.state ?? '', postal_code: a.postal_code, country: a.country },
      address_source: 'shipping',
    },
    ...(settings.tax_shipping && shippingAmount > 0 ? { shipping_cost: { amount: shippingAmount, tax_behavior } } : {}),
  };
  let calc: Stripe.Tax.Calculation;
  try {
    calc = await withMerchantStripe(deps, storeId, ({ stripe }) => stripe.tax.calculations.create(params));
  } catch (err) {
    if (err instanceof AppError) throw err;
    const e = err as { type?: string; code?: string; message?: string };
    if (e.code === 'customer_tax_location_invalid')
      throw errors.invalidAddress(`shipping.address: ${e.message ?? 'Stripe could not place this address for tax'}`).about('shipping.address');
    if (e.code === 'stripe_tax_inactive') throw errors.taxUnavailable();
    if (e.type === 'StripeInvalidRequestError' || e.type === 'StripePermissionError')
      throw errors.stripeInvalidRequest(e.message ?? 'Stripe refused the tax calculation');
    throw err;
  }
  return { calculationId: calc.id!, lines: taxLinesOf(calc), added: calc.tax_amount_exclusive, included: calc.tax_amount_inclusive };
}

const TAX_TYPE_NAMES: Record<string, string> = {
  vat: 'VAT',
  sales_tax: 'Sales tax',
  gst: 'GST',
  hst: 'HST',
  pst: 'PST',
  qst: 'QST',
  rst: 'RST',
  jct: 'JCT',
  igst: 'IGST',
};

/**
 * A calculation's `tax_breakdown` as the session's tax lines: one per rate, place and behaviour, named by the tax
 * type and place ("VAT DE", "Sales tax US-CA"); entries of no tax (not collected, exempt) are left out.
 */
export function taxLinesOf(calc: Pick<Stripe.Tax.Calculation, 'tax_breakdown'>): TaxLine[] {
  const lines = new Map<string, TaxLine>();
  for (const b of calc.tax_breakdown) {
    if (b.amount === 0) continue;
    const d = b.tax_rate_details;
    const type = d.tax_type ? (TAX_TYPE_NAMES[d.tax_type] ?? d.tax_type.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())) : 'Tax';
    const place = [d.country, d.state].filter(Boolean).join('-');
    const display_name = place ? `${type} ${place}` : type;
    const percentage = Number(d.percentage_decimal);
    const key = `${display_name}/${percentage}/${b.inclusive}`;
    const line = lines.get(key) ?? { display_name, percentage, inclusive: b.inclusive, amount: 0 };
    line.amount += b.amount;
    lines.set(key, line);
  }
  return [...lines.values()];
}

/**
 * What a session's details change costs in tax under Stripe Tax: a calculation for the lines after the discount
 * and the shipping, or null without a shipping address (nothing to place the sale at: no tax yet).
 */
export async function sessionStripeTax(
  deps: StripeTaxDeps,
  checkout: Pick<Checkout, 'store_id' | 'currency'>,
  settings: StripeTaxSettings,
  priced: {
    shipping: Shipping | null;
    lines: TaxedLine[];
    discount: Pick<SessionDiscount, 'product_ids'> | null;
    discountAmount: number;
    shippingAmount: number;
  },
): Promise<StripeTaxResult | null> {
  if (!priced.shipping) return null;
  const lines = linesAfterDiscount(priced.lines, priced.discount, priced.discountAmount);
  return calculateStripeTax(deps, checkout.store_id, settings, checkout.currency, priced.shipping, lines, priced.shippingAmount);
}

/**
 * A calculation read back by id (a PaymentIntent names the one its amount includes in `metadata.tax_calculation_id`):
 * its tax as the session keeps it, with its total and currency. Null when Stripe does not know it.
 */
export async function readStripeTax(
  deps: StripeTaxDeps,
  storeId: string,
  calculationId: string,
): Promise<(StripeTaxResult & { total: number; currency: string }) | null> {
  try {
    const calc = await withMerchantStripe(deps, storeId, ({ stripe }) => stripe.tax.calculations.retrieve(calculationId));
    return {
      calculationId,
      lines: taxLinesOf(calc),
      added: calc.tax_amount_exclusive,
      included: calc.tax_amount_inclusive,
      total: calc.amount_total,
      currency: calc.currency,
    };
  } catch {
    return null;
  }
}
