/**
 * What differs between SQLite and PostgreSQL, in one place, so the repositories (storage/shared/) are written
 * once. Everything else (INSERT … ON CONFLICT … DO UPDATE … WHERE, RETURNING, UPDATE … WHERE as compare-and-set,
 * CTEs) both engines understand alike.
 *
 * The transaction rule, stated once: a use-case of more than one statement is ONE transaction (`transaction`
 * below); a single statement goes straight to the pool (it is atomic on its own and reads one snapshot). How each
 * engine keeps concurrent use-cases apart:
 * - PostgreSQL (READ COMMITTED, several processes): row locks from conditional UPDATE/DELETE, `forUpdate` reads,
 *   unique keys with ON CONFLICT, and `lock(trx, namespace, key)` (a transaction-scoped advisory lock) where
 *   nothing else would serialise two transactions.
 * - SQLite: ONE connection, handed to one user at a time (db/sqlite-driver.ts), and a transaction holds it from
 *   BEGIN IMMEDIATE to COMMIT: no other query of this process can run in between, and IMMEDIATE takes the
 *   file's write lock first, so another process (the reconcile CLI) waits too (asynchronously: a statement
 *   refused with SQLITE_BUSY is tried again, never blocking the event loop). No write can be lost between a
 *   read and the write that follows it; `forUpdate` and `lock` have nothing left to do.
 */
import { Kysely, PostgresDialect, sql, type Expression, type RawBuilder } from 'kysely';
import type { DbBool, Database } from './schema';
import { kyselyOverSqlite, sqliteConnectionOf } from './sqlite-driver';
import type pg from 'pg';

/** Thrown inside `transaction` to roll it back and answer `value` instead (a refused write changes nothing). */
export class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rolled back');
  }
}

/** Namespaces of the transaction-scoped locks `lock` takes (arbitrary constants, as in postgres/db.ts LOCK). */
export const LOCKS = { catalog: 0x63625f63, intent: 0x63625f69, stock: 0x63625f73 } as const;

/** The engine-specific half of every repository. */
export interface Dialect {
  readonly engine: 'sqlite' | 'postgres';
  /** A flag as the engine binds it (better-sqlite3 binds no booleans: 1/0). */
  bool(value: boolean): DbBool;
  /** A flag as either engine returns it, as a boolean. */
  isTrue(value: DbBool | null): boolean;
  /** `SELECT … FOR UPDATE` on PostgreSQL; unchanged on SQLite, whose transaction already excludes every writer. */
  forUpdate<Q extends { forUpdate(): Q }>(qb: Q): Q;
  /**
   * `… FOR UPDATE SKIP LOCKED` on PostgreSQL: claims rows no concurrent transaction holds (work queues);
   * unchanged on SQLite, whose transaction runs alone.
   */
  forUpdateSkipLocked<Q extends { forUpdate(): Q; skipLocked(): Q }>(qb: Q): Q;
  /** `… FOR SHARE` on PostgreSQL (a row read that a concurrent UPDATE must wait for); unchanged on SQLite. */
  forShare<Q extends { forShare(): Q }>(qb: Q): Q;
  /**
   * Whether a WITH clause may hold UPDATE/INSERT/DELETE (PostgreSQL): a compare-and-set and the write it
   * guards are then one statement. SQLite's CTEs are SELECTs only; there the two are one transaction.
   */
  readonly writesInCte: boolean;
  /** The larger of two numbers: GREATEST on PostgreSQL, the two-argument MAX on SQLite. */
  greatest(a: Expression<number>, b: Expression<number>): RawBuilder<number>;
  /** The smaller of two numbers: LEAST on PostgreSQL, the two-argument MIN on SQLite. */
  least(a: Expression<number>, b: Expression<number>): RawBuilder<number>;
  /** Serialises transactions on (namespace, key) until COMMIT: an advisory lock on PostgreSQL, nothing on SQLite. */
  lock(trx: Kysely<Database>, namespace: number, key: string): Promise<void>;
  /** The column that orders cart lines added in one millisecond: `cart_items.seq`, or SQLite's rowid. */
  readonly lineSeq: 'seq' | 'rowid';
  /** True for a unique or primary key violation. */
  isUniqueViolation(err: unknown): boolean;
  /** Runs `work` as ONE transaction; `throw new Rollback(v)` rolls back and answers v. */
  transaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
}

const isTrue = (value: DbBool | null): boolean => value === true || value === 1;

/** Answers a Rollback's value; rethrows anything else. */
function unwrap<T>(err: unknown): T {
  if (err instanceof Rollback) return err.value as T;
  throw err;
}

/** PostgreSQL over a pg Pool (READ COMMITTED, several processes). */
export const postgres: Dialect = {
  engine: 'postgres',
  bool: (value) => value,
  isTrue,
  forUpdate: (qb) => qb.forUpdate(),
  forUpdateSkipLocked: (qb) => qb.forUpdate().skipLocked(),
  forShare: (qb) => qb.forShare(),
  writesInCte: true,
  greatest: (a, b) => sql<number>`GREATEST(${a}, ${b})`,
  least: (a, b) => sql<number>`LEAST(${a}, ${b})`,
  lock: async (trx, namespace, key) => void (await sql`SELECT pg_advisory_xact_lock(${namespace}, hashtext(${key}))`.execute(trx)),
  lineSeq: 'seq',
  isUniqueViolation: (err) => (err as { code?: string } | null)?.code === '23505',
  transaction: <T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>) =>
    db
      .transaction()
      .execute(work)
      .catch(unwrap<T>),
};

/** SQLite over one better-sqlite3 connection. */
export const sqlite: Dialect = {
  engine: 'sqlite',
  bool: (value) => (value ? 1 : 0),
  isTrue,
  forUpdate: (qb) => qb,
  forUpdateSkipLocked: (qb) => qb,
  forShare: (qb) => qb,
  writesInCte: false,
  greatest: (a, b) => sql<number>`MAX(${a}, ${b})`,
  least: (a, b) => sql<number>`MIN(${a}, ${b})`,
  lock: () => Promise.resolve(),
  lineSeq: 'rowid',
  isUniqueViolation: (err) => /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test((err as { code?: string } | null)?.code ?? ''),
  transaction: immediateTransaction,
};

/**
 * SQLite's transaction: BEGIN IMMEDIATE (Kysely's own says BEGIN, deferred: a read-then-write would take the
 * write lock late and could fail with SQLITE_BUSY against another process). The connection is held for the
 * whole callback (db/sqlite-driver.ts), so nothing else of this process runs in between; precompiled queries
 * of the callback run on it directly (`holder`).
 */
async function immediateTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const connection = sqliteConnectionOf(db);
  if (!connection) throw new Error('not a SQLite database of kyselyOverSqlite');
  await connection.acquire();
  try {
    await connection.execute('BEGIN IMMEDIATE', []);
  } catch (err) {
    connection.release();
    throw err;
  }
  const trx = (connection.holder = connection.held);
  try {
    const result = await work(trx);
    connection.run('COMMIT', []);
    return result;
  } catch (err) {
    // A failed statement may already have ended the transaction (SQLITE_FULL, an interrupted write).
    if (connection.database.inTransaction) connection.run('ROLLBACK', []);
    return unwrap<T>(err);
  } finally {
    connection.holder = null;
    connection.release();
  }
}

/** Kysely over the process's pg Pool (its int8 parser and statement timeout stay as postgres/db.ts sets them). */
export function kyselyOverPool(pool: pg.Pool): Kysely<Database> {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/** The pool under a Kysely made by kyselyOverPool (undefined for any other), for db/precompile.ts. */
export const poolOf = (db: Kysely<Database>): pg.Pool | undefined => pools.get(db);

export { kyselyOverSqlite };
