import { usableConnection } from '../connect/connection';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { Checkout } from '../storage/port';
import type { CheckoutSession, CheckoutView } from '../wire';
import { getOpenCart } from './carts';
import { CHECKOUT_TOKEN_PATTERN, hashToken, newCheckoutToken, newId } from './ids';
import { detailsView } from './details';
import { MAX_AMOUNT } from './money';
import { requiresShipping } from './shipping';

/** How long a checkout token works unless the caller says otherwise. */
export const CHECKOUT_TTL_MS = 30 * 60 * 1000;

/** Attempts to freeze a cart that keeps changing under us (one shopper: practically always the first). */
const FREEZE_ATTEMPTS = 8;

/**
 * Unexpired sessions one cart may have at once. A shopper opens one per Checkout press (a few, with tabs);
 * a flood from one cart is stopped here before it costs a PaymentIntent.
 */
export const MAX_LIVE_SESSIONS_PER_CART = 20;

/** Opens a checkout session for an open cart: freezes its lines and amount and issues a fresh token. */
export async function openCheckout(
  deps: Pick<AppDeps, 'storage' | 'config' | 'clock'>,
  cartId: string,
  ttlMs = CHECKOUT_TTL_MS,
): Promise<CheckoutSession & { checkout: Checkout }> {
  for (let attempt = 0; attempt < FREEZE_ATTEMPTS; attempt++) {
    const cart = await getOpenCart(deps, cartId);
    const conn = await usableConnection(deps, cart.store_id);
    if (!conn) throw errors.storeNotConnected();
    if (cart.items.length === 0) throw errors.cartEmpty();
    if (cart.subtotal > MAX_AMOUNT) throw errors.cartTooLarge();
    const token = newCheckoutToken();
    const created = await deps.storage.checkouts.create({
      id: newId('chk'),
      tokenHash: hashToken(token),
      storeId: cart.store_id,
      cartId,
      cartVersion: cart.version,
      lineQuantities: cart.line_quantities,
      lines: cart.items,
      subtotal: cart.subtotal,
      amount: cart.total,
      discount: cart.applied_discount && cart.discount ? { frozen: cart.applied_discount, amount: cart.discount.amount, limited: cart.discount_limited } : null,
      currency: cart.currency,
      livemode: conn.livemode,
      accountId: conn.account_id,
      expiresAt: deps.clock.now() + ttlMs,
      maxLivePerCart: MAX_LIVE_SESSIONS_PER_CART,
    });
    // The cart changed between our read and the write: freeze what it is now instead.
    if (created.status === 'cart_changed') continue;
    if (created.status === 'out_of_stock') throw errors.outOfStock(created.productId, created.available);
    // The cart showed the code, but its last uses went to other carts' sessions meanwhile.
    if (created.status === 'discount_exhausted') throw errors.discountExhausted();
    if (created.status === 'limit_reached') {
      throw errors.tooManyCheckouts(Math.max(1, Math.ceil((created.retryAt - deps.clock.now()) / 1000)));
    }
    const { checkout } = created;
    return {
      token,
      url: `${deps.config.publicUrl}/checkout/${token}`,
      expires_at: new Date(checkout.expires_at).toISOString(),
      checkout,
    };
  }
  throw errors.internal();
}

/** Finds the session a token opens: 404 for junk or unknown tokens (expiry is the caller's call). */
export async function findCheckout(deps: Pick<AppDeps, 'storage'>, token: string): Promise<Checkout> {
  if (!CHECKOUT_TOKEN_PATTERN.test(token)) throw errors.checkoutNotFound();
  const checkout = await deps.storage.checkouts.findByTokenHash(hashToken(token));
  if (!checkout) throw errors.checkoutNotFound();
  return checkout;
}

/** True when the session can no longer start a payment (a paid session is never "expired"). */
export function isExpired(deps: Pick<AppDeps, 'clock'>, checkout: Checkout): boolean {
  return checkout.status === 'open' && checkout.expires_at <= deps.clock.now();
}

/** A session that may still start or resume a payment: 410 once its time is up. */
export async function findLiveCheckout(deps: Pick<AppDeps, 'storage' | 'clock'>, token: string): Promise<Checkout> {
  return requireLive(deps, await findCheckout(deps, token));
}

/** The session of a token the caller already looked up (null: none), if it is live: 404 and 410 as findLiveCheckout. */
export function requireLive(deps: Pick<AppDeps, 'clock'>, checkout: Checkout | null): Checkout {
  if (!checkout) throw errors.checkoutNotFound();
  if (isExpired(deps, checkout)) throw errors.checkoutExpired();
  return checkout;
}

/** The view of a live (or paid) checkout session. */
export async function checkoutView(deps: Pick<AppDeps, 'storage'>, checkout: Checkout): Promise<CheckoutView> {
  const [store, conn, order] = await Promise.all([
    deps.storage.stores.get(checkout.store_id),
    usableConnection(deps, checkout.store_id),
    checkout.order_id ? deps.storage.orders.get(checkout.order_id) : null,
  ]);
  const shipping = requiresShipping(store?.shipping ?? null, checkout.lines);
  return {
    store: { id: checkout.store_id, name: store?.name ?? '' },
    items: checkout.lines,
    amount: checkout.amount,
    currency: checkout.currency,
    requires_shipping: shipping,
    shipping_countries: shipping ? store!.shipping!.countries : [],
    details: detailsView(store, checkout),
    // The key the session was made for; null if the store was disconnected or switched mode since.
    publishable_key: conn && conn.livemode === checkout.livemode ? conn.publishable_key : null,
    is_live_mode: checkout.livemode,
    status: checkout.status,
    expires_at: new Date(checkout.expires_at).toISOString(),
    ...(order ? { order } : {}),
  };
}

/** Loads the view of a checkout session by token; 404 unknown, 410 expired and unpaid. */
export async function loadCheckoutView(deps: Pick<AppDeps, 'storage' | 'clock'>, token: string): Promise<CheckoutView> {
  return checkoutView(deps, await findLiveCheckout(deps, token));
}
