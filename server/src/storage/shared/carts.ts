import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Clock } from '../../clock';
import type { Dialect } from '../db/dialect';
import { precompile, precompileRows } from '../db/precompile';
import type { Database } from '../db/schema';
import type { AppliedDiscount, CartLineRecord, CartLineWrite, CartRecord, CartsRepository, LineProduct } from '../port';
import type { DbBool } from '../db/schema';
import { cartReads, type CartRow, type RawRow, type WriteRow } from './cart-reads';
import { originsOf } from '../rows';

/**
 * Carts. writeLine is a compare-and-set: `UPDATE carts … WHERE id AND version AND status = 'open'`. On
 * PostgreSQL (READ COMMITTED) a concurrent UPDATE of the same cart waits for the row lock and then re-checks
 * the WHERE against the committed row, whose version has moved: it changes nothing and the caller re-reads.
 * There the bump and the line's write are ONE statement (a CTE; its UPDATE holds the row lock until the
 * statement's implicit COMMIT), one round trip for the second-hottest request; on SQLite, whose CTEs cannot
 * write, they are one transaction, which nothing else can interleave with. The cart reads are one statement
 * each (storage/shared/cart-reads.ts).
 */
export function createCartsRepository(db: Kysely<Database>, dialect: Dialect, clock: Clock): CartsRepository {
  const reads = cartReads(db, dialect);
  const readers = rowReaders(reads);

  // Every statement of a line write, precompiled (db/precompile.ts): PATCH …/items is the hottest write.
  type Slot = (name: keyof WriteValues) => never;
  /** The compare-and-set of a write that moves the version (with the cart's new currency and expiry). */
  const bump = (q: Kysely<Database>, p: Slot) =>
    q
      .updateTable('carts')
      .set((eb) => ({ version: eb('version', '+', 1), currency: p('currency'), updated_at: p('now'), expires_at: p('expiresAt') }))
      .where('id', '=', p('cartId'))
      .where('version', '=', p('version'))
      .where('status', '=', 'open');
  // One statement, one table written. On PostgreSQL the cart row is read FOR SHARE, so a concurrent
  // checkouts.create (which updates that row) waits for this write, or this one waits for it and then finds the
  // version moved: a session never freezes a stale quantity.
  const setQuantity = precompile<WriteValues, never>(db, (p: Slot) =>
    db
      .updateTable('cart_items')
      .set({ quantity: p('quantity') })
      .where('cart_id', '=', p('cartId'))
      .where('product_id', '=', p('productId'))
      .where((eb) =>
        eb.exists(
          dialect.forShare(eb.selectFrom('carts').select('id').where('id', '=', p('cartId')).where('version', '=', p('version')).where('status', '=', 'open')),
        ),
      ),
  );
  const count = (eb: ExpressionBuilder<{ claimed: { id: string } }, 'claimed'>) => eb.fn.countAll<number>().as('n');
  const claimed = (p: Slot) => db.with('claimed', (qc) => bump(qc as Kysely<Database>, p).returning('id'));
  // PostgreSQL: the bump and the line's write in ONE statement (the CTE's UPDATE holds the row lock to COMMIT).
  const bumpAndRemove = precompile<WriteValues, { n: number }>(db, (p: Slot) =>
    claimed(p)
      .with('written', (qc) =>
        qc.deleteFrom('cart_items').where('cart_id', 'in', qc.selectFrom('claimed').select('id')).where('product_id', '=', p('productId')),
      )
      .selectFrom('claimed')
      .select(count),
  );
  const bumpAndSet = precompile<WriteValues, { n: number }>(db, (p: Slot) =>
    claimed(p)
      .with('written', (qc) =>
        qc
          .insertInto('cart_items')
          .columns(['cart_id', 'product_id', 'quantity', 'added_at'])
          .expression(qc.selectFrom('claimed').select(['id', sql.val(p('productId')).as('p'), sql.val(p('quantity')).as('q'), sql.val(p('now')).as('t')]))
          .onConflict((oc) => oc.columns(['cart_id', 'product_id']).doUpdateSet((eb) => ({ quantity: eb.ref('excluded.quantity') }))),
      )
      .selectFrom('claimed')
      .select(count),
  );
  // SQLite: the same two statements, one transaction.
  const bumpOnly = precompile<WriteValues, never>(db, (p: Slot) => bump(db, p));
  const removeLine = precompile<WriteValues, never>(db, (p: Slot) =>
    db.deleteFrom('cart_items').where('cart_id', '=', p('cartId')).where('product_id', '=', p('productId')),
  );
  const setLine = precompile<WriteValues, never>(db, (p: Slot) =>
    db
      .insertInto('cart_items')
      .values({ cart_id: p('cartId'), product_id: p('productId'), quantity: p('quantity'), added_at: p('now') })
      .onConflict((oc) => oc.columns(['cart_id', 'product_id']).doUpdateSet((eb) => ({ quantity: eb.ref('excluded.quantity') }))),
  );

  // Precompiled: every cart request looks its store up once (CORS and the rate limits).
  const ownerOf = precompileRows<{ cartId: string }, { store_id: string; allowed_origins: string }>(db, (p) =>
    db.selectFrom('carts as c').innerJoin('stores as s', 's.id', 'c.store_id').select(['c.store_id', 's.allowed_origins']).where('c.id', '=', p('cartId')),
  );

  // Precompiled: every payment intent claims its cart and releases it.
  type ClaimValues = { cartId: string; owner: string; now: number; expiresAt: number };
  const claimCart = precompile<ClaimValues, never>(db, (p: (name: keyof ClaimValues) => never) =>
    db
      .insertInto('cart_claims')
      .values({ cart_id: p('cartId'), owner: p('owner'), expires_at: p('expiresAt') })
      .onConflict((oc) =>
        oc
          .column('cart_id')
          .doUpdateSet((eb) => ({ owner: eb.ref('excluded.owner'), expires_at: eb.ref('excluded.expires_at') }))
          .where((eb) => eb.or([eb('cart_claims.owner', '=', eb.ref('excluded.owner')), eb('cart_claims.expires_at', '<=', p('now'))])),
      ),
  );
  const releaseCart = releaseClaimStatement(db);
  const renewCart = precompile<{ cartId: string; owner: string; expiresAt: number }, never>(db, (p) =>
    db
      .updateTable('cart_claims')
      .set({ expires_at: p('expiresAt') })
      .where('cart_id', '=', p('cartId'))
      .where('owner', '=', p('owner')),
  );

  const writeLine = async (w: CartLineWrite): Promise<boolean> => {
    const values: WriteValues = { ...w, now: clock.now() };
    if (w.keepVersion) return (await setQuantity(values)).numAffectedRows === 1n;
    if (dialect.writesInCte) return Number((await (w.quantity === 0 ? bumpAndRemove : bumpAndSet)(values)).rows[0].n) === 1;
    return dialect.transaction(db, async (trx) => {
      if ((await bumpOnly(values, trx)).numAffectedRows === 0n) return false;
      await (w.quantity === 0 ? removeLine : setLine)(values, trx);
      return true;
    });
  };

  return {
    create: ({ id, storeId, currency, expiresAt }) =>
      dialect.transaction(db, async (trx) => {
        const now = clock.now();
        await trx
          .insertInto('carts')
          .values({ id, store_id: storeId, currency, status: 'open', version: 0, created_at: now, updated_at: now, expires_at: expiresAt })
          .execute();
        return cartOf(id, await reads.whole(trx, id), dialect, readers)!;
      }),
    // One statement each: straight to the pool (GET /api/carts/:id, the hottest request, is one round trip).
    get: async (cartId) => cartOf(cartId, await reads.whole(db, cartId), dialect, readers),
    getWithProduct: async (cartId, productId) => {
      const rows = await reads.withProduct(cartId, productId, clock.now());
      return { cart: cartOf(cartId, rows, dialect, readers), product: rows[0] ? targetOf(rows[0], productId, dialect, readers) : null };
    },
    writeLine,
    // One statement: a compare-and-set like writeLine's, so a session never freezes another code than the one read.
    setDiscount: async (cartId, version, discountId) => {
      const r = await db
        .updateTable('carts')
        .set((eb) => ({ discount_id: discountId, version: eb('version', '+', 1), updated_at: clock.now() }))
        .where('id', '=', cartId)
        .where('version', '=', version)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },
    ownerOf: async (cartId) => {
      const row = (await ownerOf.run({ cartId }))[0];
      return row ? { store_id: row[0] as string, allowed_origins: originsOf(row[1] as string) } : null;
    },
    purgeExpired: () =>
      dialect.transaction(db, async (trx) => {
        const now = clock.now();
        await trx.deleteFrom('cart_claims').where('expires_at', '<=', now).execute();
        return Number((await trx.deleteFrom('carts').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows);
      }),
    // One statement: a concurrent INSERT of the same cart_id waits for this one's commit and then sees the
    // committed claim (ON CONFLICT re-checks the WHERE against it), so exactly one caller gets the row.
    claim: async (cartId, owner, ttlMs) => {
      const now = clock.now();
      return (await claimCart({ cartId, owner, now, expiresAt: now + ttlMs })).numAffectedRows === 1n;
    },
    renewClaim: async (cartId, owner, ttlMs) => (await renewCart({ cartId, owner, expiresAt: clock.now() + ttlMs })).numAffectedRows === 1n,
    releaseClaim: async (cartId, owner) => void (await releaseCart({ cartId, owner })),
  };
}

/** The values of a line write, by slot name. */
type WriteValues = CartLineWrite & { now: number };

/** Reads the cart rows' arrays by column name (`columns` of storage/shared/cart-reads.ts). */
function rowReaders(reads: ReturnType<typeof cartReads>) {
  const c = reads.columns;
  const t = reads.withProductColumns;
  return {
    of: <K extends keyof CartRow>(r: RawRow, k: K) => r[c[k]] as CartRow[K],
    target: <K extends keyof WriteRow>(r: RawRow, k: K) => r[t[k]] as WriteRow[K],
  };
}
type Readers = ReturnType<typeof rowReaders>;

/** The cart of a whole-cart read, its lines in the order they were added (null without a row: no such cart). */
function cartOf(cartId: string, rows: RawRow[], dialect: Dialect, { of }: Readers): CartRecord | null {
  const first = rows[0];
  if (!first) return null;
  // Sorting a handful of lines here is cheaper than the engine's sort for ORDER BY (SQLite builds a temp b-tree).
  rows.sort((a, b) => (of(a, 'added_at') ?? 0) - (of(b, 'added_at') ?? 0) || (of(a, 'line_seq') ?? 0) - (of(b, 'line_seq') ?? 0));
  const lines: CartLineRecord[] = [];
  for (const r of rows) {
    const productId = of(r, 'product_id');
    if (productId === null) continue;
    const product = productOf(
      productId,
      {
        name: of(r, 'p_name'),
        unit_amount: of(r, 'p_unit_amount'),
        currency: of(r, 'p_currency'),
        active: of(r, 'p_active'),
        max_quantity: of(r, 'p_max_quantity'),
        weight_grams: of(r, 'p_weight_grams'),
        shippable: of(r, 'p_shippable'),
      },
      dialect,
    );
    lines.push({ product_id: productId, quantity: of(r, 'quantity')!, added_at: of(r, 'added_at')!, product });
  }
  return {
    id: cartId,
    store_id: of(first, 'store_id'),
    currency: of(first, 'currency'),
    status: of(first, 'status'),
    version: of(first, 'version'),
    created_at: of(first, 'created_at'),
    updated_at: of(first, 'updated_at'),
    expires_at: of(first, 'expires_at'),
    lines,
    store_ships: dialect.isTrue(of(first, 'store_ships')),
    free_shipping_over: of(first, 'free_shipping_over'),
    discount: discountOf(first, dialect, of),
    allowed_origins: originsOf(of(first, 'allowed_origins')),
  };
}

/** The applied discount of a cart read's row (null when the cart has none). */
function discountOf(r: RawRow, dialect: Dialect, of: Readers['of']): AppliedDiscount | null {
  const id = of(r, 'd_id');
  if (id === null) return null;
  const productIds = of(r, 'd_product_ids');
  return {
    id,
    code: of(r, 'd_code')!,
    percent_off: of(r, 'd_percent_off'),
    amount_off: of(r, 'd_amount_off'),
    currency: of(r, 'd_currency'),
    min_subtotal: of(r, 'd_min_subtotal'),
    product_ids: productIds === null ? null : (JSON.parse(productIds) as string[]),
    starts_at: of(r, 'd_starts_at'),
    ends_at: of(r, 'd_ends_at'),
    max_redemptions: of(r, 'd_max_redemptions'),
    times_redeemed: of(r, 'd_times_redeemed')!,
    once_per_email: dialect.isTrue(of(r, 'd_once_per_email')),
    free_shipping: dialect.isTrue(of(r, 'd_free_shipping')),
    active: dialect.isTrue(of(r, 'd_active')),
  };
}

/** A product's pricing columns as a read row has them (all null when the left join found none). */
interface ProductCols {
  name: string | null;
  unit_amount: number | null;
  currency: string | null;
  active: DbBool | null;
  max_quantity: number | null;
  weight_grams: number | null;
  shippable: DbBool | null;
}

function productOf(id: string, c: ProductCols, dialect: Dialect): LineProduct | null {
  if (c.name === null) return null;
  return {
    id,
    name: c.name,
    unit_amount: c.unit_amount!,
    currency: c.currency!,
    active: dialect.isTrue(c.active),
    max_quantity: c.max_quantity,
    weight_grams: c.weight_grams,
    shippable: dialect.isTrue(c.shippable),
  };
}

/** The product a write is about (null when the store has no such product). */
const targetOf = (r: RawRow, id: string, dialect: Dialect, { target }: Readers): LineProduct | null => {
  const product = productOf(
    id,
    {
      name: target(r, 't_name'),
      unit_amount: target(r, 't_unit_amount'),
      currency: target(r, 't_currency'),
      active: target(r, 't_active'),
      max_quantity: target(r, 't_max_quantity'),
      weight_grams: target(r, 't_weight_grams'),
      shippable: target(r, 't_shippable'),
    },
    dialect,
  );
  const stock = target(r, 't_stock');
  return product && { ...product, available: stock === null ? null : stock - Number(target(r, 't_held')) };
};

/** A cart claim's release (its owner's row, nothing else), precompiled: every payment intent makes one. */
export function releaseClaimStatement(db: Kysely<Database>) {
  return precompile<{ cartId: string; owner: string }, never>(db, (p) =>
    db.deleteFrom('cart_claims').where('cart_id', '=', p('cartId')).where('owner', '=', p('owner')),
  );
}
