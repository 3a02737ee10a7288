/**
 * A shopper applies a discount code to a cart or removes it. The rules (discount-rules.ts) decide on a read of
 * the cart; the cart remembers the code by a compare-and-set on its version, so a checkout session opened
 * meanwhile never freezes another code than the one it priced. A code is matched in any case.
 */
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import { getOpenCart, priceCart, type Cart } from './carts';
import { DISCOUNT_CODE_PATTERN } from './discounts';
import { discountRefusal } from './discount-rules';

type Deps = Pick<AppDeps, 'storage' | 'clock'>;

/** How often a write is re-decided after losing a race (only one shopper writes a cart). */
const WRITE_ATTEMPTS = 8;

/** `POST /api/carts/:id/discount`: the code, as typed (trimmed; anything that cannot be a code is simply not found). */
export const applyDiscountBody = z.strictObject({ code: z.string().max(100) });

/**
 * Applies `code` to the open cart: 422 `discount_not_found` for a code the store does not have (or has
 * deactivated), `discount_expired`, `discount_exhausted`, `discount_minimum_not_met` (with the amount
 * missing) or `discount_not_applicable`; nothing is stored when refused. Answers the repriced cart.
 */
export async function applyDiscount(deps: Deps, cartId: string, code: string): Promise<Cart> {
  const typed = code.trim();
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const cart = await getOpenCart(deps, cartId);
    const discount = DISCOUNT_CODE_PATTERN.test(typed) ? await deps.storage.discounts.getByCode(cart.store_id, typed) : null;
    if (!discount) throw errors.discountCodeUnknown().about('code');
    const refusal = discountRefusal(discount, cart, deps.clock.now());
    if (refusal) throw refusal.about('code');
    if (await deps.storage.carts.setDiscount(cartId, cart.version, discount.id)) return reread(deps, cartId);
  }
  throw errors.internal();
}

/** Removes the cart's code (removing none changes nothing but the version). */
export async function removeDiscount(deps: Deps, cartId: string): Promise<Cart> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const cart = await getOpenCart(deps, cartId);
    if (await deps.storage.carts.setDiscount(cartId, cart.version, null)) return reread(deps, cartId);
  }
  throw errors.internal();
}

async function reread(deps: Deps, cartId: string): Promise<Cart> {
  const cart = priceCart(await deps.storage.carts.get(cartId), deps.clock.now());
  if (!cart) throw errors.cartNotFound();
  return cart;
}
