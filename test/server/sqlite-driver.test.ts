// The SQLite driver under Kysely (server/src/storage/db/sqlite-driver.ts) reads rows as arrays and builds the
// objects itself: they must be the very rows better-sqlite3 would have answered, whatever the statement.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { kyselyOverSqlite } from '../../server/src/storage/db/sqlite-driver';

const database = new Sqlite(':memory:');
const db = kyselyOverSqlite(database);
/** What better-sqlite3 answers for `text` in its own object mode. */
const own = (text: string, ...values: unknown[]) => database.prepare(text).all(...values);
const ours = async (text: string) => (await sql.raw(text).execute(db)).rows;

describe('object rows on SQLite', () => {
  it('answers the same rows as better-sqlite3 for a wide row with every kind of value', async () => {
    const columns = Array.from({ length: 40 }, (_, i) => `c${i}`);
    database.exec(`CREATE TABLE wide (${columns.map((c) => `${c} ANY`).join(', ')}) STRICT`);
    const values = columns.map((_, i) => [i, `text ${i}`, null, i + 0.5, Buffer.from([i])][i % 5]);
    database.prepare(`INSERT INTO wide VALUES (${columns.map(() => '?').join(', ')})`).run(...values);
    database.prepare(`INSERT INTO wide (c0) VALUES (?)`).run(99);
    const text = 'SELECT * FROM wide ORDER BY c0';
    assert.deepEqual(await ours(text), own(text));
    assert.equal((await ours(text)).length, 2);
  });

  it('keeps the last value of a repeated column name, as better-sqlite3 does', async () => {
    const text = "SELECT 1 AS a, 'x' AS b, 2 AS a";
    assert.deepEqual(await ours(text), own(text));
    assert.deepEqual(await ours(text), [{ a: 2, b: 'x' }]);
  });

  it('answers the rows of a RETURNING, and none (only the count) for a plain write', async () => {
    database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    const inserted = await sql.raw("INSERT INTO t (name) VALUES ('one'), ('two') RETURNING id, name").execute(db);
    assert.deepEqual(inserted.rows, [
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
    const updated = await sql.raw("UPDATE t SET name = 'uno' WHERE id = 1").execute(db);
    assert.deepEqual([updated.rows, updated.numAffectedRows], [[], 1n]);
  });

  it('gives each row its own object: changing one leaves the next statement run untouched', async () => {
    const text = "SELECT 'kept' AS v";
    const [first] = (await ours(text)) as { v: string }[];
    first.v = 'changed';
    assert.deepEqual(await ours(text), [{ v: 'kept' }]);
  });
});
