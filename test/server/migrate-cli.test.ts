// `npm run migrate` on the engine TEST_DATABASE names (a fresh SQLite file, or a throw-away PostgreSQL database).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { pgMigrations } from '../../server/src/storage/postgres/schema';
import { migrations } from '../../server/src/storage/sqlite/migrations';
import { TEST_ENGINE } from '../support/app';
import { throwawayDatabase } from '../support/pg';

const dir = mkdtempSync(join(tmpdir(), 'cb-migrate-'));
let env: Record<string, string>;
let sql: (query: string) => Promise<void>;
let cleanup = async () => {};
const known = (TEST_ENGINE === 'postgres' ? pgMigrations : migrations).map((m) => m.id);

before(async () => {
  const base = { ...process.env, DATABASE_PATH: join(dir, 'db.sqlite') } as Record<string, string>;
  delete base.DATABASE_URL;
  if (TEST_ENGINE === 'postgres') {
    const db = await throwawayDatabase();
    env = { ...base, DATABASE_URL: db.url };
    sql = async (q) => void (await db.query(q));
    cleanup = db.drop;
  } else {
    env = base;
    sql = (q) => {
      const db = new Database(base.DATABASE_PATH);
      db.exec(q);
      db.close();
      return Promise.resolve();
    };
  }
});
after(async () => {
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function migrate() {
  return spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/migrate.ts'], { env, encoding: 'utf8', timeout: 60_000 });
}

describe(`npm run migrate (${TEST_ENGINE})`, () => {
  it('applies every migration to a fresh database and prints them, then finds nothing to apply', () => {
    const first = migrate();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`applied ${known.length} migrations:`));
    for (const id of known) assert.match(first.stdout, new RegExp(`^  ${id}$`, 'm'));
    const second = migrate();
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`schema is current \\(${known.length} migrations\\), nothing to apply`));
  });

  it('applies only what is pending', async () => {
    await sql(`DELETE FROM schema_migrations WHERE id = '${known.at(-1)}'`);
    // What the last migration made exists already: undo it so it can be applied again (the newest migration
    // names here the statements that undo it).
    const undo: Record<string, string[]> = {
      '011_budgets': ['DROP TABLE budgets'],
      '013_webhook_endpoints': ['DROP TABLE webhook_endpoints'],
      '014_discount_checkout': [
        'DROP TABLE discount_reservations',
        'ALTER TABLE carts DROP COLUMN discount_id',
        'ALTER TABLE checkouts DROP COLUMN discount_json',
        'ALTER TABLE checkouts DROP COLUMN discount_amount',
        'ALTER TABLE orders DROP COLUMN discount_code',
        'ALTER TABLE orders DROP COLUMN discount_amount',
        'ALTER TABLE discount_redemptions DROP COLUMN over_limit',
      ],
      '015_platform_events': ['DROP TABLE webhook_deliveries', 'DROP TABLE platform_events', 'ALTER TABLE webhook_endpoints DROP COLUMN failing_since'],
      '016_stock': ['DROP TABLE stock_reservations', 'ALTER TABLE products DROP COLUMN stock', 'ALTER TABLE orders DROP COLUMN oversold'],
      '017_tax_settings': ['DROP TABLE tax_settings'],
      '018_tax_amounts': [
        'ALTER TABLE checkouts DROP COLUMN tax_amount',
        'ALTER TABLE checkouts DROP COLUMN tax_lines_json',
        'ALTER TABLE orders DROP COLUMN tax_amount',
        'ALTER TABLE orders DROP COLUMN tax_lines_json',
      ],
      '019_stripe_tax': [
        'DROP INDEX orders_tax_transaction_due',
        'ALTER TABLE checkouts DROP COLUMN tax_calculation_id',
        'ALTER TABLE orders DROP COLUMN tax_calculation_id',
        'ALTER TABLE orders DROP COLUMN tax_transaction_id',
        'ALTER TABLE orders DROP COLUMN tax_transaction_claimed_until',
        'ALTER TABLE orders DROP COLUMN tax_transaction_error',
        'ALTER TABLE orders DROP COLUMN tax_transaction_attempts',
      ],
      '020_product_tax_category': ['ALTER TABLE products DROP COLUMN tax_category'],
    };
    const statements = undo[known.at(-1)!];
    assert.ok(statements, `name the statements that undo ${known.at(-1)} in this test`);
    for (const statement of statements) await sql(`${statement};`);
    const res = migrate();
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`applied 1 migration:\\n  ${known.at(-1)}\\n$`));
  });

  it('exits 1 naming the migrations it does not know when the schema is newer than the code', async () => {
    await sql("INSERT INTO schema_migrations (id, applied_at) VALUES ('999_from_the_future', 1)");
    const res = migrate();
    assert.equal(res.status, 1);
    assert.match(res.stderr, /^checkout-best: .*schema .*is newer than this version of checkout-best \(unknown migration 999_from_the_future\)/m);
    assert.doesNotMatch(res.stderr, /^\s+at /m);
  });

  it('names an unreachable PostgreSQL database without its password', { skip: TEST_ENGINE !== 'postgres' }, () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/migrate.ts'], {
      env: { ...env, DATABASE_URL: 'postgres://shop:Sup3r-secret@127.0.0.1:1/checkout' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /cannot migrate the database at DATABASE_URL \(postgres:\/\/shop:\*\*\*@127\.0\.0\.1:1\/checkout\)/);
    assert.equal((res.stdout + res.stderr).includes('Sup3r-secret'), false);
  });
});
