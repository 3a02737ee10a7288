import { errors } from '../errors';
import type { CartLine } from '../wire';

/** One priced cart line, computed on the server from the catalog (the wire contract's shape). */
export type { CartLine };

/** Largest quantity of one product in a cart unless the product says otherwise. */
export const DEFAULT_MAX_QUANTITY = 99;

/** Stripe's largest amount (8 digits of minor units); a bigger total could never be charged. */
export const MAX_AMOUNT = 99_999_999;

/** What pricing needs to know about a product. */
export interface PricedProduct {
  id: string;
  name: string;
  unit_amount: number;
  max_quantity: number | null;
  /** Absent: ships, weight not given. */
  shippable?: boolean;
  weight_grams?: number | null;
}

/** Refuses anything but an integer from 1 to the product's limit with 422 `invalid_quantity`. */
export function checkQuantity(quantity: number, product: PricedProduct): void {
  const max = product.max_quantity ?? DEFAULT_MAX_QUANTITY;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > max) {
    throw errors.invalidQuantity(max);
  }
}

/** Prices one line; the browser's idea of the price never enters here. */
export function priceLine(product: PricedProduct, quantity: number): CartLine {
  return {
    product_id: product.id,
    name: product.name,
    unit_amount: product.unit_amount,
    quantity,
    line_total: product.unit_amount * quantity,
    shippable: product.shippable !== false,
    weight_grams: product.weight_grams ?? null,
  };
}

/** Sums lines into the cart's totals. */
export function totals(lines: CartLine[]): { subtotal: number; item_count: number } {
  let subtotal = 0;
  let itemCount = 0;
  for (const line of lines) {
    subtotal += line.line_total;
    itemCount += line.quantity;
  }
  return { subtotal, item_count: itemCount };
}
