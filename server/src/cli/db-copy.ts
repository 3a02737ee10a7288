// `npm run db:copy -- --from <sqlite file> --to <postgres url>`: moves a single-instance SQLite deployment to
// PostgreSQL. Copies every table of the schema into an EMPTY PostgreSQL database, which it migrates itself, all
// in ONE PostgreSQL transaction (a failure leaves the target as it was); then checks the row counts per table
// and that every sealed value opens with the configured master keys (MASTER_KEY, MASTER_KEYS_PREVIOUS).
//
// - The source is opened read-only and must be at this release's schema (`DATABASE_PATH=<file> npm run
//   migrate` first otherwise). Stop the server on it first: rows written after the copy are not copied.
// - The target must be empty: no row in any table (its schema_migrations aside, so a target prepared with
//   `npm run migrate` is fine). A target with rows is refused, nothing written.
// - Tables and columns are read from both databases, not listed here, so a new migration is copied too. Per
//   PostgreSQL column type: 0/1 → BOOLEAN; INTEGER → BIGINT as is; rows go in rowid order, so
//   cart_items.seq (PostgreSQL's stand-in for SQLite's rowid) keeps each cart's line order; identity columns
//   are advanced past the copied ids (and past SQLite's AUTOINCREMENT counter, so ids are never reused).
// - Sealed values are checked on the source before anything is written (a wrong MASTER_KEY is refused) and
//   on the target after the commit, through the SealedValuesRepository's list().
// - Nothing secret is printed: no value, and the URL without its password.
// Without MASTER_KEY in the environment (development), the keys come from secrets.json next to --from.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { systemClock } from '../clock';
import { ConfigError, isPostgresUrl, loadConfig, redactDatabaseUrl } from '../config';
import { bindingOf } from '../crypto/bindings';
import { Sealer } from '../crypto/seal';
import { databaseErrorMessage } from '../deps';
import type { SealedValue } from '../storage/port';
import { createPool, inTransaction, LOCK, rows, type PgClient } from '../storage/postgres/db';
import { createPostgresStorage } from '../storage/postgres/index';
import { migrateInTransaction } from '../storage/postgres/migrations';
import { appliedMigrations, type SqliteDatabase } from '../storage/sqlite/index';
import { migrations as sqliteMigrations } from '../storage/sqlite/migrations';
import { createSealedValuesRepository } from '../storage/shared/sealed';
import { kyselyOverSqlite, sqlite } from '../storage/db/dialect';

/** A refusal or failure worth one line on stderr and exit 1 (never carries a secret). */
class CopyError extends Error {}

/** Rows per INSERT (PostgreSQL takes at most 65535 parameters per statement). */
const BATCH_ROWS = 500;

interface TargetColumn {
  name: string;
  type: string;
  identity: 'ALWAYS' | 'BY DEFAULT' | null;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function parseArguments(): { from: string; to: string } {
  let values: { from?: string; to?: string };
  try {
    ({ values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new CopyError(`${(err as Error).message}; usage: npm run db:copy -- --from <sqlite file> --to <postgres url>`);
  }
  if (!values.from || !values.to) throw new CopyError('usage: npm run db:copy -- --from <sqlite file> --to <postgres url>');
  if (!isPostgresUrl(values.to)) throw new CopyError('--to must be a postgres:// (or postgresql://) URL such as postgres://user:password@host:5432/checkout');
  if (!existsSync(values.from)) throw new CopyError(`--from: no SQLite file at ${values.from}`);
  return { from: values.from, to: values.to };
}

/** Opens every sealed value, answering how many failed per table.column (never the values). */
function unopenable(values: SealedValue[], sealer: Sealer): Map<string, number> {
  const failed = new Map<string, number>();
  for (const v of values) {
    try {
      sealer.open(bindingOf(v), v.sealed);
    } catch {
      const key = `${v.table}.${v.column}`;
      failed.set(key, (failed.get(key) ?? 0) + 1);
    }
  }
  return failed;
}

const describeFailed = (failed: Map<string, number>) => [...failed].map(([col, n]) => `${n} in ${col}`).join(', ');

function sourceTables(db: SqliteDatabase): { name: string; columns: string[]; count: number; sequence: number }[] {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name")
    .pluck()
    .all() as string[];
  const hasSequence = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").pluck().get();
  const sequences = new Map<string, number>(
    hasSequence ? (db.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[]).map((r) => [r.name, r.seq]) : [],
  );
  return names.map((name) => ({
    name,
    columns: (db.prepare(`PRAGMA table_info(${quote(name)})`).all() as { name: string }[]).map((c) => c.name),
    count: db
      .prepare(`SELECT COUNT(*) FROM ${quote(name)}`)
      .pluck()
      .get() as number,
    sequence: sequences.get(name) ?? 0,
  }));
}

async function targetTables(c: PgClient): Promise<Map<string, TargetColumn[]>> {
  const cols = await rows<{ table_name: string; column_name: string; data_type: string; identity_generation: 'ALWAYS' | 'BY DEFAULT' | null }>(
    c,
    `SELECT c.table_name, c.column_name, c.data_type, c.identity_generation
       FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`,
  );
  const out = new Map<string, TargetColumn[]>();
  for (const r of cols) {
    if (!out.has(r.table_name)) out.set(r.table_name, []);
    out.get(r.table_name)!.push({ name: r.column_name, type: r.data_type, identity: r.identity_generation });
  }
  return out;
}

/** The tables in an order where every table comes after the ones its foreign keys point to. */
async function insertOrder(c: PgClient, tables: string[]): Promise<string[]> {
  const edges = await rows<{ child: string; parent: string }>(
    c,
    `SELECT DISTINCT tc.table_name AS child, ccu.table_name AS parent
       FROM information_schema.table_constraints tc
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
      WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`,
  );
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (order.includes(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const e of edges) if (e.child === t && e.parent !== t) visit(e.parent);
    order.push(t);
  };
  for (const t of tables) visit(t);
  return order.filter((t) => tables.includes(t));
}

function converter(table: string, column: TargetColumn): (v: unknown) => unknown {
  if (column.type !== 'boolean') return (v) => v;
  return (v) => {
    if (v === null) return null;
    if (v === 0 || v === 1) return v === 1;
    throw new CopyError(`${table}.${column.name}: a value that is not 0/1 in a boolean column; nothing written`);
  };
}

async function copy(): Promise<void> {
  const started = performance.now();
  const { from, to } = parseArguments();
  // The CLI's database is the source: without MASTER_KEY, development keys come from secrets.json next to it.
  const env = { ...process.env, DATABASE_PATH: from, DATABASE_URL: undefined };
  let sealer: Sealer;
  try {
    const config = loadConfig(env, (w) => process.stderr.write(`warning: ${w}\n`));
    sealer = new Sealer(config.masterKey, config.masterKeysPrevious);
  } catch (err) {
    if (err instanceof ConfigError) throw new CopyError(err.message);
    throw err;
  }
  const target = redactDatabaseUrl(to);

  let source: SqliteDatabase;
  try {
    source = new Database(from, { readonly: true, fileMustExist: true });
    source.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new CopyError(`--from: cannot open ${from} as SQLite: ${(err as Error).message}`);
  }
  try {
    const known = sqliteMigrations.map((m) => m.id);
    const applied = appliedMigrations(source);
    const missing = known.filter((id) => !applied.includes(id));
    const unknown = applied.filter((id) => !known.includes(id));
    if (unknown.length > 0)
      throw new CopyError(`--from: the schema of ${from} is newer than this version of checkout-best (unknown migrations ${unknown.join(', ')})`);
    if (missing.length > 0)
      throw new CopyError(`--from: ${from} is not at this release's schema (pending ${missing.join(', ')}); run DATABASE_PATH=${from} npm run migrate first`);

    const sourceSealed = await createSealedValuesRepository(kyselyOverSqlite(source), sqlite).list();
    const failedAtSource = unopenable(sourceSealed, sealer);
    if (failedAtSource.size > 0) {
      throw new CopyError(
        `--from: sealed values that do not open with MASTER_KEY/MASTER_KEYS_PREVIOUS (${describeFailed(failedAtSource)}); set the keys the source was sealed with ` +
          '(v1 boxes: start the server on the SQLite file once, it upgrades them); nothing written',
      );
    }
    const tables = sourceTables(source);

    const pool = createPool(to, 1);
    try {
      let counts: { table: string; rows: number }[];
      try {
        counts = await inTransaction(pool, async (c) => {
          // Instances starting on the target queue behind this lock until the copy commits.
          await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK.migrations]);
          const existing = await targetTables(c);
          const filled: string[] = [];
          for (const t of existing.keys()) {
            if (t === 'schema_migrations') continue;
            if ((await rows(c, `SELECT 1 FROM ${quote(t)} LIMIT 1`)).length > 0) filled.push(t);
          }
          if (filled.length > 0)
            throw new CopyError(
              `the target database ${target} is not empty (rows in ${filled.join(', ')}); db:copy only copies into an empty database; nothing written`,
            );
          await migrateInTransaction(c);
          const schema = await targetTables(c);
          const targetIds = (await rows<{ id: string }>(c, 'SELECT id FROM schema_migrations ORDER BY id')).map((r) => r.id);
          if (targetIds.join() !== [...applied].sort().join())
            throw new CopyError(`the target's migrations (${targetIds.join(', ')}) differ from the source's; nothing written`);
          const copied = new Set(tables.map((t) => t.name));
          const extra = [...schema.keys()].filter((t) => t !== 'schema_migrations' && !copied.has(t));
          if (extra.length > 0) throw new CopyError(`the target has tables the source lacks (${extra.join(', ')}); nothing written`);

          for (const name of await insertOrder(
            c,
            tables.map((t) => t.name),
          )) {
            const table = tables.find((t) => t.name === name)!;
            const targetCols = schema.get(name);
            if (!targetCols) throw new CopyError(`the target has no table ${name}; nothing written`);
            const cols = table.columns.map((col) => {
              const tc = targetCols.find((x) => x.name === col);
              if (!tc) throw new CopyError(`the target's table ${name} has no column ${col}; nothing written`);
              return tc;
            });
            const convert = cols.map((col) => converter(name, col));
            const overriding = cols.some((col) => col.identity === 'ALWAYS') ? ' OVERRIDING SYSTEM VALUE' : '';
            const head = `INSERT INTO ${quote(name)} (${cols.map((col) => quote(col.name)).join(', ')})${overriding} VALUES `;
            const select = source.prepare(`SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(name)} ORDER BY rowid`).raw();
            let batch: unknown[][] = [];
            const flush = async () => {
              if (batch.length === 0) return;
              const values: unknown[] = [];
              const tuples = batch.map((row) => `(${row.map((v, i) => (values.push(convert[i](v)), `$${values.length}`)).join(', ')})`);
              await c.query(head + tuples.join(', '), values);
              batch = [];
            };
            for (const row of select.iterate() as IterableIterator<unknown[]>) {
              batch.push(row);
              if (batch.length >= BATCH_ROWS) await flush();
            }
            await flush();
            // Identity columns continue after the copied ids (and after SQLite's AUTOINCREMENT counter).
            for (const col of targetCols.filter((x) => x.identity)) {
              const [{ max }] = await rows<{ max: number | null }>(c, `SELECT MAX(${quote(col.name)}) AS max FROM ${quote(name)}`);
              const next = Math.max(max ?? 0, table.columns.includes(col.name) ? table.sequence : 0) + 1;
              await c.query(`SELECT setval(pg_get_serial_sequence($1, $2), $3, false)`, [quote(name), col.name, next]);
            }
          }
          const out: { table: string; rows: number }[] = [];
          for (const t of tables) {
            const [{ n }] = await rows<{ n: number }>(c, `SELECT COUNT(*) AS n FROM ${quote(t.name)}`);
            if (n !== t.count) throw new CopyError(`${t.name}: ${n} rows in the target against ${t.count} in the source; nothing written`);
            out.push({ table: t.name, rows: n });
          }
          return out;
        });
      } catch (err) {
        if (err instanceof CopyError) throw err;
        throw new CopyError(`copying into ${target} failed, nothing written: ${databaseErrorMessage(err, to)}`);
      }

      // After the commit, through the port as the server will read them.
      const storage = createPostgresStorage(pool, systemClock);
      const targetSealed = await storage.sealed.list();
      const failedAtTarget = unopenable(targetSealed, sealer);
      if (failedAtTarget.size > 0 || targetSealed.length !== sourceSealed.length) {
        throw new CopyError(
          `copied into ${target}, but the sealed values do not verify (${targetSealed.length} in the target, ${sourceSealed.length} in the source` +
            `${failedAtTarget.size > 0 ? `; not opening: ${describeFailed(failedAtTarget)}` : ''}); do not use the target`,
        );
      }
      const ms = Math.round(performance.now() - started);
      const width = Math.max(...counts.map((r) => r.table.length));
      process.stdout.write(`copied ${from} into ${target} in one transaction (${ms} ms):\n`);
      for (const r of counts) process.stdout.write(`  ${r.table.padEnd(width)}  ${r.rows} row${r.rows === 1 ? '' : 's'}\n`);
      process.stdout.write(`  ${'schema_migrations'.padEnd(width)}  ${applied.length} (migrated by the copy)\n`);
      process.stdout.write(
        `row counts match; ${targetSealed.length} sealed value${targetSealed.length === 1 ? '' : 's'} open with the configured master keys\n`,
      );
    } finally {
      await pool.end().catch(() => {});
    }
  } finally {
    source.close();
  }
}

try {
  await copy();
} catch (err) {
  const message = err instanceof CopyError ? err.message : `db:copy failed: ${(err as Error).message}`;
  process.stderr.write(`checkout-best: ${message}\n`);
  process.exit(1);
}
