// The PostgreSQL adapter's guarantees under concurrency, with two pools standing in for two server processes on
// one database (READ COMMITTED): each port method's "of concurrent calls exactly one…" is raced here, and the
// migrations are raced and refused when the schema is newer than the code. Runs in the PostgreSQL pass of
// test/run.mjs (TEST_DATABASE=postgres); the rest of the suites cover the adapter's behaviour method by method.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { systemClock } from '../../server/src/clock';
import { migrationsFor } from '../../server/src/storage/db/migrations';
import { LinkAlreadyUsedError, type Storage, type StripeConnection } from '../../server/src/storage/port';
import { openPostgresStorage, SchemaTooNewError } from '../../server/src/storage/postgres/index';
import { TEST_ENGINE } from '../support/app';

const SERVER = (process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');
const skip = TEST_ENGINE === 'postgres' ? false : 'PostgreSQL only: runs in the TEST_DATABASE=postgres pass';

async function admin(sql: string, url = `${SERVER}/postgres`): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL adapter with two processes on one database', { skip }, () => {
  const name = `cb_test_${randomBytes(8).toString('hex')}`;
  const url = `${SERVER}/${name}`;
  let a: Storage;
  let b: Storage;
  const both = () => [a, b, a, b, a, b];

  before(async () => {
    await admin(`CREATE DATABASE ${name}`);
    // Both start together: the migration lock makes one apply 001–007 and the other find them applied.
    [a, b] = await Promise.all([openPostgresStorage({ url, poolSize: 4 }, systemClock), openPostgresStorage({ url, poolSize: 4 }, systemClock)]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  const conn = (storeId: string, n: number): StripeConnection => ({
    store_id: storeId,
    account_id: `acct_${n}`,
    account_name: null,
    publishable_key: `pk_test_${n}`,
    secret_key_sealed: `sealed-${n}`,
    key_type: 'secret',
    livemode: false,
    key_status: 'valid',
    webhook_endpoint_id: null,
    webhook_secret_sealed: null,
    connected_at: Date.now(),
    last_error: null,
  });
  const newStore = async () =>
    (await a.stores.create({ id: randomBytes(8).toString('hex'), name: 'Race Shop', allowed_origins: [], default_currency: 'usd' }))!;

  it('applied each migration once, and an instance refuses a schema newer than its code', async () => {
    const ids = (await admin('SELECT id FROM schema_migrations ORDER BY id', url)).rows.map((r: { id: string }) => r.id);
    assert.deepEqual(ids.slice(0, 11), [
      '001_stores',
      '002_payments',
      '003_checkouts_by_cart',
      '004_sealed_client_secret',
      '005_checkout_superseded',
      '006_cart_version',
      '007_retired_connections',
      '008_claims_and_leases',
      '009_shipping',
      '010_intent_checks',
      '011_budgets',
    ]);
    // Then the shared set (storage/db/migrations.ts), each once.
    assert.deepEqual(
      ids.slice(11),
      migrationsFor('postgres')
        .map((m) => m.id)
        .sort(),
    );
    await admin(`INSERT INTO schema_migrations (id, applied_at) VALUES ('999_from_the_future', 1)`, url);
    try {
      await assert.rejects(
        openPostgresStorage({ url, poolSize: 1 }, systemClock),
        (err: Error) => err instanceof SchemaTooNewError && /999_from_the_future/.test(err.message),
      );
    } finally {
      await admin(`DELETE FROM schema_migrations WHERE id = '999_from_the_future'`, url);
    }
  });

  it('creates a store id once', async () => {
    const id = randomBytes(8).toString('hex');
    const made = await Promise.all(both().map((s) => s.stores.create({ id, name: 'Same', allowed_origins: [], default_currency: 'usd' })));
    assert.equal(made.filter(Boolean).length, 1);
  });

  it('burns a connect link once: one save succeeds, the others throw LinkAlreadyUsedError and change nothing', async () => {
    const store = await newStore();
    const link = { signature: randomBytes(16).toString('hex'), expiresAt: Date.now() + 60_000 };
    const results = await Promise.allSettled(both().map((s, i) => s.stores.saveConnection(conn(store.id, i), link)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof LinkAlreadyUsedError, String(r.reason));
    const events = (await b.stores.listEvents(store.id)).filter((e) => e.type !== 'store_created');
    assert.equal(events.length, 1, 'one audit event');
    // Different links for one store also serialise: every save lands, each replacing the one before.
    await Promise.all(
      both().map((s, i) => s.stores.saveConnection(conn(store.id, 10 + i), { signature: randomBytes(16).toString('hex'), expiresAt: Date.now() + 60_000 })),
    );
    assert.equal((await a.stores.listEvents(store.id)).length, 8);
  });

  it('flips a valid key to invalid once and hands a disconnected connection to one caller', async () => {
    const store = await newStore();
    await a.stores.saveConnection(conn(store.id, 1), { signature: randomBytes(16).toString('hex'), expiresAt: Date.now() + 60_000 });
    const flips = await Promise.all(both().map((s) => s.stores.markKeyInvalid(store.id, 'revoked')));
    assert.equal(flips.filter(Boolean).length, 1);
    const gone = await Promise.all(both().map((s) => s.stores.disconnect(store.id)));
    assert.equal(gone.filter(Boolean).length, 1);
  });

  it('keeps one currency per store catalog under concurrent upserts', async () => {
    const store = await newStore();
    const results = await Promise.all(
      both().map((s, i) => s.catalog.upsertProducts(store.id, [{ id: `p${i}`, name: 'P', unit_amount: 100, currency: i % 2 ? 'eur' : 'usd' }])),
    );
    assert.ok(results.some((r) => r.ok));
    assert.equal(new Set((await a.catalog.listProducts(store.id, { activeOnly: true })).map((p) => p.currency)).size, 1);
  });

  it('compare-and-sets a cart: one write and one checkout per version; records a payment once per intent', async () => {
    const store = await newStore();
    await a.catalog.upsertProducts(store.id, [{ id: 'tee', name: 'Tee', unit_amount: 500, currency: 'usd' }]);
    const cartId = randomBytes(8).toString('hex');
    await a.carts.create({ id: cartId, storeId: store.id, currency: 'usd', expiresAt: Date.now() + 3_600_000 });
    const writes = await Promise.all(
      both().map((s, i) =>
        s.carts.writeLine({ cartId, version: 0, productId: 'tee', quantity: i + 1, currency: 'usd', expiresAt: Date.now() + 3_600_000, keepVersion: false }),
      ),
    );
    assert.equal(writes.filter(Boolean).length, 1);
    const cart = (await b.carts.get(cartId))!;
    assert.equal(cart.version, 1);
    const lines = [{ product_id: 'tee', name: 'Tee', unit_amount: 500, quantity: cart.lines[0].quantity, line_total: 500 * cart.lines[0].quantity }];
    const amount = lines[0].line_total;
    const creates = await Promise.all(
      both().map((s) => {
        const id = randomBytes(8).toString('hex');
        return s.checkouts.create({
          id,
          tokenHash: id,
          storeId: store.id,
          cartId,
          cartVersion: 1,
          lineQuantities: { tee: cart.lines[0].quantity },
          lines,
          amount,
          currency: 'usd',
          livemode: false,
          accountId: null,
          expiresAt: Date.now() + 600_000,
          maxLivePerCart: 5,
        });
      }),
    );
    const created = creates.filter((r) => r.status === 'created');
    assert.equal(created.length, 1);
    assert.ok(creates.every((r) => r.status === 'created' || r.status === 'cart_changed'));
    const checkout = created[0].status === 'created' ? created[0].checkout : assert.fail();
    const attached = await Promise.all(both().map((s, i) => s.checkouts.attachPaymentIntent(checkout.id, `pi_${i}`, `sealed_${i}`)));
    assert.equal(new Set(attached.map((c) => c.payment_intent_id)).size, 1, 'the first intent sticks');
    const intent = attached[0].payment_intent_id!;
    const paid = await Promise.all(
      both().map((s, i) =>
        s.orders.recordPaid({
          orderId: `ord_${i}_${randomBytes(4).toString('hex')}`,
          checkoutId: checkout.id,
          paymentIntentId: intent,
          amount,
          currency: 'usd',
          livemode: false,
          customerEmail: null,
          source: 'webhook',
        }),
      ),
    );
    assert.deepEqual(paid.map((p) => p.status).sort(), ['created', 'existing', 'existing', 'existing', 'existing', 'existing']);
    assert.equal(new Set(paid.map((p) => p.order?.id)).size, 1);
    const event = { id: `evt_${randomBytes(4).toString('hex')}`, type: 'charge.refunded' };
    const refunds = await Promise.all(
      both().map((s) =>
        s.orders.recordRefundFromEvent(store.id, event, { paymentIntentId: intent, amountRefunded: 100, status: 'partially_refunded' as const }),
      ),
    );
    assert.deepEqual(refunds.map((r) => r.status).sort(), ['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
  });

  it('caps the live sessions of a cart inside the transaction that bumped its version', async () => {
    const store = await newStore();
    const cartId = randomBytes(8).toString('hex');
    await a.carts.create({ id: cartId, storeId: store.id, currency: 'usd', expiresAt: Date.now() + 3_600_000 });
    const results = [];
    for (let version = 0; version < 4; version++) {
      const id = randomBytes(8).toString('hex');
      const s = version % 2 ? b : a;
      results.push(
        await s.checkouts.create({
          id,
          tokenHash: id,
          storeId: store.id,
          cartId,
          cartVersion: version,
          lineQuantities: {},
          lines: [],
          amount: 0,
          currency: 'usd',
          livemode: false,
          accountId: null,
          expiresAt: Date.now() + 600_000,
          maxLivePerCart: 2,
        }),
      );
    }
    assert.deepEqual(
      results.map((r) => r.status),
      ['created', 'created', 'limit_reached', 'cart_changed'],
    );
    assert.equal((await a.carts.get(cartId))!.version, 2, 'a refused create bumps nothing');
  });

  it('never lets a quantity change that keeps the version and a checkout of the old quantity both succeed', async () => {
    const store = await newStore();
    await a.catalog.upsertProducts(store.id, [{ id: 'tee', name: 'Tee', unit_amount: 500, currency: 'usd' }]);
    for (let round = 0; round < 10; round++) {
      const cartId = randomBytes(8).toString('hex');
      await a.carts.create({ id: cartId, storeId: store.id, currency: 'usd', expiresAt: Date.now() + 3_600_000 });
      assert.ok(
        await a.carts.writeLine({ cartId, version: 0, productId: 'tee', quantity: 1, currency: 'usd', expiresAt: Date.now() + 3_600_000, keepVersion: false }),
      );
      const lines = [{ product_id: 'tee', name: 'Tee', unit_amount: 500, quantity: 1, line_total: 500 }];
      const id = randomBytes(8).toString('hex');
      const [written, created] = await Promise.all([
        b.carts.writeLine({ cartId, version: 1, productId: 'tee', quantity: 3, currency: 'usd', expiresAt: Date.now() + 3_600_000, keepVersion: true }),
        a.checkouts.create({
          id,
          tokenHash: id,
          storeId: store.id,
          cartId,
          cartVersion: 1,
          lineQuantities: { tee: 1 },
          lines,
          amount: 500,
          currency: 'usd',
          livemode: false,
          accountId: null,
          expiresAt: Date.now() + 600_000,
          maxLivePerCart: 5,
        }),
      ]);
      assert.ok(!(written && created.status === 'created'), `round ${round}: the session froze quantity 1 while the cart holds 3`);
      assert.ok(written || created.status === 'created', `round ${round}: one of the two must succeed`);
    }
  });
});
