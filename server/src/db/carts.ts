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

/** A row of the one-statement read: cart columns, then the line (nulls when the cart has none). */
type WholeRow = [
  store_id: string, currency: string, status: Cart['status'], created_at: number, updated_at: number, expires_at: number,
  product_id: string | null, quantity: number | null, name: string | null, unit_amount: number | null,
  max_quantity: number | null, added_at: number | null, rowid: number | null,
];
/** A whole-cart row followed by the product a write is about (nulls when it is not in the store's catalog). */
type WriteRow = [
  ...WholeRow, id: string | null, name: string | null, unit_amount: number | null, currency: string | null,
  max_quantity: number | null,
];

interface ProductRow {
  id: string;
  name: string;
  unit_amount: number;
  currency: string;
  max_quantity: number | null;
}

/** 404 `cart_not_found`: unknown, malformed or expired. */
export const cartNotFound = () => new AppError('cart_not_found', 404, 'Cart not found');
/** 409 `cart_closed`: paid carts are closed so the widget starts a new one. */
export const cartClosed = () =>
  new AppError('cart_closed', 409, 'This cart was checked out and paid; start a new cart');

/** Carts over SQLite; every method answers with the whole cart, repriced from the catalog. */
export function createCartsRepository(db: SqliteDatabase, clock: Clock): CartsRepository {
  const q = {
    insert: db.prepare(`INSERT INTO carts (id, store_id, currency, status, created_at, updated_at, expires_at)
                        VALUES (?, ?, ?, 'open', ?, ?, ?)`),
    storeOf: db.prepare('SELECT store_id FROM carts WHERE id = ?').pluck(),
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
    // What a write needs in one statement: the whole cart as above, and on every row the product being
    // written (any currency: a mismatch is the write's to judge). Parameters: product id, then cart id.
    wholeWithProduct: db
      .prepare(`SELECT c.store_id, c.currency, c.status, c.created_at, c.updated_at, c.expires_at,
                       ci.product_id, ci.quantity, p.name, p.unit_amount, p.max_quantity, ci.added_at, ci.rowid,
                       tp.id, tp.name, tp.unit_amount, tp.currency, tp.max_quantity
        FROM carts c LEFT JOIN products tp ON tp.store_id = c.store_id AND tp.id = ? AND tp.active = 1
        LEFT JOIN cart_items ci ON ci.cart_id = c.id
        LEFT JOIN products p ON p.store_id = c.store_id AND p.id = ci.product_id AND p.active = 1
                             AND p.currency = c.currency
        WHERE c.id = ?`)
      .raw(),
    itemCount: db.prepare('SELECT COUNT(*) FROM cart_items WHERE cart_id = ?').pluck(),
    setItem: db.prepare(`INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)
                         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity`),
    deleteItem: db.prepare('DELETE FROM cart_items WHERE cart_id = ? AND product_id = ?'),
    touch: db.prepare('UPDATE carts SET updated_at = ?, expires_at = ?, currency = ? WHERE id = ?'),
    purge: db.prepare('DELETE FROM carts WHERE expires_at <= ?'),
  };

  /** The whole cart, repriced from the catalog; null when unknown or expired. */
  function read(cartId: string): Cart | null {
    return cartOf(cartId, q.whole.all(cartId) as WholeRow[]);
  }

  function cartOf(cartId: string, rows: Array<WholeRow | WriteRow>): Cart | null {
    // Sorting a handful of lines here is cheaper than SQLite's temporary b-tree for ORDER BY.
    rows.sort((a, b) => a[11]! - b[11]! || a[12]! - b[12]!);
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
    return open(read(cartId));
  }

  function open(cart: Cart | null): Cart {
    if (!cart) throw cartNotFound();
    if (cart.status !== 'open') throw cartClosed();
    return cart;
  }

  /** The open cart and the store's active product `productId`, read in one statement (404/409, then 422). */
  function readForWrite(cartId: string, productId: string): [Cart, ProductRow] {
    const rows = q.wholeWithProduct.all(productId, cartId) as WriteRow[];
    const cart = open(cartOf(cartId, rows));
    const r = rows[0]!;
    if (r[13] === null) throw new AppError('product_not_found', 422, `No product '${productId}' in this store`);
    return [cart, { id: r[13], name: r[14]!, unit_amount: r[15]!, currency: r[16]!, max_quantity: r[17] }];
  }

  /**
   * Writes a line and answers the cart with that line replaced in memory: the cart was read whole at the
   * start of this transaction, so reading it again would only repeat what we know. An empty cart takes
   * the product's currency.
   */
  function write(cart: Cart, p: ProductRow, quantity: number): Cart {
    let currency = cart.currency;
    if (p.currency !== currency) {
      if ((q.itemCount.get(cart.id) as number) > 0) {
        throw new AppError('currency_mismatch', 422, `This cart is in ${currency}; '${p.id}' is in ${p.currency}`);
      }
      currency = p.currency;
    }
    checkQuantity(quantity, p);
    q.setItem.run(cart.id, p.id, quantity, clock.now());
    const line = priceLine(p, quantity);
    const at = cart.items.findIndex((l) => l.product_id === p.id);
    const items = at < 0 ? [...cart.items, line] : cart.items.map((l, i) => (i === at ? line : l));
    return touch({ ...cart, currency, items, ...totals(items) }, currency !== cart.currency);
  }

  function remove(cart: Cart, productId: string): Cart {
    q.deleteItem.run(cart.id, productId);
    const items = cart.items.filter((l) => l.product_id !== productId);
    return touch({ ...cart, items, ...totals(items) }, false);
  }

  /**
   * Renews the idle timer, at most once per TOUCH_EVERY_MS unless something else changed: a 30-day expiry
   * needs no millisecond precision, and skipping the row write keeps a quantity change to one table.
   */
  function touch(cart: Cart, changed: boolean): Cart {
    const now = clock.now();
    if (!changed && cart.expires_at - CART_IDLE_MS + TOUCH_EVERY_MS > now) return cart;
    q.touch.run(now, now + CART_IDLE_MS, cart.currency, cart.id);
    return { ...cart, updated_at: now, expires_at: now + CART_IDLE_MS };
  }

  const addItem = db.transaction((cartId: string, productId: string, quantity: number) => {
    const [cart, p] = readForWrite(cartId, productId);
    checkQuantity(quantity, p);
    const current = cart.items.find((l) => l.product_id === productId)?.quantity ?? 0;
    return write(cart, p, current + quantity);
  });

  const setQuantity = db.transaction((cartId: string, productId: string, quantity: number) => {
    if (quantity === 0) return remove(readOpen(cartId), productId);
    return write(...readForWrite(cartId, productId), quantity);
  });

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
    removeItem: db.transaction((cartId: string, productId: string) => remove(readOpen(cartId), productId)),
    storeIdOf: (cartId) => (q.storeOf.get(cartId) as string | undefined) ?? null,
    purgeExpired: () => q.purge.run(clock.now()).changes,
  };
}
