// A database made by the release whose schema ended at migration 008_claims_and_leases, on the engine
// TEST_DATABASE names: built with that release's own DDL (the shipped 001–008 of the engine's migration list)
// and runner bookkeeping, filled with raw SQL in the 008 shape, then opened the way the server opens it
// (which migrates it to the latest schema) and read back through the storage port, value by value.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { manualClock } from '../../server/src/clock';
import { clientSecretBinding, secretKeyBinding, webhookSecretBinding } from '../../server/src/crypto/bindings';
import { Sealer } from '../../server/src/crypto/seal';
import type { Order, Storage } from '../../server/src/storage/port';
import { openPostgresStorage } from '../../server/src/storage/postgres/index';
import { pgMigrations } from '../../server/src/storage/postgres/schema';
import { openSqliteStorage } from '../../server/src/storage/sqlite/index';
import { migrations } from '../../server/src/storage/sqlite/migrations';
import type { CartLine } from '../../server/src/wire';
import { TEST_ENGINE } from '../support/app';
import { throwawayDatabase } from '../support/pg';

const RELEASE_LAST = '008_claims_and_leases';
const known = (TEST_ENGINE === 'postgres' ? pgMigrations : migrations).map((m) => ({ id: m.id, sql: m.sql }));
/** The migrations the release at 008 shipped and applied: the engine's list up to and including 008. */
const released = known.slice(0, known.findIndex((m) => m.id === RELEASE_LAST) + 1);

const clock = manualClock(Date.UTC(2026, 0, 1));
const T0 = clock.now() - 10 * 86_400_000;
const sealer = new Sealer(new Uint8Array(randomBytes(32)));

// ---- the data the old release wrote ----
const STORE = 'st_legacy_008';
const ORIGINS = ['https://atelier.example', 'https://www.atelier.example'];
const SECRET_KEY = `sk_test_legacy_${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_legacy_${randomBytes(12).toString('hex')}`;
const CLIENT_SECRET = `pi_legacy_008_secret_${randomBytes(8).toString('hex')}`;
const SECRET_KEY_SEALED = sealer.seal(secretKeyBinding(STORE), SECRET_KEY);
const WEBHOOK_SECRET_SEALED = sealer.seal(webhookSecretBinding(STORE), WEBHOOK_SECRET);
const CART = 'cart_legacy_008';
const CHECKOUT = 'chk_legacy_008';
const ORDER = 'ord_legacy_008';
const INTENT = 'pi_legacy_008';
const EMAIL = 'ada@example.org';
const CLIENT_SECRET_SEALED = sealer.seal(clientSecretBinding({ id: CHECKOUT, store_id: STORE }), CLIENT_SECRET);
const LINES: CartLine[] = [
  { product_id: 'scarf', name: 'Silk scarf', unit_amount: 4500, quantity: 2, line_total: 9000 },
  { product_id: 'mug', name: 'Mug', unit_amount: 1200, quantity: 1, line_total: 1200 },
];
const AMOUNT = 10_200;
const PAID_AT = T0 + 60_000;

/** A boolean column's value as the engine stores it (0/1 on SQLite). */
const flag = (b: boolean) => (TEST_ENGINE === 'postgres' ? b : b ? 1 : 0);

/** Raw SQL on the database, bypassing the storage code; `?` placeholders on both engines. */
interface Raw {
  /** Runs the statements as the release's runner did: 001–008, each recorded in schema_migrations. */
  applyRelease(): Promise<void>;
  run(sql: string, params?: unknown[]): Promise<void>;
  all<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Every table's rows and every column's definition: what "changes nothing" compares. */
  snapshot(): Promise<unknown>;
  openStorage(): Promise<Storage>;
  remove(): Promise<void>;
}

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

async function makeRaw(): Promise<Raw> {
  if (TEST_ENGINE === 'postgres') {
    const db = await throwawayDatabase();
    const all = <R>(sql: string, params: unknown[] = []) => db.query<R>(numbered(sql), params);
    const tables = async () =>
      (await all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")).map(
        (r) => r.name,
      );
    return {
      async applyRelease() {
        // As postgres/migrations.ts ran then: one transaction, schema_migrations (id, applied_at BIGINT), each id recorded.
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          await client.query('BEGIN');
          await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
          for (const m of released) {
            await client.query(m.sql);
            await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [m.id, T0]);
          }
          await client.query('COMMIT');
        } finally {
          await client.end();
        }
      },
      run: async (sql, params) => void (await all(sql, params)),
      all,
      async snapshot() {
        const out: Record<string, unknown> = {};
        for (const t of await tables()) out[t] = sortRows(await all(`SELECT * FROM "${t}"`));
        out['(columns)'] = await all(
          "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name",
        );
        out['(indexes)'] = await all("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
        return out;
      },
      openStorage: () => openPostgresStorage({ url: db.url, poolSize: 2 }, clock),
      remove: db.drop,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'cb-upgrade-008-'));
  const path = join(dir, 'legacy.sqlite');
  const withDb = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  const all = <R>(sql: string, params: unknown[] = []) => Promise.resolve(withDb((db) => db.prepare(sql).all(...params) as R[]));
  return {
    applyRelease() {
      // As sqlite/index.ts's migrate ran then: schema_migrations (id, applied_at INTEGER), each migration in its own
      // IMMEDIATE transaction with its id recorded.
      withDb((db) => {
        db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
        const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
        for (const m of released) {
          db.transaction(() => {
            db.exec(m.sql);
            record.run(m.id, T0);
          }).immediate();
        }
      });
      return Promise.resolve();
    },
    run: (sql, params = []) => Promise.resolve(void withDb((db) => db.prepare(sql).run(...params))),
    all,
    async snapshot() {
      const out: Record<string, unknown> = {};
      const tables = await all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
      for (const { name } of tables) out[name] = sortRows(await all(`SELECT * FROM "${name}"`));
      out['(schema)'] = await all("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
      return out;
    },
    openStorage: () => Promise.resolve(openSqliteStorage(path, clock)),
    remove: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

/** Rows in a stable order (a bare SELECT * has none). */
function sortRows(rows: unknown[]): unknown[] {
  return rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
}

/** Fills the database with raw SQL in the 008 shape: no column added after 008 is named. */
async function fillAs008(raw: Raw): Promise<void> {
  await raw.run('INSERT INTO stores (id, name, allowed_origins, default_currency, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
    STORE,
    'Atelier Légende',
    JSON.stringify(ORIGINS),
    'eur',
    T0,
    T0 + 5,
  ]);
  await raw.run(
    `INSERT INTO stripe_connections (store_id, account_id, account_name, publishable_key, secret_key_sealed, key_type, livemode,
       key_status, webhook_endpoint_id, webhook_secret_sealed, connected_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      STORE,
      'acct_legacy008',
      'Atelier Légende SARL',
      'pk_test_legacy008',
      SECRET_KEY_SEALED,
      'secret',
      flag(false),
      'valid',
      'we_legacy008',
      WEBHOOK_SECRET_SEALED,
      T0 + 10,
      null,
    ],
  );
  await raw.run('INSERT INTO store_events (store_id, type, account_id, previous_account_id, livemode, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    STORE,
    'store_created',
    null,
    null,
    null,
    'Store "Atelier Légende" created',
    T0,
  ]);
  await raw.run('INSERT INTO store_events (store_id, type, account_id, previous_account_id, livemode, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    STORE,
    'connected',
    'acct_legacy008',
    null,
    flag(false),
    'Connected Stripe account acct_legacy008 with test secret key',
    T0 + 10,
  ]);
  const product = `INSERT INTO products (store_id, id, name, description, unit_amount, currency, image_url, active, max_quantity, position, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  await raw.run(product, [
    STORE,
    'scarf',
    'Silk scarf',
    'Hand-rolled hem',
    4500,
    'eur',
    'https://atelier.example/scarf.jpg',
    flag(true),
    3,
    0,
    T0 + 20,
    T0 + 21,
  ]);
  await raw.run(product, [STORE, 'mug', 'Mug', null, 1200, 'eur', null, flag(true), null, 1, T0 + 22, T0 + 22]);
  await raw.run(product, [STORE, 'old-tote', 'Old tote', null, 900, 'eur', null, flag(false), null, 2, T0 + 23, T0 + 24]);
  await raw.run('INSERT INTO carts (id, store_id, currency, status, created_at, updated_at, expires_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    CART,
    STORE,
    'eur',
    'closed',
    T0 + 30,
    PAID_AT,
    T0 + 86_400_000,
    3,
  ]);
  await raw.run('INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)', [CART, 'scarf', 2, T0 + 31]);
  await raw.run('INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)', [CART, 'mug', 1, T0 + 32]);
  await raw.run(
    `INSERT INTO checkouts (id, token_hash, store_id, cart_id, lines_json, amount, currency, livemode, status, payment_intent_id, client_secret,
       order_id, created_at, expires_at, sealed_client_secret, superseded_at, account_id, intent_status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      CHECKOUT,
      'hash_legacy_008',
      STORE,
      CART,
      JSON.stringify(LINES),
      AMOUNT,
      'eur',
      flag(false),
      'paid',
      INTENT,
      null,
      ORDER,
      T0 + 40,
      T0 + 40 + 86_400_000,
      CLIENT_SECRET_SEALED,
      null,
      'acct_legacy008',
      'succeeded',
    ],
  );
  await raw.run(
    `INSERT INTO orders (id, store_id, checkout_id, cart_id, status, amount, amount_refunded, currency, items_json, payment_intent_id, livemode,
       customer_email, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      ORDER,
      STORE,
      CHECKOUT,
      CART,
      'partially_refunded',
      AMOUNT,
      1200,
      'eur',
      JSON.stringify(LINES),
      INTENT,
      flag(false),
      EMAIL,
      'webhook',
      PAID_AT,
      PAID_AT + 1000,
    ],
  );
  await raw.run('INSERT INTO webhook_events (store_id, event_id, type, received_at) VALUES (?, ?, ?, ?)', [
    STORE,
    'evt_legacy_008',
    'payment_intent.succeeded',
    PAID_AT,
  ]);
  await raw.run('INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)', ['reconcile', 'old-instance', clock.now() + 3_600_000]);
}

/** Everything the port reads of the legacy data: compared whole between the first and second open. */
async function readThroughPort(storage: Storage) {
  return {
    store: await storage.stores.get(STORE),
    connection: await storage.stores.getConnection(STORE),
    webhookSecretSealed: await storage.stores.getWebhookSecretSealed(STORE),
    events: await storage.stores.listEvents(STORE),
    products: await storage.catalog.listProducts(STORE),
    activeProducts: await storage.catalog.listProducts(STORE, { activeOnly: true }),
    currency: await storage.catalog.currencyOf(STORE),
    cart: await storage.carts.get(CART),
    cartOwner: await storage.carts.ownerOf(CART),
    checkout: await storage.checkouts.get(CHECKOUT),
    checkoutByToken: await storage.checkouts.findByTokenHash('hash_legacy_008'),
    order: await storage.orders.get(ORDER),
    orderByIntent: await storage.orders.findByPaymentIntent(INTENT),
    orders: await storage.orders.listForStore(STORE, { limit: 10 }),
    sealed: (await storage.sealed.list()).sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`)),
    health: await storage.health(),
  };
}

describe(`upgrading a database of the release at migration 008 (${TEST_ENGINE})`, () => {
  let raw: Raw;
  let firstRead: Awaited<ReturnType<typeof readThroughPort>>;
  let afterFirstOpen: unknown;

  before(async () => {
    raw = await makeRaw();
  });
  after(async () => {
    await raw?.remove();
  });

  it('builds the 008 schema from the shipped migrations 001 to 008, recorded as that release recorded them', async () => {
    assert.deepEqual(
      released.map((m) => m.id),
      [
        '001_stores',
        '002_payments',
        '003_checkouts_by_cart',
        '004_sealed_client_secret',
        '005_checkout_superseded',
        '006_cart_version',
        '007_retired_connections',
        RELEASE_LAST,
      ],
    );
    assert.ok(known.length > released.length, 'the code knows migrations after 008');
    await raw.applyRelease();
    await fillAs008(raw);
    const recorded = await raw.all<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
    assert.deepEqual(
      recorded.map((r) => r.id),
      released.map((m) => m.id),
    );
  });

  it('a database of the release at migration 008 upgrades in place and reads its store, sealed keys and orders back', async () => {
    const storage = await raw.openStorage();
    try {
      const r = await readThroughPort(storage);
      firstRead = r;

      // The store: name, origins, currency as written; shipping (added by 009) reads as "ships nothing".
      assert.deepEqual(r.store, {
        id: STORE,
        name: 'Atelier Légende',
        allowed_origins: ORIGINS,
        default_currency: 'eur',
        shipping: null,
        created_at: T0,
        updated_at: T0 + 5,
      });

      // The connection, its sealed boxes byte for byte, and what they open to with the same Sealer and bindings.
      assert.deepEqual(r.connection, {
        store_id: STORE,
        account_id: 'acct_legacy008',
        account_name: 'Atelier Légende SARL',
        publishable_key: 'pk_test_legacy008',
        secret_key_sealed: SECRET_KEY_SEALED,
        key_type: 'secret',
        livemode: false,
        key_status: 'valid',
        webhook_endpoint_id: 'we_legacy008',
        webhook_secret_sealed: WEBHOOK_SECRET_SEALED,
        connected_at: T0 + 10,
        last_error: null,
      });
      assert.equal(sealer.open(secretKeyBinding(STORE), r.connection.secret_key_sealed), SECRET_KEY);
      assert.equal(sealer.open(webhookSecretBinding(STORE), r.connection.webhook_secret_sealed ?? ''), WEBHOOK_SECRET);
      assert.equal(r.webhookSecretSealed, WEBHOOK_SECRET_SEALED);
      assert.equal(sealer.open(webhookSecretBinding(STORE), r.webhookSecretSealed ?? ''), WEBHOOK_SECRET);

      // The audit trail, in order.
      assert.deepEqual(
        r.events.map(({ id: _id, ...e }) => e),
        [
          {
            store_id: STORE,
            type: 'store_created',
            account_id: null,
            previous_account_id: null,
            livemode: null,
            message: 'Store "Atelier Légende" created',
            created_at: T0,
          },
          {
            store_id: STORE,
            type: 'connected',
            account_id: 'acct_legacy008',
            previous_account_id: null,
            livemode: false,
            message: 'Connected Stripe account acct_legacy008 with test secret key',
            created_at: T0 + 10,
          },
        ],
      );
      assert.ok(r.events[0].id < r.events[1].id);

      // The catalog; weight_grams and shippable (added by 009) read as "not given" and "ships".
      const scarf = {
        id: 'scarf',
        name: 'Silk scarf',
        description: 'Hand-rolled hem',
        unit_amount: 4500,
        currency: 'eur',
        image_url: 'https://atelier.example/scarf.jpg',
        active: true,
        max_quantity: 3,
        weight_grams: null,
        shippable: true,
        stock: null,
        reserved: 0,
        available: null,
        tax_category: null,
      };
      const mug = {
        id: 'mug',
        name: 'Mug',
        description: null,
        unit_amount: 1200,
        currency: 'eur',
        image_url: null,
        active: true,
        max_quantity: null,
        weight_grams: null,
        shippable: true,
        stock: null,
        reserved: 0,
        available: null,
        tax_category: null,
      };
      const tote = {
        id: 'old-tote',
        name: 'Old tote',
        description: null,
        unit_amount: 900,
        currency: 'eur',
        image_url: null,
        active: false,
        max_quantity: null,
        weight_grams: null,
        shippable: true,
        stock: null,
        reserved: 0,
        available: null,
        tax_category: null,
      };
      assert.deepEqual(r.products, [scarf, mug, tote]);
      assert.deepEqual(r.activeProducts, [scarf, mug]);
      assert.equal(r.currency, 'eur');

      // The cart with its lines, in the order they were added.
      assert.deepEqual(r.cart, {
        id: CART,
        store_id: STORE,
        currency: 'eur',
        status: 'closed',
        version: 3,
        created_at: T0 + 30,
        updated_at: PAID_AT,
        expires_at: T0 + 86_400_000,
        lines: [
          {
            product_id: 'scarf',
            quantity: 2,
            added_at: T0 + 31,
            product: {
              id: 'scarf',
              name: 'Silk scarf',
              unit_amount: 4500,
              currency: 'eur',
              active: true,
              max_quantity: 3,
              weight_grams: null,
              shippable: true,
            },
          },
          {
            product_id: 'mug',
            quantity: 1,
            added_at: T0 + 32,
            product: { id: 'mug', name: 'Mug', unit_amount: 1200, currency: 'eur', active: true, max_quantity: null, weight_grams: null, shippable: true },
          },
        ],
        store_ships: false,
        discount: null,
        free_shipping_over: null,
        allowed_origins: ORIGINS,
      });
      assert.deepEqual(r.cartOwner, { store_id: STORE, allowed_origins: ORIGINS });

      // The paid session: columns of 009/010 read with their defaults (subtotal = amount, no shipping, no details).
      assert.deepEqual(r.checkout, {
        id: CHECKOUT,
        token_hash: 'hash_legacy_008',
        store_id: STORE,
        cart_id: CART,
        lines: LINES,
        amount: AMOUNT,
        subtotal: AMOUNT,
        shipping_amount: 0,
        discount: null,
        discount_amount: 0,
        tax_amount: 0,
        tax_lines: [],
        tax_calculation_id: null,
        details: { email: null, shipping: null },
        details_version: 0,
        currency: 'eur',
        livemode: false,
        status: 'paid',
        payment_intent_id: INTENT,
        client_secret_sealed: CLIENT_SECRET_SEALED,
        legacy_client_secret: null,
        superseded_at: null,
        account_id: 'acct_legacy008',
        intent_status: 'succeeded',
        intent_checked_at: null,
        intent_read_at: null,
        order_id: ORDER,
        created_at: T0 + 40,
        expires_at: T0 + 40 + 86_400_000,
      });
      assert.deepEqual(r.checkoutByToken, r.checkout);
      assert.equal(sealer.open(clientSecretBinding({ id: CHECKOUT, store_id: STORE }), r.checkout?.client_secret_sealed ?? ''), CLIENT_SECRET);

      // The order: every value as written; customer, shipping and amounts (added by 009) as rows.ts defines them
      // for old orders (customer from customer_email, no shipping, subtotal = amount, shipping 0).
      const order: Order = {
        id: ORDER,
        store_id: STORE,
        checkout_id: CHECKOUT,
        status: 'partially_refunded',
        amount: AMOUNT,
        amount_refunded: 1200,
        currency: 'eur',
        items: LINES,
        payment_intent_id: INTENT,
        livemode: false,
        customer_email: EMAIL,
        customer: { email: EMAIL, name: null, phone: null },
        shipping: null,
        discount: null,
        amounts: { subtotal: AMOUNT, discount: 0, shipping: 0, tax: 0, tax_lines: [], total: AMOUNT },
        oversold: false,
        created_at: new Date(PAID_AT).toISOString(),
      };
      assert.deepEqual(r.order, order);
      assert.deepEqual(r.orderByIntent, order);
      assert.deepEqual(r.orders, { data: [order], has_more: false });

      // Key rotation still finds every sealed value, unchanged.
      assert.deepEqual(r.sealed, [
        { table: 'checkouts', column: 'sealed_client_secret', rowId: CHECKOUT, storeId: STORE, sealed: CLIENT_SECRET_SEALED },
        { table: 'stripe_connections', column: 'secret_key_sealed', rowId: STORE, storeId: STORE, sealed: SECRET_KEY_SEALED },
        { table: 'stripe_connections', column: 'webhook_secret_sealed', rowId: STORE, storeId: STORE, sealed: WEBHOOK_SECRET_SEALED },
      ]);

      // The schema is current: every known migration recorded once, the release's eight untouched.
      assert.deepEqual(r.health, { ok: true });
      const recorded = await raw.all<{ id: string; applied_at: number | string }>('SELECT id, applied_at FROM schema_migrations');
      assert.deepEqual(recorded.map((m) => m.id).sort(), known.map((m) => m.id).sort());
      assert.equal(new Set(recorded.map((m) => m.id)).size, recorded.length);
      for (const m of recorded.filter((row) => released.some((rel) => rel.id === row.id)))
        assert.equal(Number(m.applied_at), T0, `${m.id} was not applied again`);
    } finally {
      await storage.close();
    }
    afterFirstOpen = await raw.snapshot();
  });

  it('opening the upgraded database a second time applies nothing new and changes nothing', async () => {
    assert.ok(firstRead && afterFirstOpen, 'the upgrade test ran first');
    const storage = await raw.openStorage();
    try {
      assert.deepEqual(await readThroughPort(storage), firstRead);
    } finally {
      await storage.close();
    }
    assert.deepEqual(await raw.snapshot(), afterFirstOpen);
  });

  it('the upgraded database still remembers the handled webhook event and the lease held by an instance of the old release', async () => {
    const storage = await raw.openStorage();
    try {
      assert.equal(await storage.orders.noteEvent(STORE, { id: 'evt_legacy_008', type: 'payment_intent.succeeded' }), false);
      assert.equal(await storage.leases.acquire('reconcile', 'new-instance', 60_000), false);
    } finally {
      await storage.close();
    }
    assert.deepEqual(await raw.snapshot(), afterFirstOpen);
  });
});
