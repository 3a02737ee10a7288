import type { AppDeps } from '../app';
import { AppError } from '../errors';
import { storeNotConnected } from '../stripe/merchant';
import type { Checkout, Order, StripeConnection } from '../storage';
import type { CartLine } from './money';
import { CHECKOUT_TOKEN_PATTERN, hashToken, newCheckoutToken } from './ids';

/** How long a checkout token works unless the caller says otherwise. */
export const CHECKOUT_TTL_MS = 30 * 60 * 1000;

const notFound = () => new AppError('checkout_not_found', 404, 'Checkout session not found');
const expired = () => new AppError('checkout_expired', 410, 'This checkout session has expired; start again from the store');

/** The store's connection when it can take payments now (keys stored and not known to be invalid). */
export function usableConnection(deps: Pick<AppDeps, 'storage'>, storeId: string): StripeConnection | null {
  const conn = deps.storage.stores.getConnection(storeId);
  return conn && conn.key_status === 'valid' ? conn : null;
}

/** Opens a checkout session for an open cart: freezes its lines and amount and issues a fresh token. */
export function openCheckout(
  deps: Pick<AppDeps, 'storage' | 'config'>,
  cartId: string,
  ttlMs = CHECKOUT_TTL_MS,
): { token: string; url: string; expires_at: string; checkout: Checkout } {
  const cart = deps.storage.carts.get(cartId);
  const conn = usableConnection(deps, cart.store_id);
  if (!conn) throw storeNotConnected();
  const token = newCheckoutToken();
  const checkout = deps.storage.checkouts.create({ cartId, tokenHash: hashToken(token), ttlMs, livemode: conn.livemode });
  return {
    token,
    url: `${deps.config.publicUrl}/checkout/${token}`,
    expires_at: new Date(checkout.expires_at).toISOString(),
    checkout,
  };
}

/** Finds the session a token opens: 404 for junk or unknown tokens (expiry is the caller's call). */
export function findCheckout(deps: Pick<AppDeps, 'storage'>, token: string): Checkout {
  if (!CHECKOUT_TOKEN_PATTERN.test(token)) throw notFound();
  const checkout = deps.storage.checkouts.findByTokenHash(hashToken(token));
  if (!checkout) throw notFound();
  return checkout;
}

/** True when the session can no longer start a payment (a paid session is never "expired"). */
export function isExpired(deps: Pick<AppDeps, 'clock'>, checkout: Checkout): boolean {
  return checkout.status === 'open' && checkout.expires_at <= deps.clock.now();
}

/** A session that may still start or resume a payment: 410 once its time is up. */
export function findLiveCheckout(deps: Pick<AppDeps, 'storage' | 'clock'>, token: string): Checkout {
  const checkout = findCheckout(deps, token);
  if (isExpired(deps, checkout)) throw expired();
  return checkout;
}

/** What the checkout page shows; exported for the HTML page (`GET /checkout/:token`). */
export interface CheckoutView {
  store: { id: string; name: string };
  items: CartLine[];
  amount: number;
  currency: string;
  publishable_key: string | null;
  is_live_mode: boolean;
  status: 'open' | 'paid';
  expires_at: string;
  order?: Order;
}

/** Loads the view of a checkout session by token; 404 unknown, 410 expired and unpaid. */
export function loadCheckoutView(deps: Pick<AppDeps, 'storage' | 'clock'>, token: string): CheckoutView {
  const checkout = findLiveCheckout(deps, token);
  const store = deps.storage.stores.get(checkout.store_id);
  const conn = usableConnection(deps, checkout.store_id);
  const order = checkout.order_id ? deps.storage.orders.get(checkout.order_id) : null;
  return {
    store: { id: checkout.store_id, name: store?.name ?? '' },
    items: checkout.lines,
    amount: checkout.amount,
    currency: checkout.currency,
    // The key the session was made for; null if the store was disconnected or switched mode since.
    publishable_key: conn && conn.livemode === checkout.livemode ? conn.publishable_key : null,
    is_live_mode: checkout.livemode,
    status: checkout.status,
    expires_at: new Date(checkout.expires_at).toISOString(),
    ...(order ? { order } : {}),
  };
}
