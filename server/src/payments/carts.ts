/**
 * Carts as the shopper sees them: priced from the catalog on every read, changed under the rules of the
 * store (one currency per cart, quantity limits). The rules are decided here on a read of the cart; the
 * write is a compare-and-set on the cart's version (storage/port.ts), so a concurrent change makes us read
 * and decide again instead of writing over it.
 */
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { CartRecord, CartWithProduct, LineProduct } from '../storage/port';
import type { CartDiscount } from '../wire';
import { cartDiscountOf, discountRefusal, freezeDiscount, type SessionDiscount } from './discount-rules';
import { newCartId } from './ids';
import { checkQuantity, priceLine, totals, type CartLine } from './money';
import { checkAvailable } from './stock';

/** Idle carts are forgotten after this long without a change. */
export const CART_IDLE_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * How stale the idle timer may get before a change renews it: a 30-day expiry needs no millisecond
 * precision, and a quantity change that renews nothing writes one table instead of two.
 */
const TOUCH_EVERY_MS = 60 * 60 * 1000;

/** Different products one cart may hold; far above any basket, a wall for scripts filling carts. */
export const MAX_CART_LINES = 100;

/** How often a write is re-decided after losing a race before giving up (only one shopper writes a cart). */
const WRITE_ATTEMPTS = 8;

/** A cart priced on the server. */
export interface Cart {
  id: string;
  store_id: string;
  currency: string;
  status: 'open' | 'closed';
  /** Grows with every change; a checkout session records the version it froze. */
  version: number;
  items: CartLine[];
  subtotal: number;
  item_count: number;
  /** The store ships and a line is a physical good (see CartView). */
  requires_shipping: boolean;
  free_shipping_over: number | null;
  /** The applied code while it applies (see discount-rules.ts), what it takes off, and the total after it. */
  discount: CartDiscount | null;
  total: number;
  /** What a checkout session freezes of the applied code (null when none applies). */
  applied_discount: SessionDiscount | null;
  /** True when the applied code has a redemption limit: a session reserves one use of it. */
  discount_limited: boolean;
  /** The stored quantity of every line (priced or not), which a checkout session checks it froze. */
  line_quantities: Record<string, number>;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

type CartDeps = Pick<AppDeps, 'storage' | 'clock'>;

/**
 * Prices a stored cart from the catalog as it is now; null once it has expired. Lines whose product went
 * inactive or changed currency drop out; a lowered max_quantity caps old lines.
 */
export function priceCart(record: CartRecord | null, now: number): Cart | null {
  if (!record || isExpired(record, now)) return null;
  const items: CartLine[] = [];
  for (const line of record.lines) {
    const p = line.product;
    if (!p || !p.active || p.currency !== record.currency) continue;
    items.push(priceLine(p, Math.min(line.quantity, p.max_quantity ?? line.quantity)));
  }
  const { subtotal, item_count } = totals(items);
  const shipsAny = record.store_ships && items.some((l) => l.shippable !== false);
  const line_quantities: Record<string, number> = {};
  for (const line of record.lines) line_quantities[line.product_id] = line.quantity;
  const d = record.discount;
  const applied = d && !discountRefusal(d, { currency: record.currency, subtotal, items }, now) ? freezeDiscount(d) : null;
  const discount = applied ? cartDiscountOf(applied, { currency: record.currency, subtotal, items }).view : null;
  return {
    id: record.id,
    store_id: record.store_id,
    currency: record.currency,
    status: record.status,
    version: record.version,
    items,
    subtotal,
    item_count,
    requires_shipping: shipsAny,
    free_shipping_over: shipsAny ? record.free_shipping_over : null,
    discount,
    total: subtotal - (discount?.amount ?? 0),
    applied_discount: applied,
    discount_limited: applied !== null && d!.max_redemptions !== null,
    line_quantities,
    created_at: record.created_at,
    updated_at: record.updated_at,
    expires_at: record.expires_at,
  };
}

/** An idle cart past its expiry is no cart at all (until the sweep deletes it). */
function isExpired(cart: { expires_at: number }, now: number): boolean {
  return cart.expires_at <= now;
}

/** A stored cart that was paid through one of its sessions (closed), as findCart sees it: an expired cart is not. */
export function isPaidCart(cart: { status: 'open' | 'closed'; expires_at: number } | null, now: number): boolean {
  return cart !== null && !isExpired(cart, now) && cart.status === 'closed';
}

/** The currency a store sells in: its catalog's (one per store), or its default before it has a catalog. */
export async function storeCurrency(deps: Pick<AppDeps, 'storage'>, store: { id: string; default_currency: string }): Promise<string> {
  return (await deps.storage.catalog.currencyOf(store.id)) ?? store.default_currency;
}

/** A new, empty cart of the store, in the store's catalog currency. */
export async function createCart(deps: CartDeps, store: { id: string; default_currency: string }): Promise<Cart> {
  const currency = await storeCurrency(deps, store);
  const now = deps.clock.now();
  const record = await deps.storage.carts.create({ id: newCartId(), storeId: store.id, currency, expiresAt: now + CART_IDLE_MS });
  return priceCart(record, now)!;
}

/** Any unexpired cart, open or closed, or null. */
export async function findCart(deps: CartDeps, cartId: string): Promise<Cart | null> {
  return priceCart(await deps.storage.carts.get(cartId), deps.clock.now());
}

/** An open cart; 404 `cart_not_found` (unknown or expired), 409 `cart_closed`. */
export async function getOpenCart(deps: CartDeps, cartId: string): Promise<Cart> {
  return requireOpen(await findCart(deps, cartId));
}

/** A stored cart (read by the caller) priced now, if it is open; the same refusals as getOpenCart. */
export function openCart(record: CartRecord | null, now: number): Cart {
  return requireOpen(priceCart(record, now));
}

function requireOpen(cart: Cart | null): Cart {
  if (!cart) throw errors.cartNotFound();
  if (cart.status !== 'open') throw errors.cartClosed();
  return cart;
}

/** Adds `quantity` of a product (merging with the same product already in the cart). */
export function addItem(deps: CartDeps, cartId: string, productId: string, quantity: number): Promise<Cart> {
  return changeLine(deps, cartId, productId, (current, product) => {
    checkQuantity(quantity, product);
    return current + quantity;
  });
}

/** Sets a line's quantity; 0 removes it. `read`: the cart with the product as the caller already read it (the first attempt's read). */
export function setQuantity(deps: CartDeps, cartId: string, productId: string, quantity: number, read?: Promise<CartWithProduct>): Promise<Cart> {
  if (quantity === 0) return removeItem(deps, cartId, productId);
  return changeLine(deps, cartId, productId, () => quantity, read);
}

/** Removes a line (removing a line that is not there changes nothing but the idle timer). */
export async function removeItem(deps: CartDeps, cartId: string, productId: string): Promise<Cart> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const now = deps.clock.now();
    const record = await deps.storage.carts.get(cartId);
    const cart = requireOpen(priceCart(record, now));
    const change = { cartId, version: cart.version, productId, quantity: 0, currency: cart.currency, expiresAt: now + CART_IDLE_MS, keepVersion: false };
    if (await deps.storage.carts.writeLine(change)) {
      return priceCart(applied(record!, change, now, null), now)!;
    }
  }
  throw errors.internal();
}

/**
 * Reads the cart with the product, decides the line's new quantity with `decide(current, product)`, checks the
 * store's rules and writes it if nothing changed meanwhile; answers the cart as written.
 */
async function changeLine(
  deps: CartDeps,
  cartId: string,
  productId: string,
  decide: (current: number, product: LineProduct) => number,
  read?: Promise<CartWithProduct>,
): Promise<Cart> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const now = deps.clock.now();
    // A read older than this request is never passed in; a write it allowed that lost the race reads again.
    const { cart: record, product } = await (attempt === 0 && read ? read : deps.storage.carts.getWithProduct(cartId, productId));
    const cart = requireOpen(priceCart(record, now));
    if (!product || !product.active) throw errors.productNotFound(productId);
    const current = cart.items.find((l) => l.product_id === productId)?.quantity ?? 0;
    const isNewLine = !record!.lines.some((l) => l.product_id === productId);
    if (isNewLine && record!.lines.length >= MAX_CART_LINES) throw errors.cartFull(MAX_CART_LINES);
    const quantity = decide(current, product);
    checkQuantity(quantity, product);
    checkAvailable(quantity, current, product);
    const currency = cartCurrency(record!, product);
    // A new quantity of a line already there, nothing else changing: one table written (see CartLineWrite).
    const keepVersion = !isNewLine && currency === record!.currency && record!.expires_at - CART_IDLE_MS + TOUCH_EVERY_MS > now;
    const change = {
      cartId,
      version: cart.version,
      productId,
      quantity,
      currency,
      expiresAt: keepVersion ? record!.expires_at : now + CART_IDLE_MS,
      keepVersion,
    };
    if (await deps.storage.carts.writeLine(change)) {
      return priceCart(applied(record!, change, now, product), now)!;
    }
  }
  throw errors.internal();
}

/** One currency per cart: an empty cart takes its first product's currency, any other mismatch is refused. */
function cartCurrency(record: CartRecord, product: LineProduct): string {
  if (product.currency === record.currency) return record.currency;
  if (record.lines.length > 0) throw errors.cartCurrencyMismatch(record.currency, product.id, product.currency);
  return product.currency;
}

/** The cart as the write left it, without reading it again. */
function applied(
  record: CartRecord,
  change: { productId: string; quantity: number; currency: string; expiresAt: number; keepVersion: boolean },
  now: number,
  product: LineProduct | null,
): CartRecord {
  const at = record.lines.findIndex((l) => l.product_id === change.productId);
  let lines = record.lines;
  if (change.quantity === 0) lines = lines.filter((l) => l.product_id !== change.productId);
  else if (at >= 0) lines = lines.map((l, i) => (i === at ? { ...l, quantity: change.quantity, product } : l));
  else lines = [...lines, { product_id: change.productId, quantity: change.quantity, added_at: now, product }];
  if (change.keepVersion) return { ...record, lines };
  return { ...record, lines, currency: change.currency, version: record.version + 1, updated_at: now, expires_at: change.expiresAt };
}
