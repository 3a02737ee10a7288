import type Database from 'better-sqlite3';

/** An open better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

/**
 * Runs a synchronous unit of work and hands its result (or its exception) over as a promise, so callers
 * see the same async port whatever the engine.
 */
export function run<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
