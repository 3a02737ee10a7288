/**
 * The PostgreSQL adapter of the storage port (node-postgres, one Pool per process). Every method is one
 * transaction on one pooled client (db.ts inTransaction), under PostgreSQL's default READ COMMITTED; each
 * repository's header says how it keeps the port's concurrency guarantees with several server processes on
 * one database (row locks taken by conditional UPDATE/DELETE and SELECT … FOR UPDATE, INSERT … ON CONFLICT
 * on unique keys, and transaction-scoped advisory locks where SQLite relied on its single writer).
 *
 * Why a second hand-written query set instead of one typed builder (Kysely) over both engines: the SQLite
 * adapter is synchronous (better-sqlite3, prepared statements, a transaction that nothing else can interleave
 * with in the process), and this one is async with locks; sharing one implementation means moving SQLite to
 * Kysely's async dialect (wrapping better-sqlite3, losing the synchronous transaction that the SQLite
 * adapter's guarantees lean on, so adding BEGIN IMMEDIATE where it reads before it writes), writing the
 * schema once as Kysely migrations (or keeping two DDL sets as here), typing the tables as a Kysely
 * `Database` interface, and expressing the engine differences (FOR UPDATE and advisory locks are no-ops on
 * SQLite, GREATEST vs MAX, booleans 0/1 vs true/false, int8 parsing) in one place. That is a rewrite of all six
 * repositories and their migrations; within one session this adapter is hand-written and verified by the
 * same test suites as SQLite's (TEST_DATABASE=postgres, see test/run.mjs) — a follow-up for issue 10.
 */
import type { Clock } from '../../clock';
import { pendingReason, type Storage, type StorageHealth } from '../port';
import { createPool, inTransaction, rows, type PgPool } from './db';
import { createBudgetsRepository } from './budgets';
import { kyselyOverPool, postgres } from '../db/dialect';
import { createCartsRepository } from '../shared/carts';
import { createCatalogRepository } from '../shared/catalog';
import { createCheckoutsRepository } from '../shared/checkouts';
import { createLeasesRepository } from '../shared/leases';
import { createOrdersRepository } from '../shared/orders';
import { createSealedValuesRepository } from '../shared/sealed';
import { createStoresRepository } from '../shared/stores';
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
  // onto it one by one (issue 23); mixing is safe here, every method is async and takes its own client.
  const db = kyselyOverPool(pool);
  return {
    stores: createStoresRepository(db, postgres, clock),
    catalog: createCatalogRepository(db, postgres, clock),
    carts: createCartsRepository(db, postgres, clock),
    checkouts: createCheckoutsRepository(db, postgres, clock),
    orders: createOrdersRepository(db, postgres, clock),
    sealed: createSealedValuesRepository(db, postgres),
    leases: createLeasesRepository(db, postgres, clock),
    budgets: createBudgetsRepository(pool),
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
      const reason = pendingReason(known, (await rows<{ id: string }>(c, 'SELECT id FROM schema_migrations')).map((r) => r.id));
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
