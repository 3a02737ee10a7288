/**
 * The cart widget's English texts, the ones widget.js carries, and the helpers that pick an error's text.
 * Other languages are JSON files next to this one (widget-de.json), built into their own content-hashed
 * assets: a page fetches only its own language (~0.5 KB gzip each, of widget.js's 12 KB budget), as Stripe
 * Checkout and Shopify ship their locales. Product names come from the server and are never translated.
 */
import type { ApiError, CartItem } from '../net/client';
import { fill } from './index';

/**
 * English: built into widget.js, and what any text a language file lacks falls back to. The refusals of a
 * discount code (and rate_limited), and network_error, are the client's or server's own English messages, which name the amounts; other
 * languages translate them in their files.
 */
export const en = {
  cart: 'Your cart',
  openCart: 'Open cart',
  cartCount: '{n} items in cart',
  cartCountOne: '1 item in cart',
  close: 'Close',
  empty: 'Your cart is empty',
  emptyHint: 'Items you add will show up here.',
  subtotal: 'Subtotal',
  note: 'Taxes included. Secure payment by Stripe.',
  shipAtCheckout: 'Shipping calculated at checkout.',
  freeShipLeft: 'Add {amount} for free shipping.',
  checkout: 'Checkout',
  remove: 'Remove',
  removeItem: 'Remove {name} from cart',
  decrease: 'Decrease quantity of {name}',
  increase: 'Increase quantity of {name}',
  quantityOf: 'Quantity of {name}',
  each: '{price} each',
  added: '{name} added to cart. {n} items in cart.',
  removed: '{name} removed from cart.',
  updated: 'Cart updated. {n} items in cart.',
  loading: 'Loading your cart…',
  retry: 'Try again',
  checkoutTitle: 'Secure checkout',
  openNewTab: 'Open in a new tab',
  adminTitle: 'Connect payments',
  connected: 'Stripe connected.',
  code: 'Discount code',
  apply: 'Apply',
  total: 'Total',
  soldOut: 'Sold out',
  left: 'Only {n} left',
  error_out_of_stock: 'Only {n} of {name} left.',
  error_store_not_connected: 'Store not connected to Stripe. The shop cannot take payments yet.',
  error_product_not_found: 'This product is not available any more.',
  error_default: 'Something went wrong. Please try again.',
};

/** The keys every language provides. */
export type WidgetText = typeof en;

/** The text to show for an API error: ours for known codes (with `values` filled in), else the server's own message. */
export function errorText(t: WidgetText, code: string, serverMessage: string, values?: Record<string, string | number>): string {
  const known = (t as Record<string, string>)['error_' + code];
  if (known) return fill(known, values);
  // `http_503` and the like: no JSON answer (a proxy or a server down), so "Request failed (503)" would mean nothing to a shopper.
  return (!code.startsWith('http_') && serverMessage) || t.error_default;
}

/**
 * The text for a failed cart operation. An out_of_stock refusal names the product (from the cart's lines when it
 * is there) and what is left of it, or that it is sold out.
 */
export function failureText(t: WidgetText, e: ApiError, items: CartItem[] = []): string {
  const { available: n, product_id: id = '' } = e.info;
  const name = items.find((i) => i.product_id === id)?.name ?? id;
  return n === 0 ? `${name}: ${t.soldOut}` : errorText(t, e.code, e.message, { n: n!, name });
}
