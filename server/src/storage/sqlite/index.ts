/**
 * The SQLite adapter of the storage port (better-sqlite3, one connection, WAL). Its repositories are the
 * shared Kysely ones (storage/shared/), given this connection and the SQLite dialect (storage/db/dialect.ts,
 * which states the one transaction rule). Why no interleaving can lose a write: the one connection is handed
 * to one user at a time (db/sqlite-driver.ts), a use-case's transaction holds it from BEGIN IMMEDIATE to
 * COMMIT, and IMMEDIATE takes the file's write lock first, so another process on the same file (the
 * reconcile CLI) waits too. What stays here is SQLite's own: opening the file, its pragmas, the migrations
 * runner and the legacy DDL (*-schema.ts), and the readiness probe.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../clock';
import { pendingReason, type Storage, type StorageHealth } from '../port';
import { run, type SqliteDatabase } from './db';
import { kyselyOverSqlite, sqlite } from '../db/dialect';
import { sqliteConnectionOf } from '../db/sqlite-driver';
import { createBudgetsRepository } from '../shared/budgets';
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
import { migrations } from './migrations';

export type { SqliteDatabase };
import { createWebhookEndpointsRepository } from '../shared/webhook-endpoints';
import { createWebhookDeliveriesRepository } from '../shared/outbox';

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations (unless
 * `migrate: false`, for `npm run migrate`, which checks the schema first and then calls migrate itself).
 */
export function openDatabase(path: string, options: { migrate?: boolean } = {}): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (options.migrate !== false) migrate(db);
  return db;
}

/** Builds the storage port over an open database. */
export function createSqliteStorage(file: SqliteDatabase, clock: Clock): Storage {
  const db = kyselyOverSqlite(file);
  return {
    stores: createStoresRepository(db, sqlite, clock),
    catalog: createCatalogRepository(db, sqlite, clock),
    carts: createCartsRepository(db, sqlite, clock),
    checkouts: createCheckoutsRepository(db, sqlite, clock),
    orders: createOrdersRepository(db, sqlite, clock),
    sealed: createSealedValuesRepository(db, sqlite),
    leases: createLeasesRepository(db, sqlite, clock),
    budgets: createBudgetsRepository(db, sqlite),
    discounts: createDiscountsRepository(db, sqlite, clock),
    webhookEndpoints: createWebhookEndpointsRepository(db, sqlite, clock),
    tax: createTaxSettingsRepository(db, clock),
    taxTransactions: createTaxTransactionsRepository(db, clock),
    webhookDeliveries: createWebhookDeliveriesRepository(db, sqlite, clock),
    health: healthProbe(file),
    // Waits for the connection: a transaction still running finishes first.
    close: () => sqliteConnectionOf(db)!.close(),
  };
}

/** Opens the file and builds the port over it. */
export function openSqliteStorage(path: string, clock: Clock): Storage {
  return createSqliteStorage(openDatabase(path), clock);
}

/** The ids of the migrations recorded in the database (none for a file never migrated). Read-only. */
export function appliedMigrations(db: SqliteDatabase): string[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").pluck().get();
  if (!table) return [];
  return db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all() as string[];
}

/** Storage.health: `SELECT 1`, and the schema check until the schema is current (then remembered). */
function healthProbe(db: SqliteDatabase): () => Promise<StorageHealth> {
  const known = migrations.map((m) => m.id);
  let current = false;
  return () =>
    run(() => {
      db.prepare('SELECT 1').get();
      if (current) return { ok: true };
      const reason = pendingReason(known, appliedMigrations(db));
      if (reason) return { ok: false, reason };
      current = true;
      return { ok: true };
    });
}

/** Applies the pending migrations, each in its own write transaction; returns the ids it applied. */
export function migrate(db: SqliteDatabase): string[] {
  const done: string[] = [];
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    // Checked again under the write lock: two processes starting together apply each migration once.
    db.transaction(() => {
      if (isApplied.get(m.id)) return;
      db.exec(m.sql);
      record.run(m.id, Date.now());
      done.push(m.id);
    }).immediate();
  }
  return done;
}
