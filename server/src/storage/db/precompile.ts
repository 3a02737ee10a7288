import { createHash } from 'node:crypto';
import { SelectQueryNode, type Compilable, type Kysely, type OperationNode, type QueryResult } from 'kysely';
import type pg from 'pg';
import { poolOf } from './dialect';
import type { Database } from './schema';
import { sqliteConnectionOf } from './sqlite-driver';

const PARAM = Symbol('precompiled parameter');

/** A named slot for a value, in a query built once by `precompile`. */
interface Slot {
  [PARAM]: string;
}

/**
 * Builds and compiles a query ONCE; each call runs the same SQL text with that call's values. For the hot
 * paths (the cart read and write, once per request): building and compiling the cart read costs about 0.1 ms
 * of CPU per call on this machine, as much as the rest of a GET /api/carts/:id. `build` receives `p(name)`,
 * a stand-in for a value (typed `never`, so it fits any column), and answers the query.
 *
 * On PostgreSQL a call outside a transaction goes to the pool as a NAMED prepared statement: each connection
 * parses and plans it once, then only binds and executes. Sent unnamed (as Kysely sends every query), the cart
 * read was planned on every request: 0.5–1.1 ms of planning against 0.04–0.27 ms of execution. Calls inside a
 * transaction (`q` is its Kysely) go through Kysely unnamed, as before.
 */
export function precompile<A extends object, R>(
  db: Kysely<Database>,
  build: (p: (name: keyof A & string) => never) => Compilable<R>,
): (values: A, q?: Kysely<Database>) => Promise<QueryResult<R>> {
  const { compiled, bind } = compileWithSlots(build);
  // On SQLite the statement runs at once when the connection is free or `q` is the transaction holding it
  // (db/sqlite-driver.ts): no executor, no queue, a cached prepared statement.
  const sqlite = sqliteConnectionOf(db);
  const pool = poolOf(db);
  const name = statementName(compiled.sql);
  return async (values, q = db) => {
    const parameters = bind(values);
    if (sqlite?.mayRunNow(q, db)) return sqlite.execute<R>(compiled.sql, parameters);
    if (pool && q === db) {
      const r = await pool.query<R & pg.QueryResultRow>({ name, text: compiled.sql, values: parameters });
      return { rows: r.rows, numAffectedRows: r.command === 'SELECT' ? undefined : BigInt(r.rowCount ?? 0) };
    }
    return q.executeQuery<R>({ ...compiled, parameters });
  };
}

/** The positions of a row's columns, by name. */
export type Columns<R> = { readonly [K in keyof R]-?: number };

/**
 * `precompile` for a SELECT whose rows come back as arrays (its columns in select order, found by name through
 * `columns`): on SQLite better-sqlite3's raw rows, about half the CPU of objects for a many-column join (the
 * whole-cart read: a row per line, twenty columns); on PostgreSQL the pool's object rows, laid out the same way.
 */
export function precompileRows<A extends object, R extends object>(
  db: Kysely<Database>,
  build: (p: (name: keyof A & string) => never) => Compilable<R>,
): { columns: Columns<R>; run: (values: A, q?: Kysely<Database>) => Promise<unknown[][]> } {
  const { compiled, bind } = compileWithSlots(build);
  const names = outputNames(compiled.query);
  const columns = Object.fromEntries(names.map((n, i) => [n, i])) as Columns<R>;
  const sqlite = sqliteConnectionOf(db);
  const pool = poolOf(db);
  const name = statementName(compiled.sql);
  const run = async (values: A, q = db): Promise<unknown[][]> => {
    const parameters = bind(values);
    if (sqlite?.mayRunNow(q, db)) return sqlite.executeRaw(compiled.sql, parameters);
    if (pool && q === db) return (await pool.query<unknown[]>({ name, text: compiled.sql, values: parameters, rowMode: 'array' })).rows;
    const { rows } = await q.executeQuery<Record<string, unknown>>({ ...compiled, parameters });
    return rows.map((row) => names.map((n) => row[n]));
  };
  return { columns, run };
}

/** A prepared statement's name on PostgreSQL: the same text always has the same name, another text another. */
function statementName(text: string): string {
  return `cb_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
}

/** Compiles `build` once with named slots; `bind(values)` answers the parameters of one call. */
function compileWithSlots<A extends object, R>(build: (p: (name: keyof A & string) => never) => Compilable<R>) {
  const compiled = build((name) => ({ [PARAM]: name }) as never).compile();
  const slots = compiled.parameters.map((v) => (typeof v === 'object' && v !== null && PARAM in v ? (v as Slot)[PARAM] : null));
  const bind = (values: A) => compiled.parameters.map((fixed, i) => (slots[i] === null ? fixed : values[slots[i] as keyof A]));
  return { compiled, bind };
}

/** The names of a SELECT's result columns, in order (an alias, or the referenced column's name). */
function outputNames(query: OperationNode): string[] {
  if (!SelectQueryNode.is(query)) throw new Error('precompileRows: not a SELECT');
  return (query.selections ?? []).map(({ selection }) => {
    const node = selection as OperationNode & { alias?: { name?: string }; column?: { column?: { name?: string } } };
    const name = node.kind === 'AliasNode' ? node.alias?.name : node.kind === 'ReferenceNode' ? node.column?.column?.name : undefined;
    if (!name) throw new Error(`precompileRows: a selection without a name (${node.kind})`);
    return name;
  });
}
