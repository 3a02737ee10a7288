/**
 * Applies the PostgreSQL schema (schema.ts) at start. All pending migrations run in ONE transaction that
 * first takes `pg_advisory_xact_lock(LOCK.migrations)`: instances starting together queue on the lock, and
 * each reads schema_migrations only once it holds it, so every migration is applied exactly once (DDL is
 * transactional in PostgreSQL: a failed migration leaves nothing behind). A database that records a
 * migration this code does not know was migrated by a newer release: the instance refuses to start.
 */
import { inTransaction, LOCK, rows, type PgClient, type PgPool } from './db';
import { pgMigrations } from './schema';

/** The database's schema is newer than this code (it holds migrations the code does not know). */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
}

/** Applies the pending migrations under the migration lock; returns the ids it applied. */
export function migrate(pool: PgPool): Promise<string[]> {
  return inTransaction(pool, migrateInTransaction);
}

/**
 * The same, inside a transaction the caller holds (`npm run db:copy` migrates and fills an empty database in
 * one transaction); the lock is held until that transaction ends.
 */
export async function migrateInTransaction(client: PgClient): Promise<string[]> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK.migrations]);
  await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
  const applied = new Set((await rows<{ id: string }>(client, 'SELECT id FROM schema_migrations')).map((r) => r.id));
  const known = new Set(pgMigrations.map((m) => m.id));
  const unknown = [...applied].filter((id) => !known.has(id)).sort();
  if (unknown.length > 0) {
    throw new SchemaTooNewError(
      `the database schema is newer than this version of checkout-best (unknown migration${unknown.length === 1 ? '' : 's'} ` +
        `${unknown.join(', ')}); run the release that applied ${unknown.length === 1 ? 'it' : 'them'}, or restore a matching backup`,
    );
  }
  const done: string[] = [];
  for (const m of pgMigrations) {
    if (applied.has(m.id)) continue;
    await client.query(m.sql);
    await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [m.id, Date.now()]);
    done.push(m.id);
  }
  return done;
}
