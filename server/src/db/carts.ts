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

interface LineRow {
  product_id: string;
  quantity: number;
  name: string;
  unit_amount: number;
  max_quantity: number | null;
}

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
    // Products that went inactive (or changed currency) drop out of the priced cart.
    // CROSS JOIN keeps SQLite from scanning the store's whole catalog: cart lines first, then one lookup each.
    lines: db.prepare(`SELECT ci.product_id, ci.quantity, p.name, p.unit_amount, p.max_quantity
      FROM cart_items ci CROSS JOIN products p ON p.store_id = ? AND p.id = ci.product_id
      WHERE ci.cart_id = ? AND p.active = 1 AND p.currency = ? ORDER BY ci.added_at, ci.rowid`),
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

  function loadRow(cartId: string): CartRow {
    const row = q.cart.get(cartId) as CartRow | undefined;
    if (!row || row.expires_at <= clock.now()) throw cartNotFound();
    return row;
  }

  function loadOpen(cartId: string): CartRow {
    const row = loadRow(cartId);
    if (row.status !== 'open') throw cartClosed();
    return row;
  }

  function priced(row: CartRow): Cart {
    const lines: CartLine[] = (q.lines.all(row.store_id, row.id, row.currency) as LineRow[]).map((l) =>
      priceLine({ id: l.product_id, name: l.name, unit_amount: l.unit_amount, max_quantity: null },
        Math.min(l.quantity, l.max_quantity ?? l.quantity)),
    );
    return { id: row.id, store_id: row.store_id, currency: row.currency, status: row.status, items: lines,
      ...totals(lines), created_at: row.created_at, updated_at: row.updated_at, expires_at: row.expires_at };
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
    return priced(touch({ ...row, currency }, currency !== row.currency));
  }

  /**
   * Renews the idle timer, at most once per TOUCH_EVERY_MS unless something else changed: a 30-day expiry
   * needs no millisecond precision, and skipping the row write keeps a quantity change to one table.
   */
  function touch(row: CartRow, changed: boolean): CartRow {
    const now = clock.now();
    if (!changed && row.expires_at - CART_IDLE_MS + TOUCH_EVERY_MS > now) return row;
    q.touch.run(now, now + CART_IDLE_MS, row.currency, row.id);
    return { ...row, updated_at: now, expires_at: now + CART_IDLE_MS };
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
    return priced(touch(row, false));
  }

  return {
    create(storeId, currency) {
      const now = clock.now();
      const id = newCartId();
      q.insert.run(id, storeId, currency, now, now, now + CART_IDLE_MS);
      return priced(q.cart.get(id) as CartRow);
    },
    get: (cartId) => priced(loadOpen(cartId)),
    find(cartId) {
      const row = q.cart.get(cartId) as CartRow | undefined;
      return row && row.expires_at > clock.now() ? priced(row) : null;
    },
    addItem: (cartId, productId, quantity) => addItem(cartId, productId, quantity),
    setQuantity: (cartId, productId, quantity) => setQuantity(cartId, productId, quantity),
    removeItem: db.transaction((cartId: string, productId: string) => remove(loadOpen(cartId), productId)),
    storeIdOf: (cartId) => (q.cart.get(cartId) as CartRow | undefined)?.store_id ?? null,
    purgeExpired: () => q.purge.run(clock.now()).changes,
  };
}
