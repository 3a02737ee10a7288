/**
 * The limits of a discount code inside other use-cases' transactions: a session reserves a use when it opens
 * (checkouts.create), an order redeems it when it is recorded (orders.recordPaid). Both first read the
 * discount's row forUpdate: on PostgreSQL concurrent reservers and redeemers of one code, on any instance,
 * run one after the other (READ COMMITTED: each then counts what the previous one committed); on SQLite the
 * transaction already excludes every other writer (BEGIN IMMEDIATE, also across processes on one file).
 *
 * Why reserve at session creation rather than check at payment: the limit then holds before money moves. A
 * check at payment could only refuse a shopper whose card is already charged; here the 21st of 20 racing
 * shoppers is told `discount_exhausted` before paying. A reservation lasts as long as its session, so an
 * abandoned checkout frees its use when the session expires.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../db/dialect';
import type { Database } from '../db/schema';

/** What a session froze of its discount (payments/discount-rules.ts SessionDiscount), as far as limits go. */
interface FrozenDiscount {
  id: string;
  once_per_email: boolean;
}

const lockDiscount = (trx: Kysely<Database>, dialect: Dialect, id: string) =>
  dialect.forUpdate(trx.selectFrom('discounts').select(['times_redeemed', 'max_redemptions']).where('id', '=', id)).executeTakeFirst();

/**
 * Reserves one use of a limited discount for the cart until `expiresAt`: true when redemptions plus the
 * unexpired reservations of other carts leave room (the cart's own reservation is renewed, never doubled), or
 * the code has no limit (nothing is written then); false when the code is used up or gone.
 */
export async function reserveDiscount(
  trx: Kysely<Database>,
  dialect: Dialect,
  r: { discountId: string; cartId: string; expiresAt: number; now: number },
): Promise<boolean> {
  const d = await lockDiscount(trx, dialect, r.discountId);
  if (!d) return false;
  if (d.max_redemptions === null) return true;
  const held = await trx
    .selectFrom('discount_reservations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('discount_id', '=', r.discountId)
    .where('expires_at', '>', r.now)
    .where('cart_id', '!=', r.cartId)
    .executeTakeFirstOrThrow();
  if (d.times_redeemed + Number(held.n) >= d.max_redemptions) return false;
  await trx
    .insertInto('discount_reservations')
    .values({ cart_id: r.cartId, discount_id: r.discountId, expires_at: r.expiresAt, created_at: r.now })
    .onConflict((oc) => oc.column('cart_id').doUpdateSet((eb) => ({ discount_id: eb.ref('excluded.discount_id'), expires_at: eb.ref('excluded.expires_at') })))
    .execute();
  return true;
}

/**
 * Counts the order's use of its session's discount, in the order's own transaction: one redemption row per
 * (discount, order), so recording an order twice counts once, and `times_redeemed + 1` with it; the cart's
 * reservation is released. The order is never refused here (the shopper has paid the price shown): a use past
 * the limit (its reservation expired and others took the room) is stored with `over_limit = 'exhausted'`, a
 * second order of one email on a once-per-email code with `'email_reused'`.
 */
export async function redeemDiscount(
  trx: Kysely<Database>,
  dialect: Dialect,
  o: { discountJson: string | null; cartId: string; orderId: string; storeId: string; email: string | null; now: number },
): Promise<void> {
  if (!o.discountJson) return;
  const frozen = JSON.parse(o.discountJson) as FrozenDiscount;
  const d = await lockDiscount(trx, dialect, frozen.id);
  await trx.deleteFrom('discount_reservations').where('cart_id', '=', o.cartId).execute();
  if (!d) return;
  const emailKey = frozen.once_per_email && o.email ? o.email.trim().toLowerCase() : null;
  const row = {
    discount_id: frozen.id,
    order_id: o.orderId,
    store_id: o.storeId,
    created_at: o.now,
    over_limit: d.max_redemptions !== null && d.times_redeemed >= d.max_redemptions ? 'exhausted' : null,
  };
  // Any unique key: (discount, order) means counted already; (discount, email) means this email used it before.
  const insert = (values: typeof row & { email_key: string | null }) =>
    trx
      .insertInto('discount_redemptions')
      .values(values)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
  let inserted = (await insert({ ...row, email_key: emailKey })).numInsertedOrUpdatedRows === 1n;
  if (!inserted && emailKey !== null) {
    inserted = (await insert({ ...row, email_key: null, over_limit: 'email_reused' })).numInsertedOrUpdatedRows === 1n;
  }
  if (inserted)
    await trx
      .updateTable('discounts')
      .set((eb) => ({ times_redeemed: eb('times_redeemed', '+', 1) }))
      .where('id', '=', frozen.id)
      .execute();
}

/** Whether `email` already redeemed the discount (once-per-email codes; emails compare in any case). */
export async function redeemedByEmail(db: Kysely<Database>, discountId: string, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('discount_redemptions')
    .select('order_id')
    .where('discount_id', '=', discountId)
    .where('email_key', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}
