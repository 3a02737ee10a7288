import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import { LOCKS, type Dialect } from '../db/dialect';
import type { Database } from '../db/schema';

/**
 * Stock and its reservations, the statements the catalog, checkouts and orders repositories run inside their own
 * transactions. Available = stock − the quantity of unexpired reservations; an expired reservation stops counting
 * on its own (the sweep deletes it later), so nothing has to run at the moment a session expires.
 *
 * Why no oversell across instances: a reservation is ONE conditional INSERT … SELECT … WHERE stock − held ≥ n.
 * On PostgreSQL (READ COMMITTED) two such statements could each miss the other's uncommitted row, so every
 * writer of a product's reservations or sales first takes `dialect.lock(LOCKS.stock, store/product)` (held to
 * COMMIT; products in id order, after the cart's row lock, so two transactions never wait on each other in a
 * circle); the next statement after the lock sees what the previous holder committed. On SQLite the transaction
 * holds the only connection. A merchant's `adjust` is one relative UPDATE (stock = stock + n WHERE stock + n ≥ 0),
 * atomic per row, so it never overwrites a concurrent sale, nor a sale it.
 */

/** The quantity held by unexpired reservations of one product (optionally not counting one cart's or one session's). */
export function heldExpr(
  store: Expression<string>,
  product: Expression<string>,
  now: Expression<number> | number,
  except?: { cart?: Expression<string>; checkout?: string },
): RawBuilder<number> {
  const notCart = except?.cart ? sql`AND r.cart_id <> ${except.cart}` : sql``;
  const notCheckout = except?.checkout ? sql`AND r.checkout_id <> ${except.checkout}` : sql``;
  return sql<number>`(SELECT COALESCE(SUM(r.quantity), 0) FROM stock_reservations r
    WHERE r.store_id = ${store} AND r.product_id = ${product} AND r.expires_at > ${now} ${notCart} ${notCheckout})`;
}

/** One line of a checkout session, as stock sees it. */
export interface StockLine {
  product_id: string;
  quantity: number;
}

/**
 * The lines whose product keeps stock (one statement; a store without stock pays nothing more), sorted by product
 * id: the order every transaction takes the products' locks in.
 */
async function stockedLines(trx: Kysely<Database>, storeId: string, lines: StockLine[]): Promise<StockLine[]> {
  if (lines.length === 0) return [];
  const rows = await trx
    .selectFrom('products')
    .select('id')
    .where('store_id', '=', storeId)
    .where(
      'id',
      'in',
      lines.map((l) => l.product_id),
    )
    .where('stock', 'is not', null)
    .execute();
  const stocked = new Set(rows.map((r) => r.id));
  return lines.filter((l) => stocked.has(l.product_id)).sort((a, b) => (a.product_id < b.product_id ? -1 : a.product_id > b.product_id ? 1 : 0));
}

const lockProduct = (trx: Kysely<Database>, dialect: Dialect, storeId: string, productId: string) => dialect.lock(trx, LOCKS.stock, `${storeId}/${productId}`);

/**
 * Reserves every stocked line for the session; the cart's earlier reservations (older sessions of the same cart)
 * are replaced first. Answers the first line that cannot be held, with what is available of it (the caller
 * rolls back), or null when every stocked line is held.
 */
export async function reserveLines(
  trx: Kysely<Database>,
  dialect: Dialect,
  r: { checkoutId: string; storeId: string; cartId: string; lines: StockLine[]; expiresAt: number; now: number },
): Promise<{ productId: string; available: number } | null> {
  await trx.deleteFrom('stock_reservations').where('cart_id', '=', r.cartId).execute();
  for (const line of await stockedLines(trx, r.storeId, r.lines)) {
    await lockProduct(trx, dialect, r.storeId, line.product_id);
    const inserted = await trx
      .insertInto('stock_reservations')
      .columns(['checkout_id', 'store_id', 'product_id', 'cart_id', 'quantity', 'expires_at'])
      .expression((eb) =>
        eb
          .selectFrom('products as p')
          .select([
            sql.val(r.checkoutId).as('c'),
            'p.store_id',
            'p.id',
            sql.val(r.cartId).as('k'),
            sql.val(line.quantity).as('q'),
            sql.val(r.expiresAt).as('e'),
          ])
          .where('p.store_id', '=', r.storeId)
          .where('p.id', '=', line.product_id)
          .where('p.stock', 'is not', null)
          .where(sql<boolean>`p.stock - ${heldExpr(sql.ref('p.store_id'), sql.ref('p.id'), r.now)} >= ${line.quantity}`),
      )
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows) === 1) continue;
    const p = await trx
      .selectFrom('products as p')
      .select((eb) => ['p.stock', eb(sql<number>`p.stock`, '-', heldExpr(sql.ref('p.store_id'), sql.ref('p.id'), r.now)).as('available')])
      .where('p.store_id', '=', r.storeId)
      .where('p.id', '=', line.product_id)
      .executeTakeFirst();
    // Made unlimited (or removed) since the first read: nothing to hold.
    if (!p || p.stock === null) continue;
    return { productId: line.product_id, available: Math.max(0, Number(p.available)) };
  }
  return null;
}

/** Releases a session's reservations (superseded, its intent canceled). */
export async function releaseCheckout(q: Kysely<Database>, checkoutId: string): Promise<void> {
  await q.deleteFrom('stock_reservations').where('checkout_id', '=', checkoutId).execute();
}

/**
 * Turns a paid session's lines into a sale: stock −= quantity, its reservations deleted. A line whose units
 * were held by nobody else's live reservation and are there is an ordinary sale; otherwise (its own reservation
 * lapsed and the stock went to someone else, or the merchant lowered it) the sale is recorded anyway, stock
 * floored at 0, and the answer is true: the order is `oversold`.
 */
export async function sellLines(
  trx: Kysely<Database>,
  dialect: Dialect,
  s: { checkoutId: string; storeId: string; lines: StockLine[]; now: number },
): Promise<boolean> {
  let oversold = false;
  for (const line of await stockedLines(trx, s.storeId, s.lines)) {
    await lockProduct(trx, dialect, s.storeId, line.product_id);
    const product = trx.updateTable('products').where('store_id', '=', s.storeId).where('id', '=', line.product_id).where('stock', 'is not', null);
    const sold = await product
      .set((eb) => ({ stock: eb('stock', '-', line.quantity) }))
      .where(sql<boolean>`stock - ${line.quantity} >= ${heldExpr(sql.ref('products.store_id'), sql.ref('products.id'), s.now, { checkout: s.checkoutId })}`)
      .executeTakeFirst();
    if (sold.numUpdatedRows === 1n) continue;
    const floored = await product.set((eb) => ({ stock: dialect.greatest(sql<number>`stock - ${line.quantity}`, eb.val(0)) })).executeTakeFirst();
    if (floored.numUpdatedRows === 1n) oversold = true;
  }
  await releaseCheckout(trx, s.checkoutId);
  return oversold;
}
