import type { Kysely } from 'kysely';
import type { Clock } from '../../clock';
import { LOCKS, Rollback, type Dialect } from '../db/dialect';
import type { Database } from '../db/schema';
import type { CatalogRepository, Product } from '../port';

const COLUMNS = ['id', 'name', 'description', 'unit_amount', 'currency', 'image_url', 'active', 'max_quantity', 'weight_grams', 'shippable'] as const;

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
    let query = q.selectFrom('products').select(COLUMNS).where('store_id', '=', storeId);
    if (activeOnly) query = query.where('active', '=', dialect.bool(true));
    const rows = await query.orderBy('position').orderBy('id').execute();
    return rows.map((r) => ({ ...r, active: dialect.isTrue(r.active), shippable: dialect.isTrue(r.shippable) }));
  };
  const currencies = async (q: Kysely<Database>, storeId: string) =>
    (
      await q.selectFrom('products').select('currency').distinct().where('store_id', '=', storeId).where('active', '=', dialect.bool(true)).orderBy('currency').execute()
    ).map((r) => r.currency);

  return {
    upsertProducts: (storeId, inputs) =>
      dialect.transaction<UpsertResult>(db, async (trx) => {
        await dialect.lock(trx, LOCKS.catalog, storeId);
        const now = clock.now();
        const { top } = await trx.selectFrom('products').select((eb) => eb.fn.max('position').as('top')).where('store_id', '=', storeId).executeTakeFirstOrThrow();
        const base = (top ?? -1) + 1;
        for (const [i, p] of inputs.entries()) {
          await trx
            .insertInto('products')
            .values({
              store_id: storeId, id: p.id, name: p.name, description: p.description ?? null, unit_amount: p.unit_amount, currency: p.currency,
              image_url: p.image_url ?? null, active: dialect.bool(p.active !== false), max_quantity: p.max_quantity ?? null, position: base + i,
              created_at: now, updated_at: now, weight_grams: p.weight_grams ?? null, shippable: dialect.bool(p.shippable !== false),
            })
            .onConflict((oc) =>
              oc.columns(['store_id', 'id']).doUpdateSet((eb) => ({
                name: eb.ref('excluded.name'), description: eb.ref('excluded.description'), unit_amount: eb.ref('excluded.unit_amount'),
                currency: eb.ref('excluded.currency'), image_url: eb.ref('excluded.image_url'), active: eb.ref('excluded.active'),
                max_quantity: eb.ref('excluded.max_quantity'), position: eb.ref('excluded.position'), updated_at: eb.ref('excluded.updated_at'),
                weight_grams: eb.ref('excluded.weight_grams'), shippable: eb.ref('excluded.shippable'),
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
  };
}
