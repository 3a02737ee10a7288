import type { Kysely } from 'kysely';
import type { Clock } from '../../clock';
import { sql } from 'kysely';
import { LOCKS, Rollback, type Dialect } from '../db/dialect';
import type { Database } from '../db/schema';
import type { CatalogRepository, Product } from '../port';
import { heldExpr } from './stock';

const COLUMNS = [
  'id',
  'name',
  'description',
  'unit_amount',
  'currency',
  'image_url',
  'active',
  'max_quantity',
  'weight_grams',
  'shippable',
  'stock',
  'tax_category',
] as const;

type UpsertResult = Awaited<ReturnType<CatalogRepository['upsertProducts']>>;

/**
 * The catalog. The one-currency invariant is checked after the writes, in the same transaction, and must see
 * every other upsert of the store: SQLite's transaction excludes every other writer; on PostgreSQL
 * `dialect.lock(LOCKS.catalog, store)` (an advisory lock held to COMMIT) makes concurrent upserts of one store
 * run one after the other, and READ COMMITTED lets each statement after the lock see what the previous
 * upsert committed (so neither the check nor the next position can miss it).
 */
export function createCatalogRepository(db: Kysely<Database>, dialect: Dialect, clock: Clock): CatalogRepository {
  const list = async (q: Kysely<Database>, storeId: string, activeOnly = false): Promise<Product[]> => {
    const held = heldExpr(sql.ref('products.store_id'), sql.ref('products.id'), clock.now());
    let query = q.selectFrom('products').select(COLUMNS).select(held.as('reserved')).where('store_id', '=', storeId);
    if (activeOnly) query = query.where('active', '=', dialect.bool(true));
    const rows = await query.orderBy('position').orderBy('id').execute();
    return rows.map(({ reserved, ...r }) => ({
      ...r,
      active: dialect.isTrue(r.active),
      shippable: dialect.isTrue(r.shippable),
      ...stockView(r.stock, Number(reserved)),
    }));
  };
  const currencies = async (q: Kysely<Database>, storeId: string) =>
    (
      await q
        .selectFrom('products')
        .select('currency')
        .distinct()
        .where('store_id', '=', storeId)
        .where('active', '=', dialect.bool(true))
        .orderBy('currency')
        .execute()
    ).map((r) => r.currency);

  return {
    upsertProducts: (storeId, inputs) =>
      dialect.transaction<UpsertResult>(db, async (trx) => {
        await dialect.lock(trx, LOCKS.catalog, storeId);
        const now = clock.now();
        const { top } = await trx
          .selectFrom('products')
          .select((eb) => eb.fn.max('position').as('top'))
          .where('store_id', '=', storeId)
          .executeTakeFirstOrThrow();
        const base = (top ?? -1) + 1;
        for (const [i, p] of inputs.entries()) {
          await trx
            .insertInto('products')
            .values({
              store_id: storeId,
              id: p.id,
              name: p.name,
              description: p.description ?? null,
              unit_amount: p.unit_amount,
              currency: p.currency,
              image_url: p.image_url ?? null,
              active: dialect.bool(p.active !== false),
              max_quantity: p.max_quantity ?? null,
              position: base + i,
              created_at: now,
              updated_at: now,
              weight_grams: p.weight_grams ?? null,
              shippable: dialect.bool(p.shippable !== false),
              stock: p.stock ?? null,
              tax_category: p.tax_category ?? null,
            })
            .onConflict((oc) =>
              oc.columns(['store_id', 'id']).doUpdateSet((eb) => ({
                name: eb.ref('excluded.name'),
                description: eb.ref('excluded.description'),
                unit_amount: eb.ref('excluded.unit_amount'),
                currency: eb.ref('excluded.currency'),
                image_url: eb.ref('excluded.image_url'),
                active: eb.ref('excluded.active'),
                max_quantity: eb.ref('excluded.max_quantity'),
                position: eb.ref('excluded.position'),
                updated_at: eb.ref('excluded.updated_at'),
                weight_grams: eb.ref('excluded.weight_grams'),
                shippable: eb.ref('excluded.shippable'),
                // Left out, stock stays as it is (sales keep moving it); null makes the product unlimited again.
                stock: p.stock === undefined ? eb.ref('products.stock') : eb.ref('excluded.stock'),
                tax_category: p.tax_category === undefined ? eb.ref('products.tax_category') : eb.ref('excluded.tax_category'),
              })),
            )
            .execute();
        }
        const found = await currencies(trx, storeId);
        if (found.length > 1) throw new Rollback<UpsertResult>({ ok: false, currencies: found });
        return { ok: true, products: await list(trx, storeId) };
      }),
    // One statement each: straight to the pool.
    listProducts: (storeId, options) => list(db, storeId, options?.activeOnly ?? false),
    currencyOf: async (storeId) => (await currencies(db, storeId))[0] ?? null,
    taxCategories: async (storeId, productIds) => {
      if (productIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('products')
        .select(['id', 'tax_category'])
        .where('store_id', '=', storeId)
        .where('id', 'in', productIds)
        .where('tax_category', 'is not', null)
        .execute();
      return new Map(rows.map((r) => [r.id, r.tax_category!]));
    },
    // One relative, conditional UPDATE: a concurrent sale or adjustment is never overwritten.
    adjustStock: async (storeId, productId, delta) => {
      const byId = db.updateTable('products').where('store_id', '=', storeId).where('id', '=', productId);
      const row = await byId
        .set((eb) => ({ stock: eb('stock', '+', delta), updated_at: clock.now() }))
        .where('stock', 'is not', null)
        .where(sql<boolean>`stock + ${delta} >= 0`)
        .returning('id')
        .executeTakeFirst();
      const product = (await list(db, storeId)).find((p) => p.id === productId);
      if (!product) return { status: 'not_found' };
      if (row) return { status: 'adjusted', product };
      return { status: product.stock === null ? 'unlimited' : 'insufficient', product };
    },
  };
}

/** A product's stock as the API shows it: what is held by live reservations, and what is left to sell. */
function stockView(stock: number | null, reserved: number): Pick<Product, 'stock' | 'reserved' | 'available'> {
  return { stock, reserved, available: stock === null ? null : Math.max(0, stock - reserved) };
}
