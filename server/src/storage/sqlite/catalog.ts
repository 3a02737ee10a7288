import type { Clock } from '../../clock';
import type { CatalogRepository, Product, ProductInput } from '../port';
import { run, type SqliteDatabase } from './db';

interface ProductRow {
  id: string;
  name: string;
  description: string | null;
  unit_amount: number;
  currency: string;
  image_url: string | null;
  active: number;
  max_quantity: number | null;
  weight_grams: number | null;
  shippable: number;
}

const COLUMNS = 'id, name, description, unit_amount, currency, image_url, active, max_quantity, weight_grams, shippable';

/** Turns a row into the product every answer shows. */
function toProduct(row: ProductRow): Product {
  return { ...row, active: row.active === 1, shippable: row.shippable === 1 };
}

/** The catalog over SQLite: prices live here and nowhere else. */
export function createCatalogRepository(db: SqliteDatabase, clock: Clock): CatalogRepository {
  const upsert = db.prepare(`
    INSERT INTO products (store_id, id, name, description, unit_amount, currency, image_url, active,
                          max_quantity, position, created_at, updated_at, weight_grams, shippable)
    VALUES (@store_id, @id, @name, @description, @unit_amount, @currency, @image_url, @active,
            @max_quantity, @position, @now, @now, @weight_grams, @shippable)
    ON CONFLICT (store_id, id) DO UPDATE SET name = excluded.name, description = excluded.description,
      unit_amount = excluded.unit_amount, currency = excluded.currency, image_url = excluded.image_url,
      active = excluded.active, max_quantity = excluded.max_quantity, position = excluded.position,
      updated_at = excluded.updated_at, weight_grams = excluded.weight_grams, shippable = excluded.shippable`);
  const maxPosition = db.prepare('SELECT COALESCE(MAX(position), -1) FROM products WHERE store_id = ?').pluck();
  const currencies = db
    .prepare('SELECT DISTINCT currency FROM products WHERE store_id = ? AND active = 1')
    .pluck();
  const listAll = db.prepare(`SELECT ${COLUMNS} FROM products WHERE store_id = ? ORDER BY position, id`);
  const listActive = db.prepare(
    `SELECT ${COLUMNS} FROM products WHERE store_id = ? AND active = 1 ORDER BY position, id`,
  );

  const list = (storeId: string, activeOnly = false): Product[] =>
    ((activeOnly ? listActive : listAll).all(storeId) as ProductRow[]).map(toProduct);

  const upsertProducts = db.transaction((storeId: string, inputs: ProductInput[]) => {
    const now = clock.now();
    const base = (maxPosition.get(storeId) as number) + 1;
    inputs.forEach((p, i) => {
      upsert.run({
        store_id: storeId,
        id: p.id,
        name: p.name,
        description: p.description ?? null,
        unit_amount: p.unit_amount,
        currency: p.currency,
        image_url: p.image_url ?? null,
        active: p.active === false ? 0 : 1,
        max_quantity: p.max_quantity ?? null,
        weight_grams: p.weight_grams ?? null,
        shippable: p.shippable === false ? 0 : 1,
        position: base + i,
        now,
      });
    });
    // The invariant is checked after the writes, in the same transaction: one currency per store.
    const found = currencies.all(storeId) as string[];
    if (found.length > 1) throw new MixedCurrencies(found);
    return list(storeId);
  });

  return {
    upsertProducts: (storeId, inputs) =>
      run(() => {
        try {
          return { ok: true as const, products: upsertProducts.immediate(storeId, inputs) };
        } catch (err) {
          // The throw rolled the transaction back; the domain decides what the caller is told.
          if (err instanceof MixedCurrencies) return { ok: false as const, currencies: err.currencies };
          throw err;
        }
      }),
    listProducts: (storeId, options) => run(() => list(storeId, options?.activeOnly ?? false)),
    currencyOf: (storeId) => run(() => (currencies.all(storeId) as string[])[0] ?? null),
  };
}

/** Rolls back an upsert that would mix currencies (better-sqlite3 rolls back on a throw). */
class MixedCurrencies extends Error {
  constructor(readonly currencies: string[]) {
    super('mixed currencies');
  }
}
