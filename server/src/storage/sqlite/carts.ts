import type { Clock } from '../../clock';
import type { CartLineRecord, CartLineWrite, CartRecord, CartsRepository, LineProduct } from '../port';
import { run, type SqliteDatabase } from './db';

/**
 * The columns of the whole-cart read, by name. GET /api/carts/:id is the hottest request the server answers,
 * so its rows come back as arrays (better-sqlite3 `.raw()`, about a third cheaper than objects) and are read
 * through these names; only what pricing needs of a product is selected.
 */
const CART_COLUMNS = [
  'c.store_id', 'c.currency', 'c.status', 'c.version', 'c.created_at', 'c.updated_at', 'c.expires_at',
  's.shipping_json IS NOT NULL', 's.free_shipping_over',
  'ci.product_id', 'ci.quantity', 'ci.added_at', 'ci.rowid',
  'p.name', 'p.unit_amount', 'p.currency', 'p.active', 'p.max_quantity', 'p.weight_grams', 'p.shippable',
] as const;
/** The product a write is about, appended to every row of the write's read (nulls when the store has none). */
const TARGET_COLUMNS = ['t.id', 't.name', 't.unit_amount', 't.currency', 't.active', 't.max_quantity', 't.weight_grams', 't.shippable'] as const;

const enum Col {
  StoreId, Currency, Status, Version, CreatedAt, UpdatedAt, ExpiresAt,
  StoreShips, FreeShippingOver,
  ProductId, Quantity, AddedAt, LineSeq,
  PName, PUnitAmount, PCurrency, PActive, PMaxQuantity, PWeight, PShippable,
  TId, TName, TUnitAmount, TCurrency, TActive, TMaxQuantity, TWeight, TShippable,
}

type Row = unknown[];

const LINES_JOIN = `LEFT JOIN stores s ON s.id = c.store_id
  LEFT JOIN cart_items ci ON ci.cart_id = c.id
  LEFT JOIN products p ON p.store_id = c.store_id AND p.id = ci.product_id`;

/** Carts over SQLite: rows in, rows out; pricing is the domain's (payments/carts.ts). */
export function createCartsRepository(db: SqliteDatabase, clock: Clock): CartsRepository {
  const q = {
    insert: db.prepare(`INSERT INTO carts (id, store_id, currency, status, version, created_at, updated_at, expires_at)
                        VALUES (?, ?, ?, 'open', 0, ?, ?, ?)`),
    storeOf: db.prepare('SELECT store_id FROM carts WHERE id = ?').pluck(),
    whole: db.prepare(`SELECT ${CART_COLUMNS.join(', ')} FROM carts c ${LINES_JOIN} WHERE c.id = ?`).raw(),
    wholeWithProduct: db
      .prepare(`SELECT ${CART_COLUMNS.join(', ')}, ${TARGET_COLUMNS.join(', ')}
        FROM carts c LEFT JOIN products t ON t.store_id = c.store_id AND t.id = ? ${LINES_JOIN} WHERE c.id = ?`)
      .raw(),
    // One table written for a quantity change: the cart row is only read, under the same condition.
    setGuarded: db.prepare(`UPDATE cart_items SET quantity = ? WHERE cart_id = ? AND product_id = ?
                            AND EXISTS (SELECT 1 FROM carts WHERE id = ? AND version = ? AND status = 'open')`),
    claim: db.prepare(`UPDATE carts SET version = version + 1, currency = ?, updated_at = ?, expires_at = ?
                       WHERE id = ? AND version = ? AND status = 'open'`),
    setItem: db.prepare(`INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)
                         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity`),
    deleteItem: db.prepare('DELETE FROM cart_items WHERE cart_id = ? AND product_id = ?'),
    purge: db.prepare('DELETE FROM carts WHERE expires_at <= ?'),
    purgeClaims: db.prepare('DELETE FROM cart_claims WHERE expires_at <= ?'),
    // One statement: insert, or take over an expired claim, or renew our own; `changes` says which happened.
    takeClaim: db.prepare(`INSERT INTO cart_claims (cart_id, owner, expires_at) VALUES (?, ?, ?)
                       ON CONFLICT (cart_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                       WHERE cart_claims.owner = excluded.owner OR cart_claims.expires_at <= ?`),
    releaseClaim: db.prepare('DELETE FROM cart_claims WHERE cart_id = ? AND owner = ?'),
  };

  const writeLine = db.transaction((c: CartLineWrite) => {
    if (c.keepVersion) return q.setGuarded.run(c.quantity, c.cartId, c.productId, c.cartId, c.version).changes === 1;
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
        return cartOf(id, q.whole.all(id) as Row[])!;
      }),
    get: (cartId) => run(() => cartOf(cartId, q.whole.all(cartId) as Row[])),
    getWithProduct: (cartId, productId) =>
      run(() => {
        const rows = q.wholeWithProduct.all(productId, cartId) as Row[];
        return { cart: cartOf(cartId, rows), product: rows[0] ? productAt(rows[0], Col.TId) : null };
      }),
    writeLine: (change) => run(() => writeLine(change)),
    storeIdOf: (cartId) => run(() => (q.storeOf.get(cartId) as string | undefined) ?? null),
    purgeExpired: () =>
      run(() => {
        const now = clock.now();
        q.purgeClaims.run(now);
        return q.purge.run(now).changes;
      }),
    claim: (cartId, owner, ttlMs) =>
      run(() => {
        const now = clock.now();
        return q.takeClaim.run(cartId, owner, now + ttlMs, now).changes === 1;
      }),
    releaseClaim: (cartId, owner) => run(() => void q.releaseClaim.run(cartId, owner)),
  };
}

function cartOf(cartId: string, rows: Row[]): CartRecord | null {
  const first = rows[0];
  if (!first) return null;
  // Sorting a handful of lines here is cheaper than SQLite's temporary b-tree for ORDER BY.
  rows.sort((a, b) => (a[Col.AddedAt] as number) - (b[Col.AddedAt] as number) || (a[Col.LineSeq] as number) - (b[Col.LineSeq] as number));
  const lines: CartLineRecord[] = [];
  for (const r of rows) {
    if (r[Col.ProductId] === null) continue;
    const productId = r[Col.ProductId] as string;
    const product: LineProduct | null = r[Col.PName] === null ? null : {
      id: productId,
      name: r[Col.PName] as string,
      unit_amount: r[Col.PUnitAmount] as number,
      currency: r[Col.PCurrency] as string,
      active: r[Col.PActive] === 1,
      max_quantity: r[Col.PMaxQuantity] as number | null,
      weight_grams: r[Col.PWeight] as number | null,
      shippable: r[Col.PShippable] === 1,
    };
    lines.push({ product_id: productId, quantity: r[Col.Quantity] as number, added_at: r[Col.AddedAt] as number, product });
  }
  return {
    id: cartId,
    store_id: first[Col.StoreId] as string,
    currency: first[Col.Currency] as string,
    status: first[Col.Status] as CartRecord['status'],
    version: first[Col.Version] as number,
    created_at: first[Col.CreatedAt] as number,
    updated_at: first[Col.UpdatedAt] as number,
    expires_at: first[Col.ExpiresAt] as number,
    lines,
    store_ships: first[Col.StoreShips] === 1,
    free_shipping_over: first[Col.FreeShippingOver] as number | null,
  };
}

/** The product whose id, name, unit_amount, currency, active, max_quantity, weight and shippable start at `at` in `r`. */
function productAt(r: Row, at: Col): LineProduct | null {
  if (r[at] === null) return null;
  return {
    id: r[at] as string,
    name: r[at + 1] as string,
    unit_amount: r[at + 2] as number,
    currency: r[at + 3] as string,
    active: r[at + 4] === 1,
    max_quantity: r[at + 5] as number | null,
    weight_grams: r[at + 6] as number | null,
    shippable: r[at + 7] === 1,
  };
}
