import type { Clock } from '../clock';
import { AppError } from '../errors';
import { checkQuantity, priceLine, totals, type CartLine } from '../checkout/money';
import { newCartId } from '../checkout/ids';
import type { Cart, CartsRepository } from '../storage';
import type { SqliteDatabase } from './index';

/** Idle carts are forgotten after this long without a change. */
export const CART_IDLE_MS = 30 * 24 * 60 * 60 * 1000;
/** How stale the idle timer may get before a change renews it. */
const TOUCH_EVERY_MS = 60 * 60 * 1000;

interface CartRow {
  id: string;
  store_id: string;
  currency: string;
  status: 'open' | 'closed';
  created_at: number;
  updated_at: number;
  expires_at: number;
}

/** A row of the one-statement read: cart columns, then the line (nulls when the cart has none). */
type WholeRow = [
  store_id: string, currency: string, status: Cart['status'], created_at: number, updated_at: number, expires_at: number,
  product_id: string | null, quantity: number | null, name: string | null, unit_amount: number | null,
  max_quantity: number | null, added_at: number | null, rowid: number | null,
];

interface ProductRow {
  id: string;
  name: string;
  unit_amount: number;
  currency: string;
  max_quantity: number | null;
}

export const cartNotFound = () => new AppError('cart_not_found', 404, 'Cart not found');
export const cartClosed = () =>
  new AppError('cart_closed', 409, 'This cart was checked out and paid; start a new cart');

/** Carts over SQLite; every method answers with the whole cart, repriced from the catalog. */
export function createCartsRepository(db: SqliteDatabase, clock: Clock): CartsRepository {
  const q = {
    insert: db.prepare(`INSERT INTO carts (id, store_id, currency, status, created_at, updated_at, expires_at)
                        VALUES (?, ?, ?, 'open', ?, ?, ?)`),
    cart: db.prepare('SELECT * FROM carts WHERE id = ?'),
    // The whole cart in one statement (row + priced lines), as arrays: GET /api/carts/:id is the hottest
    // request the server answers. Lines whose product went inactive or changed currency come back without
    // a name and drop out of the priced cart.
    whole: db
      .prepare(`SELECT c.store_id, c.currency, c.status, c.created_at, c.updated_at, c.expires_at,
                       ci.product_id, ci.quantity, p.name, p.unit_amount, p.max_quantity, ci.added_at, ci.rowid
        FROM carts c LEFT JOIN cart_items ci ON ci.cart_id = c.id
        LEFT JOIN products p ON p.store_id = c.store_id AND p.id = ci.product_id AND p.active = 1
                             AND p.currency = c.currency
        WHERE c.id = ?`)
      .raw(),
    product: db.prepare(`SELECT id, name, unit_amount, currency, max_quantity FROM products
                         WHERE store_id = ? AND id = ? AND active = 1`),
    quantity: db.prepare('SELECT quantity FROM cart_items WHERE cart_id = ? AND product_id = ?').pluck(),
    itemCount: db.prepare('SELECT COUNT(*) FROM cart_items WHERE cart_id = ?').pluck(),
    setItem: db.prepare(`INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)
                         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity`),
    deleteItem: db.prepare('DELETE FROM cart_items WHERE cart_id = ? AND product_id = ?'),
    touch: db.prepare('UPDATE carts SET updated_at = ?, expires_at = ?, currency = ? WHERE id = ?'),
    purge: db.prepare('DELETE FROM carts WHERE expires_at <= ?'),
  };

  /** The cart row a change starts from: 404 unknown or expired, 409 closed. */
  function loadOpen(cartId: string): CartRow {
    const row = q.cart.get(cartId) as CartRow | undefined;
    if (!row || row.expires_at <= clock.now()) throw cartNotFound();
    if (row.status !== 'open') throw cartClosed();
    return row;
  }

  /** The whole cart, repriced from the catalog; null when unknown or expired. */
  function read(cartId: string): Cart | null {
    // Sorting a handful of lines here is cheaper than SQLite's temporary b-tree for ORDER BY.
    const rows = (q.whole.all(cartId) as WholeRow[]).sort((a, b) => a[11]! - b[11]! || a[12]! - b[12]!);
    const first = rows[0];
    if (!first || first[5] <= clock.now()) return null;
    const lines: CartLine[] = [];
    for (const r of rows) {
      if (r[8] === null) continue;
      const quantity = Math.min(r[7]!, r[10] ?? r[7]!); // a lowered max_quantity caps old lines
      lines.push(priceLine({ id: r[6]!, name: r[8], unit_amount: r[9]!, max_quantity: null }, quantity));
    }
    return { id: cartId, store_id: first[0], currency: first[1], status: first[2], items: lines, ...totals(lines),
      created_at: first[3], updated_at: first[4], expires_at: first[5] };
  }

  function readOpen(cartId: string): Cart {
    const cart = read(cartId);
    if (!cart) throw cartNotFound();
    if (cart.status !== 'open') throw cartClosed();
    return cart;
  }

  function product(row: CartRow, productId: string): ProductRow {
    const p = q.product.get(row.store_id, productId) as ProductRow | undefined;
    if (!p) throw new AppError('product_not_found', 422, `No product '${productId}' in this store`);
    return p;
  }

  /** Writes a line and renews the cart's idle timer; an empty cart takes the product's currency. */
  function write(row: CartRow, p: ProductRow, quantity: number): Cart {
    let currency = row.currency;
    if (p.currency !== currency) {
      if ((q.itemCount.get(row.id) as number) > 0) {
        throw new AppError('currency_mismatch', 422, `This cart is in ${currency}; '${p.id}' is in ${p.currency}`);
      }
      currency = p.currency;
    }
    checkQuantity(quantity, p);
    q.setItem.run(row.id, p.id, quantity, clock.now());
    touch({ ...row, currency }, currency !== row.currency);
    return readOpen(row.id);
  }

  /**
   * Renews the idle timer, at most once per TOUCH_EVERY_MS unless something else changed: a 30-day expiry
   * needs no millisecond precision, and skipping the row write keeps a quantity change to one table.
   */
  function touch(row: CartRow, changed: boolean): void {
    const now = clock.now();
    if (!changed && row.expires_at - CART_IDLE_MS + TOUCH_EVERY_MS > now) return;
    q.touch.run(now, now + CART_IDLE_MS, row.currency, row.id);
  }

  const addItem = db.transaction((cartId: string, productId: string, quantity: number) => {
    const row = loadOpen(cartId);
    const p = product(row, productId);
    checkQuantity(quantity, p);
    const current = (q.quantity.get(cartId, productId) as number | undefined) ?? 0;
    return write(row, p, current + quantity);
  });

  const setQuantity = db.transaction((cartId: string, productId: string, quantity: number) => {
    const row = loadOpen(cartId);
    if (quantity === 0) return remove(row, productId);
    return write(row, product(row, productId), quantity);
  });

  function remove(row: CartRow, productId: string): Cart {
    q.deleteItem.run(row.id, productId);
    touch(row, false);
    return readOpen(row.id);
  }

  return {
    create(storeId, currency) {
      const now = clock.now();
      const id = newCartId();
      q.insert.run(id, storeId, currency, now, now, now + CART_IDLE_MS);
      return read(id)!;
    },
    get: (cartId) => readOpen(cartId),
    find: (cartId) => read(cartId),
    addItem: (cartId, productId, quantity) => addItem(cartId, productId, quantity),
    setQuantity: (cartId, productId, quantity) => setQuantity(cartId, productId, quantity),
    removeItem: db.transaction((cartId: string, productId: string) => remove(loadOpen(cartId), productId)),
    storeIdOf: (cartId) => (q.cart.get(cartId) as CartRow | undefined)?.store_id ?? null,
    purgeExpired: () => q.purge.run(clock.now()).changes,
  };
}
