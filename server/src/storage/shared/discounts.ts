import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../clock';
import type { Dialect } from '../db/dialect';
import type { Database, DiscountsTable } from '../db/schema';
import type { Discount, DiscountsRepository, DiscountTerms } from '../port';
import { redeemedByEmail, reserveDiscount } from './discount-limits';

/** Codes are ASCII (letters, digits, - and _), so upper-casing is the whole of "any case". */
const keyOf = (code: string) => code.toUpperCase();

/**
 * Discount codes. Every method is ONE statement, atomic on its own on both engines, so none needs a
 * transaction (and each may run over a connection another adapter shares):
 * - create: `INSERT … ON CONFLICT (store_id, code_key) DO NOTHING`; the unique key decides a race of two
 *   creates of one code (in any case), the loser is answered `code_taken`.
 * - update: `UPDATE … WHERE version = ? RETURNING`, a compare-and-set: on PostgreSQL a concurrent edit waits
 *   on the row lock and re-checks the version against the committed row, so of two edits made from one
 *   version exactly one is written; the counters are never part of an edit, so a redemption is never undone.
 */
export function createDiscountsRepository(db: Kysely<Database>, dialect: Dialect, clock: Clock): DiscountsRepository {
  const toDiscount = (r: Selectable<DiscountsTable>): Discount => ({
    id: r.id,
    store_id: r.store_id,
    code: r.code,
    percent_off: r.percent_off,
    amount_off: r.amount_off,
    currency: r.currency,
    min_subtotal: r.min_subtotal,
    product_ids: r.product_ids === null ? null : (JSON.parse(r.product_ids) as string[]),
    starts_at: r.starts_at,
    ends_at: r.ends_at,
    max_redemptions: r.max_redemptions,
    once_per_email: dialect.isTrue(r.once_per_email),
    free_shipping: dialect.isTrue(r.free_shipping),
    active: dialect.isTrue(r.active),
    times_redeemed: r.times_redeemed,
    version: r.version,
    created_at: r.created_at,
    updated_at: r.updated_at,
  });
  const termColumns = (t: DiscountTerms) => ({
    percent_off: t.percent_off,
    amount_off: t.amount_off,
    currency: t.currency,
    min_subtotal: t.min_subtotal,
    product_ids: t.product_ids === null ? null : JSON.stringify(t.product_ids),
    starts_at: t.starts_at,
    ends_at: t.ends_at,
    max_redemptions: t.max_redemptions,
    once_per_email: dialect.bool(t.once_per_email),
    free_shipping: dialect.bool(t.free_shipping),
    active: dialect.bool(t.active),
  });
  const ofStore = (storeId: string) => db.selectFrom('discounts').selectAll().where('store_id', '=', storeId);

  return {
    create: async (input) => {
      const now = clock.now();
      const row = await db
        .insertInto('discounts')
        .values({
          id: input.id,
          store_id: input.store_id,
          code: input.code,
          code_key: keyOf(input.code),
          ...termColumns(input),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['store_id', 'code_key']).doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? { ok: true, discount: toDiscount(row) } : { ok: false, reason: 'code_taken' };
    },
    list: async (storeId) => (await ofStore(storeId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map(toDiscount),
    get: async (storeId, id) => {
      const row = await ofStore(storeId).where('id', '=', id).executeTakeFirst();
      return row ? toDiscount(row) : null;
    },
    getByCode: async (storeId, code) => {
      const row = await ofStore(storeId).where('code_key', '=', keyOf(code)).executeTakeFirst();
      return row ? toDiscount(row) : null;
    },
    redeemedByEmail: (discountId, email) => redeemedByEmail(db, discountId, email),
    reserve: (discountId, cartId, expiresAt) =>
      dialect.transaction(db, (trx) => reserveDiscount(trx, dialect, { discountId, cartId, expiresAt, now: clock.now() })),
    release: async (cartId, discountId) =>
      void (await db.deleteFrom('discount_reservations').where('cart_id', '=', cartId).where('discount_id', '=', discountId).execute()),
    update: async (storeId, id, version, terms) => {
      const row = await db
        .updateTable('discounts')
        .set((eb) => ({ ...termColumns(terms), version: eb('version', '+', 1), updated_at: clock.now() }))
        .where('store_id', '=', storeId)
        .where('id', '=', id)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirst();
      return row ? toDiscount(row) : null;
    },
  };
}
