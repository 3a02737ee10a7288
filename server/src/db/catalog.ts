import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { CatalogRepository, Product, ProductInput } from '../storage';
import type { SqliteDatabase } from './index';

interface ProductRow {
  id: string;
  name: string;
  description: string | null;
  unit_amount: number;
  currency: string;
  image_url: string | null;
  active: number;
  max_quantity: number | null;
}

const COLUMNS = 'id, name, description, unit_amount, currency, image_url, active, max_quantity';

/** Turns a row into the product every answer shows. */
export function toProduct(row: ProductRow): Product {
  return { ...row, active: row.active === 1 };
}

/** The catalog over SQLite: prices live here and nowhere else. */
export function createCatalogRepository(db: SqliteDatabase, clock: Clock): CatalogRepository {
  const upsert = db.prepare(`
    INSERT INTO products (store_id, id, name, description, unit_amount, currency, image_url, active,
                          max_quantity, position, created_at, updated_at)
    VALUES (@store_id, @id, @name, @description, @unit_amount, @currency, @image_url, @active,
            @max_quantity, @position, @now, @now)
    ON CONFLICT (store_id, id) DO UPDATE SET name = excluded.name, description = excluded.description,
      unit_amount = excluded.unit_amount, currency = excluded.currency, image_url = excluded.image_url,
      active = excluded.active, max_quantity = excluded.max_quantity, position = excluded.position,
      updated_at = excluded.updated_at`);
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
        position: base + i,
        now,
      });
    });
    // One currency per store: a cart and its PaymentIntent have exactly one.
    const found = currencies.all(storeId) as string[];
    if (found.length > 1) {
      throw new AppError(
        'currency_mismatch',
        422,
        `A store sells in one currency; these products would mix ${found.join(', ')}`,
      );
    }
    return list(storeId);
  });

  return {
    upsertProducts: (storeId, inputs) => upsertProducts(storeId, inputs),
    listProducts: (storeId, options) => list(storeId, options?.activeOnly ?? false),
    currencyOf: (storeId) => ((currencies.all(storeId) as string[])[0] ?? null),
  };
}
