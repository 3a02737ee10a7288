/**
 * The SQLite adapter of the storage port (better-sqlite3, one connection, WAL). better-sqlite3 is
 * synchronous, so each method runs its whole transaction before its promise settles: nothing of another
 * request can interleave with it in this process, and SQLite's single writer (BEGIN IMMEDIATE where a
 * method reads before it writes) keeps the guarantees against other processes on the same file (the
 * reconcile CLI).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../clock';
import { pendingReason, type Storage, type StorageHealth } from '../port';
import { run, type SqliteDatabase } from './db';

export type { SqliteDatabase };
import { createCartsRepository } from './carts';
import { createCatalogRepository } from './catalog';
import { createCheckoutsRepository } from './checkouts';
import { createBudgetsRepository } from './budgets';
import { createLeasesRepository } from './leases';
import { migrations } from './migrations';
import { createOrdersRepository } from './orders';
import { createSealedValuesRepository } from './sealed';
import { createStoresRepository } from './stores';
import { kyselyOverSqlite, sqlite } from '../db/dialect';
import { createWebhookEndpointsRepository } from '../shared/webhook-endpoints';

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
export function createSqliteStorage(db: SqliteDatabase, clock: Clock): Storage {
  return {
    stores: createStoresRepository(db, clock),
    catalog: createCatalogRepository(db, clock),
    carts: createCartsRepository(db, clock),
    checkouts: createCheckoutsRepository(db, clock),
    orders: createOrdersRepository(db, clock),
    sealed: createSealedValuesRepository(db),
    leases: createLeasesRepository(db, clock),
    budgets: createBudgetsRepository(db),
    // Interim, until SQLite moves onto the shared repositories: Kysely over this same connection beside the
    // synchronous repositories is safe ONLY because every method of this one is a single statement (no Kysely
    // transaction stays open across an await for a synchronous one to run into).
    webhookEndpoints: createWebhookEndpointsRepository(kyselyOverSqlite(db), sqlite, clock),
    health: healthProbe(db),
    close: () => run(() => void db.close()),
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
