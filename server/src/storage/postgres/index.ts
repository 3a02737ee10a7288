/**
 * The PostgreSQL adapter of the storage port (node-postgres, one Pool per process, READ COMMITTED): a use-case
 * is one transaction on one pooled client, a single statement goes straight to the pool.
 *
 * Its repositories are the shared Kysely ones (storage/shared/), given this pool and the
 * PostgreSQL dialect (storage/db/dialect.ts, which states the one transaction rule and the engine differences);
 * each states how it keeps the port's guarantees on both engines. What stays here is PostgreSQL's own: the pool
 * (db.ts: int8 parser, statement timeout), the migrations runner and DDL (migrations.ts, schema.ts) and the
 * readiness probe. SQLite still has its hand-written adapter until the one commit that switches it (mixing
 * Kysely transactions with synchronous better-sqlite3 calls on one connection is not safe).
 */
import type { Clock } from '../../clock';
import { pendingReason, type Storage, type StorageHealth } from '../port';
import { createPool, inTransaction, rows, type PgPool } from './db';
import { createBudgetsRepository } from '../shared/budgets';
import { kyselyOverPool, postgres } from '../db/dialect';
import { createCartsRepository } from '../shared/carts';
import { createCatalogRepository } from '../shared/catalog';
import { createCheckoutsRepository } from '../shared/checkouts';
import { createDiscountsRepository } from '../shared/discounts';
import { createLeasesRepository } from '../shared/leases';
import { createOrdersRepository } from '../shared/orders';
import { createSealedValuesRepository } from '../shared/sealed';
import { createStoresRepository } from '../shared/stores';
import { createTaxSettingsRepository } from '../shared/tax-settings';
import { createTaxTransactionsRepository } from '../shared/tax-transactions';
import { createWebhookEndpointsRepository } from '../shared/webhook-endpoints';
import { createWebhookDeliveriesRepository } from '../shared/outbox';
import { migrate, SchemaTooNewError } from './migrations';
import { pgMigrations } from './schema';

export { SchemaTooNewError };

/** Where the database lives and how many connections this process may hold. */
export interface PostgresSettings {
  url: string;
  poolSize: number;
}

/** Builds the storage port over a pool whose schema is up to date. */
export function createPostgresStorage(pool: PgPool, clock: Clock): Storage {
  // pg's Pool.end throws when called twice; a second close (a shutdown racing a failure path) just waits for the first.
  let closed: Promise<void> | undefined;
  // Kysely over the same pool (never destroyed itself: close() ends the pool once). The repositories move
  // onto it one by one; mixing is safe here, every method is async and takes its own client.
  const db = kyselyOverPool(pool);
  return {
    stores: createStoresRepository(db, postgres, clock),
    catalog: createCatalogRepository(db, postgres, clock),
    carts: createCartsRepository(db, postgres, clock),
    checkouts: createCheckoutsRepository(db, postgres, clock),
    orders: createOrdersRepository(db, postgres, clock),
    sealed: createSealedValuesRepository(db, postgres),
    leases: createLeasesRepository(db, postgres, clock),
    budgets: createBudgetsRepository(db, postgres),
    discounts: createDiscountsRepository(db, postgres, clock),
    webhookEndpoints: createWebhookEndpointsRepository(db, postgres, clock),
    tax: createTaxSettingsRepository(db, clock),
    taxTransactions: createTaxTransactionsRepository(db, clock),
    webhookDeliveries: createWebhookDeliveriesRepository(db, postgres, clock),
    health: healthProbe(pool),
    close: () => (closed ??= pool.end()),
  };
}

/** Storage.health: `SELECT 1` on a pooled connection, and the schema check until the schema is current (then remembered). */
function healthProbe(pool: PgPool): () => Promise<StorageHealth> {
  const known = pgMigrations.map((m) => m.id);
  let current = false;
  return () =>
    inTransaction(pool, async (c) => {
      await c.query('SELECT 1');
      if (current) return { ok: true };
      const reason = pendingReason(
        known,
        (await rows<{ id: string }>(c, 'SELECT id FROM schema_migrations')).map((r) => r.id),
      );
      if (reason) return { ok: false, reason };
      current = true;
      return { ok: true };
    });
}

/** Opens the pool, applies pending migrations (under the migration lock) and builds the port. */
export async function openPostgresStorage(settings: PostgresSettings, clock: Clock): Promise<Storage> {
  const pool = createPool(settings.url, settings.poolSize);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return createPostgresStorage(pool, clock);
}
