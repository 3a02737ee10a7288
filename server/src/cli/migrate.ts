// `npm run migrate`: applies the pending migrations to the configured database (PostgreSQL with DATABASE_URL,
// else the SQLite file at DATABASE_PATH) and prints what it applied; for deployments that migrate as a step of
// their own before starting instances (the server also migrates at start). It uses the adapters' own runners
// (storage/postgres/migrations.ts under the advisory lock; storage/sqlite/index.ts migrate), so there is one
// migration runner per engine. Exits 1 naming the problem for a schema newer than this code (a migration it
// does not know: a newer release migrated the database) or a database it cannot open.
import { ConfigError, loadConfig, redactDatabaseUrl, type Config } from '../config';
import { databaseErrorMessage } from '../deps';
import { createPool } from '../storage/postgres/db';
import { migrate as migratePostgres } from '../storage/postgres/migrations';
import { pgMigrations } from '../storage/postgres/schema';
import { appliedMigrations, migrate as migrateSqlite, openDatabase } from '../storage/sqlite/index';
import { migrations as sqliteMigrations } from '../storage/sqlite/migrations';

/** A problem worth one line on stderr and exit 1. */
class MigrateError extends Error {}

async function migratePostgresDatabase(url: string): Promise<{ applied: string[]; known: number }> {
  const pool = createPool(url, 1);
  try {
    return { applied: await migratePostgres(pool), known: pgMigrations.length };
  } catch (err) {
    throw new MigrateError(`cannot migrate the database at DATABASE_URL (${redactDatabaseUrl(url)}): ${databaseErrorMessage(err, url)}`);
  } finally {
    await pool.end().catch(() => {});
  }
}

function migrateSqliteFile(path: string): { applied: string[]; known: number } {
  let db;
  try {
    db = openDatabase(path, { migrate: false });
  } catch (err) {
    throw new MigrateError(`cannot open the SQLite database at DATABASE_PATH (${path}): ${(err as Error).message}`);
  }
  try {
    const known = new Set(sqliteMigrations.map((m) => m.id));
    const unknown = appliedMigrations(db).filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new MigrateError(
        `the database schema at DATABASE_PATH (${path}) is newer than this version of checkout-best (unknown migration${unknown.length === 1 ? '' : 's'} ` +
          `${unknown.join(', ')}); run the release that applied ${unknown.length === 1 ? 'it' : 'them'}, or restore a matching backup`,
      );
    }
    return { applied: migrateSqlite(db), known: known.size };
  } finally {
    db.close();
  }
}

try {
  let config: Config;
  try {
    config = loadConfig(process.env, (w) => process.stderr.write(`warning: ${w}\n`));
  } catch (err) {
    if (err instanceof ConfigError) throw new MigrateError(err.message);
    throw err;
  }
  const where = config.databaseUrl ? `PostgreSQL ${redactDatabaseUrl(config.databaseUrl)}` : `SQLite ${config.databasePath}`;
  const { applied, known } = config.databaseUrl ? await migratePostgresDatabase(config.databaseUrl) : migrateSqliteFile(config.databasePath);
  if (applied.length === 0) process.stdout.write(`${where}: schema is current (${known} migrations), nothing to apply\n`);
  else {
    process.stdout.write(`${where}: applied ${applied.length} migration${applied.length === 1 ? '' : 's'}:\n`);
    for (const id of applied) process.stdout.write(`  ${id}\n`);
  }
} catch (err) {
  const message = err instanceof MigrateError ? err.message : `migration failed: ${(err as Error).message}`;
  process.stderr.write(`checkout-best: ${message}\n`);
  process.exit(1);
}
