// `npm run db:copy`: an SQLite database built through the real app, copied into a fresh PostgreSQL database,
// then served from PostgreSQL. Needs both engines: runs in the TEST_DATABASE=postgres pass.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { call, checkoutFor, internal, openShop, pay } from '../support/shop';
import { startTestServer, TEST_ENGINE, type TestServer } from '../support/app';
import { throwawayDatabase } from '../support/pg';

const skip = TEST_ENGINE !== 'postgres' && 'needs PostgreSQL too: runs with TEST_DATABASE=postgres';
const PASSWORD = 'Copy-pa55word-never-printed';

let emu: StripeEmulator;
let source: TestServer;
const cleanups: (() => Promise<void>)[] = [];

function dbCopy(from: string, to: string, masterKey: Uint8Array) {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), MASTER_KEY: Buffer.from(masterKey).toString('base64') };
  delete env.DATABASE_URL;
  delete env.MASTER_KEYS_PREVIOUS;
  return spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/db-copy.ts', '--from', from, '--to', to], { env, encoding: 'utf8', timeout: 120_000 });
}

/** The URL with a password in it (trust auth ignores it): it must never be printed. */
const withPassword = (url: string) => url.replace('postgres://postgres@', `postgres://postgres:${PASSWORD}@`);

describe('npm run db:copy (SQLite → PostgreSQL)', { skip }, () => {
  let shop: Awaited<ReturnType<typeof openShop>>;
  let paidOrderId: string;
  let openCartId: string;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    // SQLite whatever the pass: the source of the copy.
    source = await startTestServer({ emulator: emu, env: { databaseUrl: undefined } });
    cleanups.push(() => source.destroy());
    assert.equal(source.engine, 'sqlite');
    shop = await openShop(source, emu, 'Moving Shop');
    await openShop(source, emu, 'Second Shop');
    const paid = await checkoutFor(source, shop.store.id, [
      ['tee', 2],
      ['poster', 1],
    ]);
    const { intent } = await pay(source, emu, paid.token);
    const done = await call(source.url, 'POST', `/api/checkout/${paid.token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200, done.text);
    paidOrderId = done.body.order.id;
    // An open cart with two lines (their order must survive) and an unpaid session with a sealed client_secret.
    const open = await checkoutFor(source, shop.store.id, [
      ['mug', 1],
      ['tee', 1],
    ]);
    await call(source.url, 'POST', `/api/checkout/${open.token}/payment-intent`);
    const cart = await call(source.url, 'POST', `/api/stores/${shop.store.id}/carts`);
    openCartId = cart.body.id;
    for (const [product_id, quantity] of [
      ['poster', 3],
      ['tee', 1],
      ['mug', 2],
    ] as const) {
      await call(source.url, 'POST', `/api/carts/${openCartId}/items`, { product_id, quantity });
    }
    await source.close();
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    await emu?.close();
  });

  it('copies every table in one transaction, verifies counts and sealed values, and the app then serves from PostgreSQL', async () => {
    const target = await throwawayDatabase();
    cleanups.push(target.drop);
    const startedAt = performance.now();
    const res = dbCopy(source.config.databasePath, withPassword(target.url), source.config.masterKey);
    const wallMs = Math.round(performance.now() - startedAt);
    assert.equal(res.status, 0, res.stderr);
    process.stdout.write(
      `# db:copy of the test database: ${wallMs} ms wall (process start included); it reported: ${/\((\d+) ms\)/.exec(res.stdout)?.[1]} ms\n`,
    );
    const out = res.stdout + res.stderr;
    for (const table of [
      'stores',
      'stripe_connections',
      'store_events',
      'used_connect_links',
      'products',
      'carts',
      'cart_items',
      'checkouts',
      'orders',
      'webhook_events',
      'retired_connections',
    ]) {
      assert.match(res.stdout, new RegExp(`^  ${table} +\\d+ rows?$`, 'm'), table);
    }
    assert.match(res.stdout, /^ {2}stores +2 rows$/m);
    assert.match(res.stdout, /^ {2}orders +1 row$/m);
    assert.match(res.stdout, /row counts match; \d+ sealed values open with the configured master keys/);
    assert.equal(out.includes(PASSWORD), false, 'the password is printed');
    assert.equal(out.includes(shop.acct.keys.test.secret), false, 'a secret key is printed');
    assert.equal(out.includes(Buffer.from(source.config.masterKey).toString('base64')), false);

    const dest = await startTestServer({
      emulator: emu,
      env: { databaseUrl: target.url, masterKey: source.config.masterKey, internalSecrets: source.config.internalSecrets },
    });
    cleanups.push(() => dest.close());
    assert.equal(dest.engine, 'postgres');
    const status = await call(dest.url, 'GET', `/stripe/status/${shop.store.id}`);
    assert.deepEqual(status.body, { store_id: shop.store.id, has_stripe: true, is_live_mode: false });
    const orders = await internal(dest, 'GET', `/api/internal/stores/${shop.store.id}/orders`);
    assert.deepEqual(
      orders.body.data.map((o: { id: string }) => o.id),
      [paidOrderId],
    );
    assert.equal(orders.body.data[0].amount, 2 * 2500 + 900);
    const cart = await call(dest.url, 'GET', `/api/carts/${openCartId}`);
    assert.equal(cart.status, 200, cart.text);
    assert.deepEqual(
      cart.body.items.map((l: { product_id: string }) => l.product_id),
      ['poster', 'tee', 'mug'],
      'line order kept',
    );
    // New rows after the copied ids: a line (cart_items.seq), a paid order (orders.seq), an audit event (store_events.id).
    const added = await call(dest.url, 'POST', `/api/carts/${openCartId}/items`, { product_id: 'poster', quantity: 1 });
    assert.equal(added.status, 200, added.text);
    const fresh = await checkoutFor(dest, shop.store.id, [['mug', 2]]);
    const { intent } = await pay(dest, emu, fresh.token);
    const done = await call(dest.url, 'POST', `/api/checkout/${fresh.token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200, done.text);
    const after = await internal(dest, 'GET', `/api/internal/stores/${shop.store.id}/orders`);
    assert.deepEqual(
      after.body.data.map((o: { id: string }) => o.id),
      [done.body.order.id, paidOrderId],
      'newest first: the new order got a later seq',
    );
    const [{ n }] = await dest.sql<{ n: number }>('SELECT COUNT(*)::int AS n FROM store_events');
    await dest.connectStore(shop.store.id, shop.acct.keys.test); // a reconnect records one more event
    const [{ n: m }] = await dest.sql<{ n: number }>('SELECT COUNT(*)::int AS n FROM store_events');
    assert.equal(m, n + 1);
    const flags = await dest.sql<{ livemode: boolean }>('SELECT livemode FROM stripe_connections');
    assert.ok(
      flags.every((f) => f.livemode === false),
      'booleans are booleans',
    );

    // The same target again: refused, nothing written.
    const again = dbCopy(source.config.databasePath, withPassword(target.url), source.config.masterKey);
    assert.equal(again.status, 1);
    assert.match(
      again.stderr,
      /^checkout-best: the target database postgres:\/\/postgres:\*\*\*@[^ ]+ is not empty \(rows in [a-z_, ]*stores[a-z_, ]*\); db:copy only copies into an empty database; nothing written$/m,
    );
    assert.equal((again.stdout + again.stderr).includes(PASSWORD), false);
  });

  it('refuses a bad or unreachable URL, naming it without its password', () => {
    const notPg = dbCopy(source.config.databasePath, `mysql://root:${PASSWORD}@127.0.0.1/checkout`, source.config.masterKey);
    assert.equal(notPg.status, 1);
    assert.match(notPg.stderr, /--to must be a postgres:\/\/ \(or postgresql:\/\/\) URL/);
    const unreachable = dbCopy(source.config.databasePath, `postgres://shop:${PASSWORD}@127.0.0.1:1/checkout`, source.config.masterKey);
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /copying into postgres:\/\/shop:\*\*\*@127\.0\.0\.1:1\/checkout failed, nothing written: .*ECONNREFUSED/);
    for (const r of [notPg, unreachable]) {
      assert.equal((r.stdout + r.stderr).includes(PASSWORD), false);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
    }
    const missing = dbCopy('/nonexistent/db.sqlite', 'postgres://postgres@127.0.0.1:5432/x', source.config.masterKey);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /--from: no SQLite file at \/nonexistent\/db\.sqlite/);
  });

  it('refuses before writing anything when the master key does not open the sealed values', async () => {
    const target = await throwawayDatabase();
    cleanups.push(target.drop);
    const res = dbCopy(source.config.databasePath, target.url, new Uint8Array(32).fill(7));
    assert.equal(res.status, 1);
    assert.match(res.stderr, /sealed values that do not open with MASTER_KEY\/MASTER_KEYS_PREVIOUS \(\d+ in stripe_connections\.secret_key_sealed/);
    assert.deepEqual(await target.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"), [], 'nothing written');
  });
});
