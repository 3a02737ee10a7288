import type { Clock } from '../../clock';
import type { CartLineRecord, CartRecord, CartsRepository, Product } from '../port';
import { changes, inTransaction, one, rows, type PgClient, type PgPool, type Queryable } from './db';

/** One row of the whole-cart read: the cart's columns, then one line and its product (nulls without lines). */
interface WholeRow {
  store_id: string;
  currency: string;
  status: CartRecord['status'];
  version: number;
  created_at: number;
  updated_at: number;
  expires_at: number;
  store_ships: boolean;
  free_shipping_over: number | null;
  product_id: string | null;
  quantity: number | null;
  added_at: number | null;
  p_name: string | null;
  p_description: string | null;
  p_unit_amount: number | null;
  p_currency: string | null;
  p_image_url: string | null;
  p_active: boolean | null;
  p_max_quantity: number | null;
  p_weight_grams: number | null;
  p_shippable: boolean | null;
}

const CART_COLUMNS = `c.store_id, c.currency, c.status, c.version, c.created_at, c.updated_at, c.expires_at,
  s.shipping_json IS NOT NULL AS store_ships, s.free_shipping_over,
  ci.product_id, ci.quantity, ci.added_at,
  p.name AS p_name, p.description AS p_description, p.unit_amount AS p_unit_amount, p.currency AS p_currency,
  p.image_url AS p_image_url, p.active AS p_active, p.max_quantity AS p_max_quantity,
  p.weight_grams AS p_weight_grams, p.shippable AS p_shippable`;
const LINES_JOIN = `LEFT JOIN stores s ON s.id = c.store_id
  LEFT JOIN cart_items ci ON ci.cart_id = c.id
  LEFT JOIN products p ON p.store_id = c.store_id AND p.id = ci.product_id`;
const WHOLE = `SELECT ${CART_COLUMNS} FROM carts c ${LINES_JOIN} WHERE c.id = $1 ORDER BY ci.added_at, ci.seq`;
// What a write needs in one statement (one snapshot): the whole cart and, on every row, the product being written.
const WHOLE_WITH_PRODUCT = `SELECT ${CART_COLUMNS},
    t.id AS t_id, t.name AS t_name, t.description AS t_description, t.unit_amount AS t_unit_amount,
    t.currency AS t_currency, t.image_url AS t_image_url, t.active AS t_active, t.max_quantity AS t_max_quantity,
    t.weight_grams AS t_weight_grams, t.shippable AS t_shippable
  FROM carts c LEFT JOIN products t ON t.store_id = c.store_id AND t.id = $2 ${LINES_JOIN}
  WHERE c.id = $1 ORDER BY ci.added_at, ci.seq`;

/** A whole-cart row with the product a write is about (`t_…`, nulls when the store has no such product). */
interface WriteRow extends WholeRow {
  t_id: string | null;
  t_name: string | null;
  t_description: string | null;
  t_unit_amount: number | null;
  t_currency: string | null;
  t_image_url: string | null;
  t_active: boolean | null;
  t_max_quantity: number | null;
  t_weight_grams: number | null;
  t_shippable: boolean | null;
}

const whole = async (c: Queryable, cartId: string) => cartOf(cartId, await rows<WholeRow>(c, WHOLE, [cartId]));

/**
 * Carts over PostgreSQL. writeLine is a compare-and-set: `UPDATE carts … WHERE id = $1 AND version = $2 AND
 * status = 'open'`. Under READ COMMITTED a concurrent UPDATE of the same cart waits for the row lock and then
 * re-checks the WHERE against the committed row, whose version has moved: it changes nothing and the caller
 * re-reads. The row lock is held to COMMIT, so the line written with the bump is part of the same change.
 */
export function createCartsRepository(pool: PgPool, clock: Clock): CartsRepository {
  const tx = <T>(work: (c: PgClient) => Promise<T>) => inTransaction(pool, work);
  return {
    create: ({ id, storeId, currency, expiresAt }) =>
      tx(async (c) => {
        const now = clock.now();
        await c.query(
          `INSERT INTO carts (id, store_id, currency, status, version, created_at, updated_at, expires_at)
           VALUES ($1, $2, $3, 'open', 0, $4, $4, $5)`,
          [id, storeId, currency, now, expiresAt],
        );
        return (await whole(c, id))!;
      }),
    // One statement each: straight to the pool (GET /api/carts/:id, the hottest request, is one round trip).
    get: (cartId) => whole(pool, cartId),
    getWithProduct: async (cartId, productId) => {
      const rs = await rows<WriteRow>(pool, WHOLE_WITH_PRODUCT, [cartId, productId]);
      return { cart: cartOf(cartId, rs), product: rs[0] ? productOf(rs[0]) : null };
    },
    writeLine: async (w) => {
      if (w.keepVersion) {
        // One statement, one round trip (the hottest write): the cart row is locked FOR SHARE by the subquery,
        // so a concurrent checkouts.create (which updates that row) waits for this write, or this one waits
        // for it and then finds the version moved; a session never freezes a stale quantity.
        return (await changes(
          pool,
          `UPDATE cart_items SET quantity = $1 WHERE cart_id = $2 AND product_id = $3
             AND EXISTS (SELECT 1 FROM carts WHERE id = $2 AND version = $4 AND status = 'open' FOR SHARE)`,
          [w.quantity, w.cartId, w.productId, w.version],
        )) === 1;
      }
      const now = clock.now();
      // One statement too: the compare-and-set on the cart row and the line's write commit together or not at
      // all (a CTE's UPDATE takes the cart row lock until the statement's implicit COMMIT).
      const claim = `WITH claimed AS (
          UPDATE carts SET version = version + 1, currency = $1, updated_at = $2, expires_at = $3
          WHERE id = $4 AND version = $5 AND status = 'open' RETURNING id)`;
      const values = [w.currency, now, w.expiresAt, w.cartId, w.version, w.productId];
      if (w.quantity === 0) {
        const r = await one<{ claimed: number }>(
          pool,
          `${claim}, removed AS (DELETE FROM cart_items WHERE cart_id IN (SELECT id FROM claimed) AND product_id = $6)
           SELECT COUNT(*) AS claimed FROM claimed`,
          values,
        );
        return r!.claimed === 1;
      }
      const r = await one<{ claimed: number }>(
        pool,
        `${claim}, written AS (
           INSERT INTO cart_items (cart_id, product_id, quantity, added_at) SELECT id, $6, $7, $2 FROM claimed
           ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity)
         SELECT COUNT(*) AS claimed FROM claimed`,
        [...values, w.quantity],
      );
      return r!.claimed === 1;
    },
    storeIdOf: async (cartId) => (await one<{ store_id: string }>(pool, 'SELECT store_id FROM carts WHERE id = $1', [cartId]))?.store_id ?? null,
    purgeExpired: () =>
      tx(async (c) => {
        const now = clock.now();
        await c.query('DELETE FROM cart_claims WHERE expires_at <= $1', [now]);
        return changes(c, 'DELETE FROM carts WHERE expires_at <= $1', [now]);
      }),
    // One statement: a concurrent INSERT of the same cart_id waits for this one's commit and then sees the
    // committed claim (ON CONFLICT re-checks the WHERE against it), so exactly one caller gets the row.
    claim: async (cartId, owner, ttlMs) => {
      const now = clock.now();
      const n = await changes(
        pool,
        `INSERT INTO cart_claims (cart_id, owner, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (cart_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE cart_claims.owner = EXCLUDED.owner OR cart_claims.expires_at <= $4`,
        [cartId, owner, now + ttlMs, now],
      );
      return n === 1;
    },
    releaseClaim: async (cartId, owner) => void (await pool.query('DELETE FROM cart_claims WHERE cart_id = $1 AND owner = $2', [cartId, owner])),
  };
}

function cartOf(cartId: string, rs: WholeRow[]): CartRecord | null {
  const first = rs[0];
  if (!first) return null;
  const lines: CartLineRecord[] = [];
  for (const r of rs) {
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
    store_ships: first.store_ships,
    free_shipping_over: first.free_shipping_over,
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
    active: r.p_active === true,
    max_quantity: r.p_max_quantity,
    weight_grams: r.p_weight_grams,
    shippable: r.p_shippable !== false,
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
    active: r.t_active === true,
    max_quantity: r.t_max_quantity,
    weight_grams: r.t_weight_grams,
    shippable: r.t_shippable !== false,
  };
}
