import type { Clock } from '../../clock';
import type { CatalogRepository, Product } from '../port';
import { inTransaction, LOCK, one, Rollback, rows, type PgClient, type PgPool } from './db';

const COLUMNS = 'id, name, description, unit_amount, currency, image_url, active, max_quantity, weight_grams, shippable';

const list = (c: PgClient, storeId: string, activeOnly = false) =>
  rows<Product>(c, `SELECT ${COLUMNS} FROM products WHERE store_id = $1 ${activeOnly ? 'AND active' : ''} ORDER BY position, id`, [storeId]);
const currencies = async (c: PgClient, storeId: string) =>
  (await rows<{ currency: string }>(c, 'SELECT DISTINCT currency FROM products WHERE store_id = $1 AND active ORDER BY currency', [storeId])).map((r) => r.currency);

/**
 * The catalog over PostgreSQL. The one-currency invariant is checked after the writes, in the same
 * transaction, as on SQLite; SQLite's single writer made that check see every other upsert, and here a
 * per-store advisory lock (`pg_advisory_xact_lock(LOCK.catalog, hashtext(store_id))`, held to COMMIT) does:
 * concurrent upserts of one store run one after the other, and under READ COMMITTED each statement after the
 * lock sees what the previous upsert committed, so the check (and the next position) cannot miss it.
 */
export function createCatalogRepository(pool: PgPool, clock: Clock): CatalogRepository {
  return {
    upsertProducts: (storeId, inputs) =>
      inTransaction<Awaited<ReturnType<CatalogRepository['upsertProducts']>>>(pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK.catalog, storeId]);
        const now = clock.now();
        const base = (await one<{ p: number }>(c, 'SELECT COALESCE(MAX(position), -1) + 1 AS p FROM products WHERE store_id = $1', [storeId]))!.p;
        for (const [i, p] of inputs.entries()) {
          await c.query(
            `INSERT INTO products (store_id, id, name, description, unit_amount, currency, image_url, active, max_quantity, position, created_at, updated_at, weight_grams, shippable)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13)
             ON CONFLICT (store_id, id) DO UPDATE SET name = excluded.name, description = excluded.description,
               unit_amount = excluded.unit_amount, currency = excluded.currency, image_url = excluded.image_url,
               active = excluded.active, max_quantity = excluded.max_quantity, position = excluded.position,
               updated_at = excluded.updated_at, weight_grams = excluded.weight_grams, shippable = excluded.shippable`,
            [storeId, p.id, p.name, p.description ?? null, p.unit_amount, p.currency, p.image_url ?? null, p.active !== false,
              p.max_quantity ?? null, base + i, now, p.weight_grams ?? null, p.shippable !== false],
          );
        }
        const found = await currencies(c, storeId);
        if (found.length > 1) throw new Rollback({ ok: false, currencies: found });
        return { ok: true, products: await list(c, storeId) };
      }),
    listProducts: (storeId, options) => inTransaction(pool, (c) => list(c, storeId, options?.activeOnly ?? false)),
    currencyOf: (storeId) => inTransaction(pool, async (c) => (await currencies(c, storeId))[0] ?? null),
  };
}
