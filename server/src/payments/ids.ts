import { createHash, randomBytes } from 'node:crypto';

/** Cart ids are capabilities: 128 random bits, URL-safe, with a readable prefix. */
export function newCartId(): string {
  return `cart_${randomBytes(16).toString('base64url')}`;
}

/** A well-formed cart id (so junk never reaches the database). */
export const CART_ID_PATTERN = /^cart_[A-Za-z0-9_-]{22}$/;

/** A checkout token: 256 random bits, URL-safe; only its SHA-256 is stored. */
export function newCheckoutToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A well-formed checkout token. */
export const CHECKOUT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The form a token is stored and looked up in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** An opaque id for rows nobody needs to guess (checkouts, orders, discounts): prefix + 96 random bits. */
export function newId(prefix: 'chk' | 'ord' | 'disc'): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/**
 * The Idempotency-Key for the one PaymentIntent of a checkout session. Derived, not random, so every
 * retry, reload, double click or restarted server sends the same key and Stripe answers with the same
 * intent instead of making another.
 */
export function paymentIntentIdempotencyKey(checkoutId: string): string {
  return `checkout-best:payment-intent:${checkoutId}`;
}
