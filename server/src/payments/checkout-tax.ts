/**
 * The tax of a checkout session at its current details: the store's rates (tax.ts) applied to what the shopper
 * pays for each line after the discount, and to the shipping after any free-shipping code.
 *
 * A discount is spread over the lines it applies to in proportion to their totals (floored), and what rounding
 * leaves over goes to the largest of them (the first on a tie), so the lines' taxable amounts always sum to
 * exactly `subtotal − discount`. Without an address there is no tax yet: the total is the one without it.
 */
import type { SessionDiscount } from './discount-rules';
import type { CartLine } from '../wire';
import { computeTax, NO_TAX, type TaxAddress, type TaxResult, type TaxSettings, type TaxableLine } from './tax';

/** A session's line as tax sees it: its product, total and the product's tax category (none: absent or null). */
export type TaxedLine = Pick<CartLine, 'product_id' | 'line_total'> & { tax_category?: string | null };

/**
 * The lines' taxable amounts after `discount` minor units are taken off the lines it applies to, each with its
 * product id and tax category.
 */
export function linesAfterDiscount(
  lines: TaxedLine[],
  discount: Pick<SessionDiscount, 'product_ids'> | null,
  amount: number,
): (TaxableLine & { product_id: string })[] {
  const out = lines.map((l) => ({ product_id: l.product_id, amount: l.line_total, tax_category: l.tax_category ?? null }));
  if (!discount || amount <= 0) return out;
  const eligible = lines.map((_, i) => i).filter((i) => discount.product_ids === null || discount.product_ids.includes(lines[i].product_id));
  const base = eligible.reduce((sum, i) => sum + lines[i].line_total, 0);
  if (base <= 0) return out;
  let left = Math.min(amount, base);
  const total = left;
  for (const i of eligible) {
    const share = Math.floor((lines[i].line_total * total) / base);
    out[i].amount -= share;
    left -= share;
  }
  // The remainder (less than one unit per eligible line) goes to the largest line, which can always take it.
  const largest = eligible.reduce((best, i) => (out[i].amount > out[best].amount ? i : best), eligible[0]);
  out[largest].amount -= left;
  return out;
}

/** What `computeTax` gives for a session's lines, discount and shipping delivered to `address`. */
export function sessionTax(
  settings: TaxSettings | null,
  address: TaxAddress | null,
  lines: TaxedLine[],
  discount: { terms: Pick<SessionDiscount, 'product_ids'> | null; amount: number },
  shipping: number,
): TaxResult {
  if (!settings || !address) return NO_TAX;
  return computeTax(settings, address, linesAfterDiscount(lines, discount.terms, discount.amount), shipping);
}
