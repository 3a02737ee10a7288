/**
 * Whether a discount code applies to a cart, and what a checkout session freezes of it. Pure: the cart read
 * brings the discount along (one statement), the rules decide here, pricing is discount-pricing.ts. A code
 * that stops applying (an item removed below the minimum, the code expired) simply shows no discount: the cart
 * keeps the code, and it applies again once the cart qualifies.
 */
import { errors, type AppError } from '../errors';
import type { AppliedDiscount, SessionDiscount } from '../storage/port';

export type { SessionDiscount };
import type { CartDiscount, CartLine } from '../wire';
import { priceDiscount, type DiscountPrice } from './discount-pricing';

/** The cart as the rules see it. */
export interface RuledCart {
  currency: string;
  subtotal: number;
  items: Pick<CartLine, 'product_id' | 'line_total'>[];
}

/** An amount in minor units as a shopper reads it (`€5.00`). */
export function formatMoney(amount: number, currency: string): string {
  try {
    const f = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() });
    return f.format(amount / 10 ** (f.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${amount} ${currency}`;
  }
}

/**
 * Why the discount does not apply to the cart at `now`, as the catalogue's refusal; null when it applies.
 * The order of the checks is the order a shopper can act on: a dead code first, then what the cart lacks.
 */
export function discountRefusal(d: AppliedDiscount, cart: RuledCart, now: number): AppError | null {
  if (!d.active) return errors.discountCodeUnknown();
  if (d.starts_at !== null && now < d.starts_at) return errors.discountExpired(`This code is not valid yet; it starts ${new Date(d.starts_at).toISOString()}`);
  if (d.ends_at !== null && now >= d.ends_at) return errors.discountExpired(`This code expired ${new Date(d.ends_at).toISOString()}`);
  if (d.max_redemptions !== null && d.times_redeemed >= d.max_redemptions) return errors.discountExhausted();
  // A code priced in another currency than the cart's cannot be applied (the store changed currency since).
  if (d.currency !== null && d.currency !== cart.currency) return errors.discountNotApplicable();
  if (d.min_subtotal !== null && cart.subtotal < d.min_subtotal) {
    return errors.discountMinimumNotMet(formatMoney(d.min_subtotal - cart.subtotal, cart.currency), formatMoney(d.min_subtotal, cart.currency));
  }
  if (d.product_ids !== null && !cart.items.some((l) => d.product_ids!.includes(l.product_id))) return errors.discountNotApplicable();
  return null;
}

/** The session's copy of a discount. */
export function freezeDiscount(d: AppliedDiscount): SessionDiscount {
  return {
    id: d.id,
    code: d.code,
    percent_off: d.percent_off,
    amount_off: d.amount_off,
    product_ids: d.product_ids,
    free_shipping: d.free_shipping,
    once_per_email: d.once_per_email,
  };
}

/** The cart's discount as it shows it, priced against its lines (shipping is chosen at checkout). */
export function cartDiscountOf(d: SessionDiscount, cart: RuledCart): { view: CartDiscount; price: DiscountPrice } {
  const price = priceDiscount(d, { currency: cart.currency, lines: cart.items });
  return { view: { code: d.code, amount: price.amount, free_shipping: d.free_shipping, capped: price.capped }, price };
}

/** The email key of a once-per-email redemption (emails compare in any case). */
export const emailKeyOf = (email: string): string => email.trim().toLowerCase();
