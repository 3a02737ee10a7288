import type { Clock } from '../../clock';
import type { CartLineRecord, CartRecord, CartsRepository, Product } from '../port';
import { run, type SqliteDatabase } from './db';

/** One row of the whole-cart read: the cart's columns, then one line and its product (nulls without lines). */
interface WholeRow {
  store_id: string;
  currency: string;
  status: CartRecord['status'];
  version: number;
  created_at: number;
  updated_at: number;
  expires_at: number;
  product_id: string | null;
  quantity: number | null;
  added_at: number | null;
  line_seq: number | null;
  p_name: string | null;
  p_description: string | null;
  p_unit_amount: number | null;
  p_currency: string | null;
  p_image_url: string | null;
  p_active: number | null;
  p_max_quantity: number | null;
}

/** A whole-cart row with the product a write is about (`t_…`, nulls when the store has no such product). */
interface WriteRow extends WholeRow {
  t_id: string | null;
  t_name: string | null;
  t_description: string | null;
  t_unit_amount: number | null;
  t_currency: string | null;
  t_image_url: string | null;
  t_active: number | null;
  t_max_quantity: number | null;
}

const CART_COLUMNS = `c.store_id, c.currency, c.status, c.version, c.created_at, c.updated_at, c.expires_at,
  ci.product_id, ci.quantity, ci.added_at, ci.rowid AS line_seq,
  p.name AS p_name, p.description AS p_description, p.unit_amount AS p_unit_amount, p.currency AS p_currency,
  p.image_url AS p_image_url, p.active AS p_active, p.max_quantity AS p_max_quantity`;
const LINES_JOIN = `LEFT JOIN cart_items ci ON ci.cart_id = c.id
  LEFT JOIN products p ON p.store_id = c.store_id AND p.id = ci.product_id`;

/** Carts over SQLite: rows in, rows out; pricing is the domain's (payments/carts.ts). */
export function createCartsRepository(db: SqliteDatabase, clock: Clock): CartsRepository {
  const q = {
    insert: db.prepare(`INSERT INTO carts (id, store_id, currency, status, version, created_at, updated_at, expires_at)
                        VALUES (?, ?, ?, 'open', 0, ?, ?, ?)`),
    storeOf: db.prepare('SELECT store_id FROM carts WHERE id = ?').pluck(),
    // The whole cart in one statement: GET /api/carts/:id is the hottest request the server answers.
    whole: db.prepare(`SELECT ${CART_COLUMNS} FROM carts c ${LINES_JOIN} WHERE c.id = ?`),
    // What a write needs in one statement: the whole cart and, on every row, the product being written.
    wholeWithProduct: db.prepare(`SELECT ${CART_COLUMNS},
        t.id AS t_id, t.name AS t_name, t.description AS t_description, t.unit_amount AS t_unit_amount,
        t.currency AS t_currency, t.image_url AS t_image_url, t.active AS t_active, t.max_quantity AS t_max_quantity
      FROM carts c LEFT JOIN products t ON t.store_id = c.store_id AND t.id = ? ${LINES_JOIN} WHERE c.id = ?`),
    claim: db.prepare(`UPDATE carts SET version = version + 1, currency = ?, updated_at = ?, expires_at = ?
                       WHERE id = ? AND version = ? AND status = 'open'`),
    setItem: db.prepare(`INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)
                         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity`),
    deleteItem: db.prepare('DELETE FROM cart_items WHERE cart_id = ? AND product_id = ?'),
    purge: db.prepare('DELETE FROM carts WHERE expires_at <= ?'),
  };

  const writeLine = db.transaction((c: Parameters<CartsRepository['writeLine']>[0]) => {
    const now = clock.now();
    if (q.claim.run(c.currency, now, c.expiresAt, c.cartId, c.version).changes === 0) return false;
    if (c.quantity === 0) q.deleteItem.run(c.cartId, c.productId);
    else q.setItem.run(c.cartId, c.productId, c.quantity, now);
    return true;
  });

  return {
    create: ({ id, storeId, currency, expiresAt }) =>
      run(() => {
        const now = clock.now();
        q.insert.run(id, storeId, currency, now, now, expiresAt);
        return cartOf(id, q.whole.all(id) as WholeRow[])!;
      }),
    get: (cartId) => run(() => cartOf(cartId, q.whole.all(cartId) as WholeRow[])),
    getWithProduct: (cartId, productId) =>
      run(() => {
        const rows = q.wholeWithProduct.all(productId, cartId) as WriteRow[];
        return { cart: cartOf(cartId, rows), product: rows[0] ? productOf(rows[0]) : null };
      }),
    writeLine: (change) => run(() => writeLine(change)),
    storeIdOf: (cartId) => run(() => (q.storeOf.get(cartId) as string | undefined) ?? null),
    purgeExpired: () => run(() => q.purge.run(clock.now()).changes),
  };
}

function cartOf(cartId: string, rows: WholeRow[]): CartRecord | null {
  const first = rows[0];
  if (!first) return null;
  // Sorting a handful of lines here is cheaper than SQLite's temporary b-tree for ORDER BY.
  rows.sort((a, b) => a.added_at! - b.added_at! || a.line_seq! - b.line_seq!);
  const lines: CartLineRecord[] = [];
  for (const r of rows) {
    if (r.product_id === null) continue;
    lines.push({ product_id: r.product_id, quantity: r.quantity!, added_at: r.added_at!, product: lineProduct(r) });
  }
  return {
    id: cartId,
    store_id: first.store_id,
    currency: first.currency,
    status: first.status,
    version: first.version,
    created_at: first.created_at,
    updated_at: first.updated_at,
    expires_at: first.expires_at,
    lines,
  };
}

function lineProduct(r: WholeRow): Product | null {
  if (r.p_name === null) return null;
  return {
    id: r.product_id!,
    name: r.p_name,
    description: r.p_description,
    unit_amount: r.p_unit_amount!,
    currency: r.p_currency!,
    image_url: r.p_image_url,
    active: r.p_active === 1,
    max_quantity: r.p_max_quantity,
  };
}

function productOf(r: WriteRow): Product | null {
  if (r.t_id === null) return null;
  return {
    id: r.t_id,
    name: r.t_name!,
    description: r.t_description,
    unit_amount: r.t_unit_amount!,
    currency: r.t_currency!,
    image_url: r.t_image_url,
    active: r.t_active === 1,
    max_quantity: r.t_max_quantity,
  };
}
