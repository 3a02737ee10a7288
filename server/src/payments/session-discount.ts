/**
 * The discount of a checkout session after a details change: the code the change names (checked against the
 * session's frozen lines, and reserved when it has a limit), none when it says null, else the one it has. A
 * once-per-email code is refused for an email that already redeemed it, whenever either of them changes.
 */
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { Checkout } from '../storage/port';
import { discountRefusal, freezeDiscount, type SessionDiscount } from './discount-rules';
import { DISCOUNT_CODE_PATTERN } from './discounts';

type Deps = Pick<AppDeps, 'storage' | 'clock'>;

/** Decides the session's discount for a change of `{ email?, discount_code? }`; refusals name `discount_code` (or `email`). */
export async function sessionDiscountAfter(
  deps: Deps,
  checkout: Checkout,
  input: { email?: string; discount_code?: string | null },
): Promise<SessionDiscount | null> {
  let discount = checkout.discount;
  if (input.discount_code === null) return null;
  if (input.discount_code !== undefined) discount = await appliedCode(deps, checkout, input.discount_code);
  const email = input.email ?? checkout.details.email;
  if (discount?.once_per_email && email && (await deps.storage.discounts.redeemedByEmail(discount.id, email))) {
    throw errors.discountAlreadyUsed().about(input.discount_code !== undefined ? 'discount_code' : 'email');
  }
  return discount;
}

async function appliedCode(deps: Deps, checkout: Checkout, code: string): Promise<SessionDiscount> {
  const typed = code.trim();
  const found = DISCOUNT_CODE_PATTERN.test(typed) ? await deps.storage.discounts.getByCode(checkout.store_id, typed) : null;
  if (!found) throw errors.discountCodeUnknown().about('discount_code');
  if (checkout.discount?.id === found.id) return checkout.discount;
  const refusal = discountRefusal(found, { currency: checkout.currency, subtotal: checkout.subtotal, items: checkout.lines }, deps.clock.now());
  if (refusal) throw refusal.about('discount_code');
  if (found.max_redemptions !== null && !(await deps.storage.discounts.reserve(found.id, checkout.cart_id, checkout.expires_at))) {
    throw errors.discountExhausted().about('discount_code');
  }
  return freezeDiscount(found);
}
