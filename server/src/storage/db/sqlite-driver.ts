/**
 * Kysely over ONE better-sqlite3 connection, built for the hot paths. Kysely's own SqliteDriver prepares every
 * statement again on every call and reaches the connection through its executor and a promise mutex; a GET
 * of a cart then cost twice the CPU of the hand-written adapter it replaces. This driver keeps what makes
 * that adapter cheap and Kysely's guarantees:
 * - prepared statements are cached by SQL text (a bounded map: the texts are the code's, a handful of
 *   shapes each), and their rows are read as arrays and made objects by a template per statement (rowBuilder);
 * - one connection handed to one user at a time (`acquire`/`release`, first come first served); a
 *   transaction holds it from BEGIN IMMEDIATE to COMMIT, so nothing else of this process runs in between;
 * - `runNow` lets a precompiled query (db/precompile.ts) skip the executor: it runs synchronously when the
 *   caller may use the connection right now (it is free, or the caller is the transaction holding it), and
 *   otherwise waits its turn like any query. A synchronous better-sqlite3 call cannot interleave with
 *   anything, so skipping the queue when nobody holds the connection changes no outcome.
 */
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect as KyselyDialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './schema';

/** How many prepared statements are kept (the code has about 150 SQL texts; a few builders vary IN lists). */
const STATEMENT_CACHE = 500;

/** How long a statement waits for another connection's write lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

const isBusy = (err: unknown) => (err as { code?: string } | null)?.code === 'SQLITE_BUSY';

/** A cached prepared statement; `row` makes an object row of its array rows (null: it answers no rows). */
interface Prepared {
  stmt: BetterSqlite3.Statement;
  row: ((values: unknown[]) => Record<string, unknown>) | null;
}

/**
 * Object rows by column name, built from SQLite's array rows. better-sqlite3 builds an object row by adding its
 * columns one by one through V8's API, and past a dozen columns V8 turns such an object into a hash table
 * (dictionary mode): a session row (30 columns) cost about 18 µs to make and was slow to read. Here every
 * row of a statement is a copy of one template with all its columns (the same hidden class, fast properties),
 * whose values are then overwritten in order: the same names and values as better-sqlite3's (a repeated
 * name keeps its last column's value).
 */
function rowBuilder(names: string[]): (values: unknown[]) => Record<string, unknown> {
  const template = Object.fromEntries(names.map((name) => [name, null])) as Record<string, unknown>;
  return (values) => {
    const row = { ...template };
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
    return row;
  };
}

/** The one connection, its statement cache and who holds it. */
export class SqliteConnection implements DatabaseConnection {
  readonly #statements = new Map<string, Prepared>();
  #held = false;
  #closed = false;
  readonly #waiting: (() => void)[] = [];
  /** The Kysely of the transaction holding the connection, if one does. */
  holder: Kysely<Database> | null = null;
  /** Kysely over this connection for the one who holds it (a transaction): no acquire, no release. */
  held!: Kysely<Database>;

  constructor(readonly database: BetterSqlite3.Database) {
    // Lock waits are asynchronous (`execute`): better-sqlite3's busy_timeout would block the event loop, and
    // with it the very transaction (of another connection of this process) being waited for.
    database.pragma('busy_timeout = 0');
  }

  /**
   * Runs one statement, waiting asynchronously while another connection holds the file's write lock
   * (SQLITE_BUSY: the statement changed nothing; it is tried again, backing off from 1 to 50 ms, for up to
   * BUSY_TIMEOUT_MS). A statement that can run at once settles without any wait.
   */
  execute<R>(sqlText: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    return this.#waitingOutLocks(() => this.run<R>(sqlText, parameters));
  }

  /** `execute` for a SELECT whose rows come back as arrays (`runRaw`). */
  executeRaw(sqlText: string, parameters: readonly unknown[]): Promise<unknown[][]> {
    return this.#waitingOutLocks(() => this.runRaw(sqlText, parameters));
  }

  #waitingOutLocks<T>(attempt: () => T): Promise<T> {
    try {
      return Promise.resolve(attempt());
    } catch (err) {
      if (isBusy(err)) return this.#retry(attempt);
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async #retry<T>(attempt: () => T): Promise<T> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        return attempt();
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
      }
    }
  }

  #statement(sqlText: string): Prepared {
    // Keyed by the SQL text itself: a precompiled statement passes the same string object every time, whose hash
    // V8 keeps, while a key built per call was hashed anew over its kilobytes on every query.
    let prepared = this.#statements.get(sqlText);
    if (!prepared) {
      if (this.#statements.size >= STATEMENT_CACHE) this.#statements.clear();
      const stmt = this.database.prepare(sqlText);
      // Rows always come from SQLite as arrays; object rows are built here (rowBuilder), not by better-sqlite3.
      if (stmt.reader) stmt.raw(true);
      prepared = { stmt, row: stmt.reader ? rowBuilder(stmt.columns().map((c) => c.name)) : null };
      this.#statements.set(sqlText, prepared);
    }
    return prepared;
  }

  /** Runs a SELECT now (synchronously), its rows as arrays in the order of its columns. */
  runRaw(sqlText: string, parameters: readonly unknown[]): unknown[][] {
    return this.#statement(sqlText).stmt.all(parameters) as unknown[][];
  }

  /** Runs one statement now (synchronously). */
  run<R>(sqlText: string, parameters: readonly unknown[]): QueryResult<R> {
    const { stmt, row } = this.#statement(sqlText);
    if (row) return { rows: (stmt.all(parameters) as unknown[][]).map(row) as R[] };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return this.execute<R>(compiled.sql, compiled.parameters);
  }

  /** Kysely's interface; nothing here streams. */
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on SQLite here');
  }

  /** Whether a caller using `q` may run a statement right now. */
  mayRunNow(q: Kysely<Database>, root: Kysely<Database>): boolean {
    return q === root ? !this.#held : q === this.holder;
  }

  acquire(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the SQLite database is closed'));
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next)
      next(); // handed over: stays held
    else this.#held = false;
  }

  /**
   * Closes the file once the transaction holding the connection (if any) is done; whoever was waiting for it, or
   * asks for it later, gets an error (a request still running at shutdown fails, and nothing hangs).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.acquire();
    this.#closed = true;
    this.database.close();
    for (const next of this.#waiting.splice(0)) next();
  }
}

class FastSqliteDriver implements Driver {
  /** `held`: the driver of the Kysely a transaction uses, whose caller already holds the connection. */
  constructor(
    private readonly connection: SqliteConnection,
    private readonly held = false,
  ) {}
  init = () => Promise.resolve();
  acquireConnection = async () => {
    if (!this.held) await this.connection.acquire();
    return this.connection;
  };
  releaseConnection = () => Promise.resolve(this.held ? undefined : this.connection.release());
  // IMMEDIATE: the file's write lock is taken at BEGIN, so a read-then-write cannot fail late with SQLITE_BUSY.
  beginTransaction = async () => void (await this.connection.execute('BEGIN IMMEDIATE', []));
  commitTransaction = () => Promise.resolve(void this.connection.database.exec('COMMIT'));
  rollbackTransaction = () => Promise.resolve(void this.connection.database.exec('ROLLBACK'));
  destroy = () => Promise.resolve();
}

/** Kysely over an open better-sqlite3 connection (pragmas and migrations stay storage/sqlite's). */
export function kyselyOverSqlite(database: BetterSqlite3.Database): Kysely<Database> {
  const connection = new SqliteConnection(database);
  const over = (held: boolean): KyselyDialect => ({
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new FastSqliteDriver(connection, held),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db) => new SqliteIntrospector(db),
  });
  const db = new Kysely<Database>({ dialect: over(false) });
  connection.held = new Kysely<Database>({ dialect: over(true) });
  connections.set(db, connection);
  return db;
}

const connections = new WeakMap<Kysely<Database>, SqliteConnection>();

/** The connection under a Kysely made by kyselyOverSqlite (undefined for any other). */
export const sqliteConnectionOf = (db: Kysely<Database>): SqliteConnection | undefined => connections.get(db);
