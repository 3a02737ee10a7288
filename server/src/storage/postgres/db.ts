import pg from 'pg';

/** A pool of connections to one PostgreSQL database. */
export type PgPool = pg.Pool;
/** One pooled connection, inside a transaction. */
export type PgClient = pg.PoolClient;
/** Where a query can go: a transaction's client, or the pool itself for a read that is one statement. */
export type Queryable = PgClient | PgPool;

/** How long one statement may run before PostgreSQL cancels it (set on every connection of the pool). */
export const STATEMENT_TIMEOUT_MS = 10_000;

/**
 * int8 (BIGINT: ms timestamps, identities, COUNT(*)) parsed to a JS number instead of pg's default string.
 * Every value stored here (ms since 1970, row ids, amounts in minor units) stays far below 2^53. The parser is
 * set per pool, not on pg's global `types`, so nothing else in the process is affected.
 */
const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID ? parseInt8 : (pg.types.getTypeParser(oid, format ?? 'text') as unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Opens a pool (connections are made lazily; `statement_timeout` is set on each as it connects). */
export function createPool(connectionString: string, max: number): PgPool {
  const pool = new pg.Pool({
    connectionString,
    max,
    types,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its connection (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => {});
  return pool;
}

/** Thrown inside a transaction to roll it back and answer `value` instead (a refused write changes nothing). */
export class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rolled back');
  }
}

/**
 * Runs `work` as ONE transaction (READ COMMITTED, the server's default) on one pooled client: BEGIN, the
 * work, COMMIT; ROLLBACK on any throw. `throw new Rollback(v)` rolls back and answers v. Every write and every
 * read of more than one statement runs inside this helper; a read that is ONE statement (atomic on its own,
 * one snapshot) goes straight to the pool: one round trip instead of three (BEGIN, SELECT, COMMIT).
 */
export async function inTransaction<T>(pool: PgPool, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      if (err instanceof Rollback) return err.value as T;
      throw err;
    }
  } catch (err) {
    broken ??= isConnectionError(err) ? (err as Error) : undefined;
    throw err;
  } finally {
    // A client whose connection failed is destroyed instead of going back to the pool.
    client.release(broken);
  }
}

/** The rows of a query, typed by the caller. */
export async function rows<R>(client: Queryable, text: string, values: unknown[] = []): Promise<R[]> {
  return (await client.query(text, values)).rows as R[];
}

/** The first row of a query, or null. */
export async function one<R>(client: Queryable, text: string, values: unknown[] = []): Promise<R | null> {
  return ((await client.query(text, values)).rows[0] as R | undefined) ?? null;
}

/** How many rows a statement changed. */
export async function changes(client: Queryable, text: string, values: unknown[] = []): Promise<number> {
  return (await client.query(text, values)).rowCount ?? 0;
}

/** True for a PostgreSQL unique violation (SQLSTATE 23505), optionally of one constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/**
 * Keys of the transaction-scoped advisory locks (`pg_advisory_xact_lock(namespace, hashtext(key))`): a lock
 * per store catalog or per PaymentIntent, released by COMMIT/ROLLBACK. The namespaces are arbitrary constants.
 */
export const LOCK = { migrations: 0x63625f6d, catalog: 0x63625f63, intent: 0x63625f69 } as const;

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code.startsWith('E'));
}
