/**
 * What a discount takes off a cart: a pure function of the discount's terms and the cart's lines, so the one
 * server-side total (subtotal − discount + shipping + tax = total) never depends on anything the browser says.
 * Whether the discount applies at all (active, in its time window, minimum met, limits) is decided before.
 */
import { minimumCharge } from '../stripe/minimum-charge';
import type { DiscountTerms } from '../storage/port';
import type { CartLine } from '../wire';

/** The cart as pricing sees it. */
export interface DiscountedCart {
  currency: string;
  lines: Pick<CartLine, 'product_id' | 'line_total'>[];
  /** The chosen shipping rate's price before the discount (0 or absent: none chosen yet). */
  shipping?: number;
}

/** What the discount does to one cart. */
export interface DiscountPrice {
  /** Minor units taken off the subtotal. */
  amount: number;
  /** What the terms alone would take off: percent_off of the eligible lines, or amount_off. */
  nominal: number;
  /** True when `amount` is less than `nominal`: the eligible lines are worth less, or the total hit its floor. */
  capped: boolean;
  /** The subtotal of the lines the discount applies to. */
  eligible_subtotal: number;
  /** True when the discount makes shipping free. */
  free_shipping: boolean;
}

/**
 * The lowest total a discount may leave: Stripe's minimum charge for the currency, or one minor unit where
 * Stripe documents none (a total of zero could not be paid at all; Stripe may still refuse a tiny one).
 */
export function totalFloor(currency: string): number {
  return minimumCharge(currency) ?? 1;
}

/**
 * Prices a discount against a cart: percent_off of the eligible lines (rounded half up) or amount_off, never
 * more than the eligible lines are worth, and never so much that the total (after shipping, free when the
 * discount says so) falls below `totalFloor`; `capped` says when either limit cut it.
 */
export function priceDiscount(terms: Pick<DiscountTerms, 'percent_off' | 'amount_off' | 'product_ids' | 'free_shipping'>, cart: DiscountedCart): DiscountPrice {
  const applies = terms.product_ids === null ? () => true : (id: string) => terms.product_ids!.includes(id);
  let subtotal = 0;
  let eligible = 0;
  for (const line of cart.lines) {
    subtotal += line.line_total;
    if (applies(line.product_id)) eligible += line.line_total;
  }
  const nominal = terms.percent_off !== null ? Math.round((eligible * terms.percent_off) / 100) : (terms.amount_off ?? 0);
  const shipping = terms.free_shipping ? 0 : (cart.shipping ?? 0);
  const room = subtotal + shipping - totalFloor(cart.currency);
  const amount = Math.max(0, Math.min(nominal, eligible, room));
  return { amount, nominal, capped: amount < nominal, eligible_subtotal: eligible, free_shipping: terms.free_shipping };
}
