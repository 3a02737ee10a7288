// The storage port's contract (server/src/storage/port.ts), method by method, in-process and without HTTP, on the
// engine TEST_DATABASE names: every adapter must pass it unchanged. Races use two Storage instances on one
// database (two server processes without the processes) and Promise.all; time is a manual clock.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../../server/src/clock';
import { LinkAlreadyUsedError, type CartLineWrite, type NewCheckout, type Storage, type StripeConnection } from '../../server/src/storage/port';
import type { CartLine, Shipping } from '../../server/src/wire';
import { throwawayStorage, type ThrowawayStorage } from '../support/storage';
import Sqlite from 'better-sqlite3';
import { openDatabase } from '../../server/src/storage/sqlite/index';
import { TEST_ENGINE } from '../support/app';

/** Every SQL text SQLite prepared while this suite ran (see the last test: statements a partial index re-prepares). */
const prepared = new Set<string>();
// eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the database as `this`
const prepare = Sqlite.prototype.prepare;
Sqlite.prototype.prepare = function (this: Sqlite.Database, source: string) {
  prepared.add(source);
  return prepare.call(this, source);
} as typeof prepare;

const clock = manualClock();
const HOUR = 3_600_000;
let db: ThrowawayStorage;
let a: Storage;
let b: Storage;
/** Six callers alternating between the two instances. */
const racers = () => [a, b, a, b, a, b];
const uid = (prefix = '') => `${prefix}${randomBytes(6).toString('hex')}`;

before(async () => {
  db = await throwawayStorage(clock);
  a = db.storage;
  b = await db.open();
});
after(() => db.destroy());

const newStore = async () => (await a.stores.create({ id: uid('st_'), name: 'Conformance Shop', allowed_origins: [], default_currency: 'usd' }))!;
const conn = (storeId: string, n: number, over: Partial<StripeConnection> = {}): StripeConnection => ({
  store_id: storeId,
  account_id: `acct_${n}`,
  account_name: `Account ${n}`,
  publishable_key: `pk_test_${n}`,
  secret_key_sealed: `sealed-sk-${n}`,
  key_type: 'secret',
  livemode: false,
  key_status: 'valid',
  webhook_endpoint_id: `we_${n}`,
  webhook_secret_sealed: `sealed-wh-${n}`,
  connected_at: clock.now(),
  last_error: null,
  ...over,
});
const link = () => ({ signature: uid('sig_'), expiresAt: clock.now() + HOUR });

/** A store selling `tee` (500 usd) with one open cart holding `quantity` tees (version 1). */
async function cartWithTee(quantity = 1, store?: { id: string }) {
  store ??= await newStore();
  await a.catalog.upsertProducts(store.id, [{ id: 'tee', name: 'Tee', unit_amount: 500, currency: 'usd', weight_grams: 200 }]);
  const cartId = uid('cart_');
  await a.carts.create({ id: cartId, storeId: store.id, currency: 'usd', expiresAt: clock.now() + HOUR });
  assert.ok(await a.carts.writeLine(write(cartId, 0, quantity)));
  return { store, cartId };
}
const write = (cartId: string, version: number, quantity: number, over: Partial<CartLineWrite> = {}): CartLineWrite => ({
  cartId,
  version,
  productId: 'tee',
  quantity,
  currency: 'usd',
  expiresAt: clock.now() + HOUR,
  keepVersion: false,
  ...over,
});
const teeLines = (quantity: number): CartLine[] => [{ product_id: 'tee', name: 'Tee', unit_amount: 500, quantity, line_total: 500 * quantity }];
const session = (storeId: string, cartId: string, cartVersion: number, quantity = 1, over: Partial<NewCheckout> = {}): NewCheckout => {
  const id = uid('chk_');
  return {
    id,
    tokenHash: `hash_${id}`,
    storeId,
    cartId,
    cartVersion,
    lineQuantities: { tee: quantity },
    lines: teeLines(quantity),
    amount: 500 * quantity,
    currency: 'usd',
    livemode: false,
    accountId: 'acct_1',
    expiresAt: clock.now() + HOUR,
    maxLivePerCart: 5,
    ...over,
  };
};
/** A session of a fresh cart with `pi` attached: what a payment is recorded against. */
async function sessionWithIntent(pi = uid('pi_'), inStore?: { id: string }) {
  const { store, cartId } = await cartWithTee(1, inStore);
  const made = await a.checkouts.create(session(store.id, cartId, 1));
  assert.equal(made.status, 'created');
  const checkout = made.status === 'created' ? made.checkout : assert.fail();
  await a.checkouts.attachPaymentIntent(checkout.id, pi, 'sealed-cs');
  return { store, cartId, checkout, pi };
}
const payment = (checkoutId: string, pi: string, over: Record<string, unknown> = {}) => ({
  orderId: uid('ord_'),
  checkoutId,
  paymentIntentId: pi,
  amount: 500,
  currency: 'usd',
  livemode: false,
  customerEmail: 'pay@example.com',
  source: 'webhook' as const,
  ...over,
});
const shipping: Shipping = {
  name: 'Ada',
  phone: '+44 20 0000',
  address: { line1: '1 Lane', line2: null, city: 'London', postal_code: 'N1', state: null, country: 'GB' },
  rate: { id: 'std', display_name: 'Standard', amount: 300 },
  delivery_estimate: null,
};

describe(`the storage port on ${process.env.TEST_DATABASE === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('answers the readiness probe once migrated', async () => {
    assert.deepEqual(await a.health(), { ok: true });
  });

  describe('stores', () => {
    it('creates a store as given and records store_created; a taken id answers null', async () => {
      const id = uid('st_');
      const made = await Promise.all(
        racers().map((s) => s.stores.create({ id, name: 'Twice', allowed_origins: ['https://a.example'], default_currency: 'usd' })),
      );
      assert.equal(made.filter(Boolean).length, 1);
      const store = (await b.stores.get(id))!;
      assert.deepEqual(
        { ...store, created_at: 0, updated_at: 0 },
        {
          id,
          name: 'Twice',
          allowed_origins: ['https://a.example'],
          default_currency: 'usd',
          shipping: null,
          created_at: 0,
          updated_at: 0,
        },
      );
      assert.equal(store.created_at, clock.now());
      const events = await a.stores.listEvents(id);
      assert.deepEqual(
        events.map((e) => [e.type, e.livemode]),
        [['store_created', null]],
      );
      assert.equal(await a.stores.get(uid()), null);
    });

    it('updates only the fields given and answers null for an unknown store', async () => {
      const store = await newStore();
      clock.advance(1000);
      const updated = (await a.stores.update(store.id, { default_currency: 'eur', name: undefined }))!;
      assert.equal(updated.name, 'Conformance Shop');
      assert.equal(updated.default_currency, 'eur');
      assert.equal(updated.updated_at, store.created_at + 1000);
      assert.deepEqual(await b.stores.get(store.id), updated);
      assert.equal(await a.stores.update(uid(), { name: 'x' }), null);
    });

    it('replaces the shipping settings with their free-over, which the cart read shows, and clears them with null', async () => {
      const { store, cartId } = await cartWithTee();
      const settings = { countries: ['GB'], rates: [{ id: 'std', display_name: 'Standard', amount: 300, free_over: 5000 }] };
      assert.deepEqual((await a.stores.setShipping(store.id, settings, 5000))!.shipping, settings);
      const cart = (await b.carts.get(cartId))!;
      assert.deepEqual([cart.store_ships, cart.free_shipping_over], [true, 5000]);
      assert.equal((await a.stores.setShipping(store.id, null, null))!.shipping, null);
      assert.deepEqual([(await a.carts.get(cartId))!.store_ships, (await a.carts.get(cartId))!.free_shipping_over], [false, null]);
      assert.equal(await a.stores.setShipping(uid(), null, null), null);
    });

    it('saves a connection over the previous one and audits connected, reconnected and account_changed', async () => {
      const store = await newStore();
      assert.equal(await a.stores.saveConnection(conn(store.id, 1), link()), null);
      assert.deepEqual(await b.stores.getConnection(store.id), conn(store.id, 1));
      const previous = await a.stores.saveConnection(conn(store.id, 1, { secret_key_sealed: 'sealed-sk-1b', livemode: true }), link());
      assert.deepEqual(previous, conn(store.id, 1));
      assert.equal(await a.stores.saveConnection(conn(store.id, 2), link()).then((p) => p?.account_id), 'acct_1');
      const events = await a.stores.listEvents(store.id);
      assert.deepEqual(
        events.map((e) => [e.type, e.account_id, e.previous_account_id, e.livemode]),
        [
          ['store_created', null, null, null],
          ['connected', 'acct_1', null, false],
          ['reconnected', 'acct_1', 'acct_1', true],
          ['account_changed', 'acct_2', 'acct_1', false],
        ],
      );
      assert.ok(events.every((e, i) => i === 0 || e.id > events[i - 1].id));
      assert.equal(await a.stores.getWebhookSecretSealed(store.id), 'sealed-wh-2');
      assert.equal(await a.stores.getWebhookSecretSealed(uid()), null);
    });

    it('burns a connect link once: of concurrent saves one succeeds, the others throw LinkAlreadyUsedError and change nothing', async () => {
      const store = await newStore();
      const used = link();
      assert.equal(await a.stores.isLinkUsed(used.signature), false);
      const results = await Promise.allSettled(racers().map((s, i) => s.stores.saveConnection(conn(store.id, i), used)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof LinkAlreadyUsedError, String(r.reason));
      assert.equal(await b.stores.isLinkUsed(used.signature), true);
      assert.equal((await a.stores.listEvents(store.id)).length, 2, 'store_created and one connected');
    });

    it('flips a valid key to invalid once and audits it; a disconnect hands the connection to one caller', async () => {
      const store = await newStore();
      await a.stores.saveConnection(conn(store.id, 1), link());
      const flips = await Promise.all(racers().map((s) => s.stores.markKeyInvalid(store.id, 'key revoked')));
      assert.equal(flips.filter(Boolean).length, 1);
      assert.deepEqual(await a.stores.getConnection(store.id).then((c) => [c?.key_status, c?.last_error]), ['invalid', 'key revoked']);
      const gone = await Promise.all(racers().map((s) => s.stores.disconnect(store.id)));
      assert.deepEqual(
        gone.filter(Boolean).map((c) => c!.account_id),
        ['acct_1'],
      );
      assert.equal(await a.stores.getConnection(store.id), null);
      assert.equal(await a.stores.markKeyInvalid(store.id, 'gone'), false);
      const types = (await b.stores.listEvents(store.id)).map((e) => e.type);
      assert.deepEqual(types, ['store_created', 'connected', 'keys_invalid', 'disconnected']);
    });

    it('keeps retired connections per store, oldest first, until each is dropped', async () => {
      const [s1, s2] = [await newStore(), await newStore()];
      const r1 = await a.stores.retireConnection(conn(s1.id, 1, { livemode: true }));
      const r2 = await a.stores.retireConnection(conn(s2.id, 2));
      const r3 = await b.stores.retireConnection(conn(s1.id, 3, { webhook_secret_sealed: null, webhook_endpoint_id: null }));
      assert.deepEqual(r1, {
        id: r1.id,
        store_id: s1.id,
        account_id: 'acct_1',
        livemode: true,
        secret_key_sealed: 'sealed-sk-1',
        webhook_endpoint_id: 'we_1',
        webhook_secret_sealed: 'sealed-wh-1',
        retired_at: clock.now(),
      });
      assert.deepEqual(
        (await a.stores.listRetiredConnections(s1.id)).map((r) => r.id),
        [r1.id, r3.id],
      );
      const all = (await b.stores.listRetiredConnections()).map((r) => r.id);
      assert.deepEqual(
        all.filter((id) => [r1.id, r2.id, r3.id].includes(id)),
        [r1.id, r2.id, r3.id],
      );
      await a.stores.dropRetiredConnection(r1.id);
      assert.deepEqual(await b.stores.listRetiredConnections(s1.id), [r3]);
    });
  });

  describe('catalog', () => {
    it('upserts products in the order sent after the existing ones, updating known ids in place', async () => {
      const store = await newStore();
      assert.equal(await a.catalog.currencyOf(store.id), null);
      await a.catalog.upsertProducts(store.id, [
        { id: 'b', name: 'B', unit_amount: 200, currency: 'usd' },
        { id: 'a', name: 'A', unit_amount: 100, currency: 'usd' },
      ]);
      const r = await b.catalog.upsertProducts(store.id, [
        {
          id: 'c',
          name: 'C',
          description: 'third',
          unit_amount: 300,
          currency: 'usd',
          image_url: 'https://img.example/c.png',
          max_quantity: 3,
          weight_grams: 250,
          shippable: false,
        },
        { id: 'b', name: 'B2', unit_amount: 0, currency: 'usd', active: false },
      ]);
      assert.ok(r.ok);
      assert.deepEqual(
        r.products.map((p) => p.id),
        ['a', 'c', 'b'],
      );
      assert.deepEqual(r.products[1], {
        id: 'c',
        name: 'C',
        description: 'third',
        unit_amount: 300,
        currency: 'usd',
        image_url: 'https://img.example/c.png',
        active: true,
        max_quantity: 3,
        weight_grams: 250,
        shippable: false,
        stock: null,
        reserved: 0,
        available: null,
        tax_category: null,
      });
      assert.deepEqual(r.products[2], {
        id: 'b',
        name: 'B2',
        description: null,
        unit_amount: 0,
        currency: 'usd',
        image_url: null,
        active: false,
        max_quantity: null,
        weight_grams: null,
        shippable: true,
        stock: null,
        reserved: 0,
        available: null,
        tax_category: null,
      });
      assert.deepEqual(
        (await a.catalog.listProducts(store.id, { activeOnly: true })).map((p) => p.id),
        ['a', 'c'],
      );
      assert.equal(await a.catalog.currencyOf(store.id), 'usd');
    });

    it('refuses an upsert that would mix the currencies of active products and changes nothing', async () => {
      const store = await newStore();
      await a.catalog.upsertProducts(store.id, [{ id: 'a', name: 'A', unit_amount: 100, currency: 'usd' }]);
      const mixed = await a.catalog.upsertProducts(store.id, [
        { id: 'x', name: 'X', unit_amount: 1, currency: 'eur' },
        { id: 'a', name: 'A!', unit_amount: 1, currency: 'usd' },
      ]);
      assert.deepEqual(mixed.ok ? mixed : [...mixed.currencies].sort(), ['eur', 'usd']);
      assert.deepEqual(
        (await a.catalog.listProducts(store.id)).map((p) => [p.id, p.name]),
        [['a', 'A']],
      );
      assert.ok(
        (await a.catalog.upsertProducts(store.id, [{ id: 'x', name: 'X', unit_amount: 1, currency: 'eur', active: false }])).ok,
        'an inactive product may differ',
      );
    });

    it('keeps one currency per store under concurrent upserts', async () => {
      const store = await newStore();
      const results = await Promise.all(
        racers().map((s, i) => s.catalog.upsertProducts(store.id, [{ id: `p${i}`, name: 'P', unit_amount: 100, currency: i % 2 ? 'eur' : 'usd' }])),
      );
      assert.ok(results.some((r) => r.ok));
      assert.equal(new Set((await a.catalog.listProducts(store.id)).map((p) => p.currency)).size, 1);
    });
  });

  describe('carts', () => {
    it('stores a new empty open cart at version 0 and names its store and its origins; an unknown cart reads null', async () => {
      const origins = ['https://shop.example', 'https://www.shop.example'];
      const store = (await a.stores.create({ id: uid('st_'), name: 'Conformance Shop', allowed_origins: origins, default_currency: 'usd' }))!;
      const id = uid('cart_');
      const cart = await a.carts.create({ id, storeId: store.id, currency: 'eur', expiresAt: clock.now() + HOUR });
      assert.deepEqual(cart, {
        id,
        store_id: store.id,
        currency: 'eur',
        status: 'open',
        version: 0,
        created_at: clock.now(),
        updated_at: clock.now(),
        expires_at: clock.now() + HOUR,
        lines: [],
        store_ships: false,
        free_shipping_over: null,
        discount: null,
        allowed_origins: origins,
      });
      assert.deepEqual(await b.carts.get(id), cart);
      assert.deepEqual(await b.carts.ownerOf(id), { store_id: store.id, allowed_origins: origins });
      assert.equal(await a.carts.get(uid()), null);
      assert.equal(await a.carts.ownerOf(uid()), null);
      assert.deepEqual(await a.carts.getWithProduct(uid(), 'tee'), { cart: null, product: null });
    });

    it('writes a line only at the version read: a stale write changes nothing, and of concurrent writes one wins', async () => {
      const { cartId } = await cartWithTee(1);
      assert.equal(await a.carts.writeLine(write(cartId, 0, 9)), false, 'version 0 is gone');
      const wins = await Promise.all(racers().map((s, i) => s.carts.writeLine(write(cartId, 1, i + 2, { currency: 'usd' }))));
      assert.equal(wins.filter(Boolean).length, 1);
      const cart = (await b.carts.get(cartId))!;
      assert.equal(cart.version, 2);
      assert.equal(cart.lines[0].quantity, wins.indexOf(true) + 2);
    });

    it('keeps the version and the cart row on a quantity-only write, under the same compare-and-set', async () => {
      const { cartId } = await cartWithTee(1);
      const before = (await a.carts.get(cartId))!;
      clock.advance(1000);
      assert.equal(await a.carts.writeLine(write(cartId, 1, 4, { keepVersion: true, expiresAt: before.expires_at + 5 })), true);
      const after = (await b.carts.get(cartId))!;
      assert.deepEqual([after.version, after.updated_at, after.expires_at, after.lines[0].quantity], [1, before.updated_at, before.expires_at, 4]);
      assert.equal(await a.carts.writeLine(write(cartId, 0, 5, { keepVersion: true })), false);
      assert.equal((await a.carts.get(cartId))!.lines[0].quantity, 4);
    });

    it('reads lines in the order they were added with their products as the catalog has them now, and removes a line at quantity 0', async () => {
      const { store, cartId } = await cartWithTee(2);
      await a.catalog.upsertProducts(store.id, [{ id: 'mug', name: 'Mug', unit_amount: 900, currency: 'usd', shippable: false }]);
      clock.advance(10);
      assert.ok(await a.carts.writeLine(write(cartId, 1, 1, { productId: 'mug' })));
      assert.ok(await a.carts.writeLine(write(cartId, 2, 1, { productId: 'ghost', expiresAt: clock.now() + 2 * HOUR })));
      const cart = (await b.carts.get(cartId))!;
      assert.deepEqual(
        cart.lines.map((l) => [l.product_id, l.quantity, l.product?.name ?? null]),
        [
          ['tee', 2, 'Tee'],
          ['mug', 1, 'Mug'],
          ['ghost', 1, null],
        ],
      );
      // A LineProduct: an adapter may read more of the product, but these fields are the contract.
      const { id, name, unit_amount, currency, active, max_quantity, weight_grams, shippable } = cart.lines[0].product!;
      assert.deepEqual(
        { id, name, unit_amount, currency, active, max_quantity, weight_grams, shippable },
        { id: 'tee', name: 'Tee', unit_amount: 500, currency: 'usd', active: true, max_quantity: null, weight_grams: 200, shippable: true },
      );
      assert.equal(cart.lines[1].product?.shippable, false);
      assert.deepEqual([cart.version, cart.expires_at, cart.updated_at], [3, clock.now() + 2 * HOUR, clock.now()]);
      const read = await a.carts.getWithProduct(cartId, 'mug');
      assert.deepEqual(read.cart, cart);
      assert.equal(read.product?.unit_amount, 900);
      assert.equal((await a.carts.getWithProduct(cartId, 'nope')).product, null);
      assert.ok(await a.carts.writeLine(write(cartId, 3, 0, { productId: 'mug' })));
      assert.deepEqual(
        (await a.carts.get(cartId))!.lines.map((l) => l.product_id),
        ['tee', 'ghost'],
      );
    });

    it('claims a cart for one owner at a time: the holder renews, an expired claim is taken over, only the holder releases', async () => {
      const { cartId } = await cartWithTee();
      const claims = await Promise.all(racers().map((s, i) => s.carts.claim(cartId, `inst${i}/x`, 30_000)));
      assert.equal(claims.filter(Boolean).length, 1);
      const holder = `inst${claims.indexOf(true)}/x`;
      assert.equal(await a.carts.claim(cartId, holder, 30_000), true, 'renewed');
      assert.equal(await b.carts.claim(cartId, 'other/y', 30_000), false);
      await b.carts.releaseClaim(cartId, 'other/y');
      assert.equal(await b.carts.claim(cartId, 'other/y', 30_000), false, 'a non-holder released nothing');
      clock.advance(30_000);
      assert.equal(await b.carts.claim(cartId, 'other/y', 30_000), true, 'taken over once expired');
      await b.carts.releaseClaim(cartId, holder);
      assert.equal(await a.carts.claim(cartId, holder, 30_000), false, 'the old holder released nothing of the new claim');
      await b.carts.releaseClaim(cartId, 'other/y');
      assert.equal(await a.carts.claim(cartId, holder, 30_000), true);
    });

    it('renews only a claim its owner still holds, and never takes one back after its release', async () => {
      const { cartId } = await cartWithTee();
      assert.ok(await a.carts.claim(cartId, 'inst/renewing', 30_000));
      clock.advance(20_000);
      assert.equal(await b.carts.renewClaim(cartId, 'inst/renewing', 30_000), true);
      clock.advance(20_000);
      assert.equal(await b.carts.claim(cartId, 'other/z', 30_000), false, 'the renewal moved the expiry on');
      assert.equal(await b.carts.renewClaim(cartId, 'other/z', 30_000), false, 'a non-holder renews nothing');
      await a.carts.releaseClaim(cartId, 'inst/renewing');
      assert.equal(await b.carts.renewClaim(cartId, 'inst/renewing', 30_000), false, 'a renewal after the release');
      assert.ok(await b.carts.claim(cartId, 'other/z', 30_000), 'which left no claim behind');
      clock.advance(31_000);
      assert.ok(await a.carts.claim(cartId, 'inst/next', 30_000), 'taken over once expired');
      assert.equal(await b.carts.renewClaim(cartId, 'other/z', 30_000), false, 'the old holder cannot renew the new claim');
    });

    it('purges carts whose expiry has passed, and claims whose TTL ran out', async () => {
      const { cartId } = await cartWithTee();
      assert.ok(await a.carts.claim(cartId, 'purge/x', 1000));
      clock.advance(HOUR);
      assert.ok((await a.carts.purgeExpired()) >= 1);
      assert.equal(await b.carts.get(cartId), null);
      assert.equal(await b.carts.claim(cartId, 'purge/y', 1000), true, 'the expired claim went with the purge');
    });
  });

  describe('checkouts', () => {
    it('creates a session only at the cart version and quantities read, bumping the version', async () => {
      const { store, cartId } = await cartWithTee(2);
      assert.deepEqual(await a.checkouts.create(session(store.id, cartId, 0, 2)), { status: 'cart_changed' });
      assert.deepEqual(await a.checkouts.create(session(store.id, cartId, 1, 1)), { status: 'cart_changed' }, 'quantities differ');
      assert.equal((await a.carts.get(cartId))!.version, 1, 'a refused create bumps nothing');
      const input = session(store.id, cartId, 1, 2, { livemode: true });
      const made = await b.checkouts.create(input);
      assert.equal(made.status, 'created');
      const c = made.status === 'created' ? made.checkout : assert.fail();
      assert.deepEqual(c, {
        id: input.id,
        token_hash: input.tokenHash,
        store_id: store.id,
        cart_id: cartId,
        lines: input.lines,
        amount: 1000,
        subtotal: 1000,
        shipping_amount: 0,
        discount: null,
        discount_amount: 0,
        tax_amount: 0,
        tax_lines: [],
        tax_calculation_id: null,
        details: { email: null, shipping: null },
        details_version: 0,
        currency: 'usd',
        livemode: true,
        status: 'open',
        payment_intent_id: null,
        client_secret_sealed: null,
        legacy_client_secret: null,
        superseded_at: null,
        account_id: 'acct_1',
        intent_status: null,
        intent_checked_at: null,
        intent_read_at: null,
        order_id: null,
        created_at: clock.now(),
        expires_at: input.expiresAt,
      });
      assert.equal((await a.carts.get(cartId))!.version, 2);
      assert.deepEqual(await a.checkouts.get(c.id), c);
      assert.deepEqual(await b.checkouts.findByTokenHash(input.tokenHash), c);
      assert.equal(await a.checkouts.get(uid()), null);
      assert.equal(await a.checkouts.findByTokenHash(uid()), null);
    });

    it('creates one session per cart version under concurrent creates', async () => {
      const { store, cartId } = await cartWithTee(1);
      const results = await Promise.all(racers().map((s) => s.checkouts.create(session(store.id, cartId, 1))));
      assert.deepEqual(results.map((r) => r.status).sort(), ['cart_changed', 'cart_changed', 'cart_changed', 'cart_changed', 'cart_changed', 'created']);
    });

    it('caps the unexpired sessions of a cart and answers when the oldest expires, bumping nothing', async () => {
      const { store, cartId } = await cartWithTee(1);
      const first = session(store.id, cartId, 1, 1, { maxLivePerCart: 2, expiresAt: clock.now() + 1000 });
      assert.equal((await a.checkouts.create(first)).status, 'created');
      assert.equal((await b.checkouts.create(session(store.id, cartId, 2, 1, { maxLivePerCart: 2 }))).status, 'created');
      assert.deepEqual(await a.checkouts.create(session(store.id, cartId, 3, 1, { maxLivePerCart: 2 })), { status: 'limit_reached', retryAt: first.expiresAt });
      assert.equal((await a.carts.get(cartId))!.version, 3);
      clock.advance(1000);
      assert.equal((await a.checkouts.create(session(store.id, cartId, 3, 1, { maxLivePerCart: 2 }))).status, 'created', 'an expired one no longer counts');
    });

    it('keeps the first PaymentIntent ever attached: concurrent callers all get it back', async () => {
      const { store, cartId } = await cartWithTee();
      const made = await a.checkouts.create(session(store.id, cartId, 1));
      const id = made.status === 'created' ? made.checkout.id : assert.fail();
      const attached = await Promise.all(racers().map((s, i) => s.checkouts.attachPaymentIntent(id, `pi_${i}_${id}`, `sealed_${i}`)));
      assert.equal(new Set(attached.map((c) => `${c.payment_intent_id} ${c.client_secret_sealed}`)).size, 1);
      assert.equal((await a.checkouts.attachPaymentIntent(id, 'pi_late', 'late')).payment_intent_id, attached[0].payment_intent_id);
      await a.checkouts.sealClientSecret(id, 'resealed');
      assert.deepEqual(await b.checkouts.get(id).then((c) => [c?.client_secret_sealed, c?.legacy_client_secret]), ['resealed', null]);
      assert.deepEqual(
        (await a.checkouts.listPlaintextSecrets()).filter((r) => r.id === id),
        [],
      );
    });

    it("releases the cart claim of the owner it is given with the intent, whether its intent stuck or not, and nobody else's", async () => {
      const { store, cartId } = await cartWithTee();
      const made = await a.checkouts.create(session(store.id, cartId, 1));
      const id = made.status === 'created' ? made.checkout.id : assert.fail();
      assert.ok(await a.carts.claim(cartId, 'owner-1', HOUR));
      const stored = await b.checkouts.attachPaymentIntent(id, 'pi_first', 's1', null, { cartId, owner: 'owner-1' });
      assert.equal(stored.payment_intent_id, 'pi_first');
      assert.ok(await a.carts.claim(cartId, 'owner-2', HOUR), 'the claim was released with the intent');
      const late = await b.checkouts.attachPaymentIntent(id, 'pi_late', 's2', null, { cartId, owner: 'owner-1' });
      assert.equal(late.payment_intent_id, 'pi_first', 'the first intent sticks');
      assert.equal(await a.carts.claim(cartId, 'owner-3', HOUR), false, "another owner's claim stays");
      await b.checkouts.attachPaymentIntent(id, 'pi_later', 's3', null, { cartId, owner: 'owner-2' });
      assert.ok(await a.carts.claim(cartId, 'owner-3', HOUR), "the holder's claim goes though its intent did not stick");
    });

    it("records the account an intent was created on with it, and keeps the session's account when none is given", async () => {
      const { store, cartId } = await cartWithTee();
      const made = await a.checkouts.create(session(store.id, cartId, 1));
      const id = made.status === 'created' ? made.checkout.id : assert.fail();
      assert.equal((await b.checkouts.attachPaymentIntent(id, uid('pi_'), 's', 'acct_switched')).account_id, 'acct_switched');
      const other = await sessionWithIntent();
      assert.equal(other.checkout.account_id, 'acct_1');
      assert.equal((await a.checkouts.get(other.checkout.id))?.account_id, 'acct_1');
    });

    it('grants one read claim of an intent per spacing to concurrent callers, and keeps the status with both clocks', async () => {
      const { checkout } = await sessionWithIntent();
      const wins = await Promise.all(racers().map((s) => s.checkouts.claimIntentCheck(checkout.id, 10_000, 1000)));
      assert.equal(wins.filter(Boolean).length, 1);
      assert.equal(await a.checkouts.claimIntentCheck(checkout.id, 10_999, 1000), false);
      assert.equal(await b.checkouts.claimIntentCheck(checkout.id, 11_000, 1000), true);
      await a.checkouts.recordIntentStatus(checkout.id, 'requires_payment_method', 123, 456);
      const row = await b.checkouts.get(checkout.id);
      assert.deepEqual([row?.intent_status, row?.intent_checked_at, row?.intent_read_at], ['requires_payment_method', 123, 456]);
    });

    it('saves details only at the version read and while unpaid, answering the row as it now is', async () => {
      const { checkout, pi } = await sessionWithIntent();
      const details = { email: 'ada@example.com', shipping };
      const saved = await a.checkouts.saveDetails({ id: checkout.id, version: 0, details, shippingAmount: 300, amount: 800 });
      assert.equal(saved.status, 'saved');
      assert.deepEqual(
        [saved.checkout?.details, saved.checkout?.details_version, saved.checkout?.amount, saved.checkout?.subtotal, saved.checkout?.shipping_amount],
        [details, 1, 800, 500, 300],
      );
      const stale = await b.checkouts.saveDetails({
        id: checkout.id,
        version: 0,
        details: { email: 'x@example.com', shipping: null },
        shippingAmount: 0,
        amount: 500,
      });
      assert.deepEqual(stale, { status: 'changed', checkout: saved.checkout });
      const race = await Promise.all(
        racers().map((s, i) =>
          s.checkouts.saveDetails({ id: checkout.id, version: 1, details: { email: `${i}@example.com`, shipping }, shippingAmount: 300, amount: 800 }),
        ),
      );
      assert.equal(race.filter((r) => r.status === 'saved').length, 1);
      assert.equal((await a.orders.recordPaid(payment(checkout.id, pi, { amount: 800 }))).status, 'created');
      const paid = await a.checkouts.saveDetails({ id: checkout.id, version: 2, details, shippingAmount: 0, amount: 500 });
      assert.deepEqual([paid.status, paid.checkout?.status, paid.checkout?.details_version], ['changed', 'paid', 2]);
      assert.deepEqual(await a.checkouts.saveDetails({ id: uid(), version: 0, details, shippingAmount: 0, amount: 1 }), { status: 'changed', checkout: null });
    });

    it('lists the sessions to reconcile: unpaid, not superseded, with an intent, recent or still processing', async () => {
      const store = await newStore();
      const since = clock.now();
      const old = await sessionWithIntent();
      const processing = await sessionWithIntent();
      const superseded = await sessionWithIntent();
      clock.advance(HOUR);
      const recent = await sessionWithIntent();
      const noIntent = await cartWithTee().then(({ store: s, cartId }) => a.checkouts.create(session(s.id, cartId, 1)));
      await a.checkouts.recordIntentStatus(processing.checkout.id, 'processing', clock.now(), Date.now());
      await a.checkouts.recordIntentStatus(old.checkout.id, 'requires_payment_method', clock.now(), Date.now());
      await b.checkouts.markSuperseded(superseded.checkout.id);
      const ids = (await b.checkouts.listToReconcile(since + 1)).map((c) => c.id);
      const mine = [old, processing, superseded, recent].map((s) => s.checkout.id);
      assert.deepEqual(
        ids.filter((id) => mine.includes(id)),
        [processing.checkout.id, recent.checkout.id],
        'oldest first',
      );
      assert.ok(noIntent.status === 'created' && !ids.includes(noIntent.checkout.id));
      assert.deepEqual(
        (await a.checkouts.listToReconcile(since, recent.store.id)).map((c) => c.id),
        [recent.checkout.id],
      );
      assert.deepEqual(await a.checkouts.listToReconcile(since, store.id), []);
      const got = (await a.checkouts.get(superseded.checkout.id))!;
      assert.equal(got.superseded_at, clock.now());
      assert.equal((await a.checkouts.get(processing.checkout.id))!.intent_status, 'processing');
    });

    it('lists the unpaid sessions with an intent of a cart', async () => {
      const { store, cartId, checkout } = await sessionWithIntent();
      const without = await a.checkouts.create(session(store.id, cartId, 2));
      assert.equal(without.status, 'created');
      assert.deepEqual(
        (await b.checkouts.listOpenWithIntentForCart(cartId)).map((c) => c.id),
        [checkout.id],
      );
    });

    it("reads, for an intent, the session, whether its cart is closed, its store's connection and the cart's other sessions with an intent", async () => {
      const { store, cartId, checkout: first, pi } = await sessionWithIntent();
      const made = await a.checkouts.create(session(store.id, cartId, 2));
      const second = made.status === 'created' ? made.checkout : assert.fail(made.status);
      const other = await sessionWithIntent();
      assert.equal(await b.checkouts.forIntent('chk_missing'), null);
      assert.equal((await b.checkouts.forIntent(second.id))!.connection, null, 'a store without a connection');
      await a.stores.saveConnection(conn(store.id, 7, { livemode: true, key_status: 'invalid' }), link());
      const found = (await b.checkouts.forIntent(second.id))!;
      assert.deepEqual(found.connection, await b.stores.getConnection(store.id), "the store's connection as getConnection reads it");
      assert.deepEqual([found.connection?.account_id, found.connection?.livemode, found.connection?.key_status], ['acct_7', true, 'invalid']);
      assert.equal(found.checkout.id, second.id);
      assert.equal(found.checkout.payment_intent_id, null);
      assert.equal(found.cart?.status, 'open');
      assert.ok(found.cart && found.cart.expires_at > clock.now(), 'the expiry, a number of ms');
      assert.deepEqual(
        found.others_with_intent.map((c) => [c.id, c.payment_intent_id]),
        [[first.id, pi]],
        "only its own cart's sessions, without itself",
      );
      assert.deepEqual((await b.checkouts.forIntent(first.id))!.others_with_intent, [], 'a session without an intent is no sibling to cancel');
      assert.equal((await a.orders.recordPaid(payment(first.id, pi))).status, 'created');
      const afterPaid = (await b.checkouts.forIntent(second.id))!;
      assert.equal(afterPaid.cart?.status, 'closed');
      assert.deepEqual(afterPaid.others_with_intent, [], 'a paid session is no longer open');
      assert.equal((await b.checkouts.forIntent(other.checkout.id))!.cart?.status, 'open');
    });

    it('purges expired unpaid sessions that can take no money, and keeps the rest', async () => {
      const { store, cartId } = await cartWithTee();
      const make = async (version: number) => {
        const r = await a.checkouts.create(session(store.id, cartId, version, 1, { maxLivePerCart: 10 }));
        return r.status === 'created' ? r.checkout.id : assert.fail(r.status);
      };
      const [bare, superseded, canceled, processing, paid] = [await make(1), await make(2), await make(3), await make(4), await make(5)];
      for (const id of [superseded, canceled, processing, paid]) await a.checkouts.attachPaymentIntent(id, `pi_${id}`, 's');
      await a.checkouts.markSuperseded(superseded);
      await a.checkouts.recordIntentStatus(canceled, 'canceled', clock.now(), Date.now());
      await a.checkouts.recordIntentStatus(processing, 'processing', clock.now(), Date.now());
      assert.equal((await a.orders.recordPaid(payment(paid, `pi_${paid}`))).status, 'created');
      const left = () => Promise.all([bare, superseded, canceled, processing, paid].map(async (id) => (await a.checkouts.get(id))?.id ?? null));
      await b.checkouts.purgeAbandoned(clock.now());
      assert.deepEqual(await left(), [bare, superseded, canceled, processing, paid], 'nothing has expired yet');
      clock.advance(2 * HOUR);
      assert.ok((await b.checkouts.purgeAbandoned(clock.now())) >= 3);
      assert.deepEqual(await left(), [null, null, null, processing, paid]);
    });
  });

  describe('orders', () => {
    it('records a payment once per intent: one created, the others existing; the session is paid and the cart closed', async () => {
      const { store, cartId, checkout, pi } = await sessionWithIntent();
      const details = { email: 'ada@example.com', shipping };
      await a.checkouts.saveDetails({ id: checkout.id, version: 0, details, shippingAmount: 300, amount: 800 });
      const results = await Promise.all(racers().map((s) => s.orders.recordPaid(payment(checkout.id, pi, { amount: 800 }))));
      assert.deepEqual(results.map((r) => r.status).sort(), ['created', 'existing', 'existing', 'existing', 'existing', 'existing']);
      const order = results.find((r) => r.status === 'created')!.order!;
      assert.ok(results.every((r) => r.order?.id === order.id));
      assert.deepEqual(order, {
        id: order.id,
        store_id: store.id,
        checkout_id: checkout.id,
        status: 'paid',
        amount: 800,
        amount_refunded: 0,
        currency: 'usd',
        items: teeLines(1),
        payment_intent_id: pi,
        livemode: false,
        customer_email: 'ada@example.com',
        customer: { email: 'ada@example.com', name: 'Ada', phone: '+44 20 0000' },
        shipping,
        discount: null,
        amounts: { subtotal: 500, discount: 0, shipping: 300, tax: 0, tax_lines: [], total: 800 },
        oversold: false,
        created_at: new Date(clock.now()).toISOString(),
      });
      const chk = (await b.checkouts.get(checkout.id))!;
      assert.deepEqual([chk.status, chk.order_id], ['paid', order.id]);
      const cart = (await b.carts.get(cartId))!;
      assert.deepEqual([cart.status, cart.version], ['closed', 3]);
      assert.deepEqual(await a.orders.get(order.id), order);
      assert.deepEqual(await b.orders.findByPaymentIntent(pi), order);
      assert.equal(await a.orders.get(uid()), null);
    });

    it('records nothing for an unknown session, another intent, or another amount or currency', async () => {
      const { checkout, pi } = await sessionWithIntent();
      assert.deepEqual(await a.orders.recordPaid(payment(uid(), uid('pi_'))), { status: 'checkout_not_found', order: null });
      assert.deepEqual(await a.orders.recordPaid(payment(checkout.id, uid('pi_'))), { status: 'intent_mismatch', order: null });
      assert.deepEqual(await a.orders.recordPaid(payment(checkout.id, pi, { amount: 499 })), { status: 'amount_mismatch', order: null });
      assert.deepEqual(await a.orders.recordPaid(payment(checkout.id, pi, { currency: 'eur' })), { status: 'amount_mismatch', order: null });
      assert.equal((await a.checkouts.get(checkout.id))!.status, 'open');
      const { checkout: bare } = await cartWithTee().then(async ({ store, cartId }) => {
        const r = await a.checkouts.create(session(store.id, cartId, 1));
        return { checkout: r.status === 'created' ? r.checkout : assert.fail() };
      });
      const paidBare = await a.orders.recordPaid(payment(bare.id, 'pi_found_later_' + bare.id, { customerEmail: null }));
      assert.equal(paidBare.status, 'created', 'a session without a recorded intent takes the payment’s');
      assert.equal((await a.checkouts.get(bare.id))!.payment_intent_id, 'pi_found_later_' + bare.id);
      assert.deepEqual(paidBare.order?.customer, { email: null, name: null, phone: null });
    });

    it('records a payment from an event once: a repeated event answers null and changes nothing', async () => {
      const { store, checkout, pi } = await sessionWithIntent();
      const event = { id: uid('evt_'), type: 'payment_intent.succeeded' };
      const results = await Promise.all(racers().map((s) => s.orders.recordPaidFromEvent(store.id, event, payment(checkout.id, pi))));
      assert.deepEqual(results.map((r) => r?.status ?? null).sort(), ['created', null, null, null, null, null]);
      assert.equal(await a.orders.noteEvent(store.id, event), false);
      const mismatch = await a.orders.recordPaidFromEvent(store.id, { id: uid('evt_'), type: 'x' }, payment(uid(), pi));
      assert.equal(mismatch?.status, 'existing');
    });

    it('raises refunds only upwards, once per event, and refuses a refund of a session not yet paid without remembering it', async () => {
      const { store, checkout, pi } = await sessionWithIntent();
      const evt = () => ({ id: uid('evt_'), type: 'charge.refunded' });
      const unpaid = evt();
      assert.deepEqual(
        await a.orders.recordRefundFromEvent(store.id, unpaid, { paymentIntentId: pi, amountRefunded: 100, status: 'partially_refunded' as const }),
        { status: 'order_not_recorded_yet' },
      );
      await a.orders.recordPaid(payment(checkout.id, pi));
      const partial = await b.orders.recordRefundFromEvent(store.id, unpaid, {
        paymentIntentId: pi,
        amountRefunded: 100,
        status: 'partially_refunded' as const,
      });
      assert.deepEqual(
        partial.status === 'applied' && [partial.order.status, partial.order.amount_refunded],
        ['partially_refunded', 100],
        'the refused event was not remembered',
      );
      const dup = evt();
      const twice = await Promise.all(
        racers().map((s) => s.orders.recordRefundFromEvent(store.id, dup, { paymentIntentId: pi, amountRefunded: 500, status: 'refunded' as const })),
      );
      assert.deepEqual(twice.map((r) => r.status).sort(), ['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      const late = await a.orders.recordRefundFromEvent(store.id, evt(), { paymentIntentId: pi, amountRefunded: 200, status: 'partially_refunded' as const });
      assert.deepEqual(late.status === 'applied' && [late.order.status, late.order.amount_refunded], ['refunded', 500]);
      assert.deepEqual(
        await a.orders.recordRefundFromEvent(store.id, evt(), { paymentIntentId: uid('pi_'), amountRefunded: 1, status: 'partially_refunded' as const }),
        { status: 'not_ours' },
      );
      const other = await newStore();
      assert.deepEqual(
        await a.orders.recordRefundFromEvent(other.id, evt(), { paymentIntentId: pi, amountRefunded: 1, status: 'partially_refunded' as const }),
        { status: 'not_ours' },
      );
    });

    it('remembers a plain event once per store', async () => {
      const [s1, s2] = [await newStore(), await newStore()];
      const event = { id: uid('evt_'), type: 'account.updated' };
      assert.deepEqual(await Promise.all(racers().map((s) => s.orders.noteEvent(s1.id, event))).then((r) => r.filter(Boolean).length), 1);
      assert.equal(await a.orders.noteEvent(s2.id, event), true);
    });

    it('forgets the event ids received before a time, and only those', async () => {
      const store = await newStore();
      const old = { id: uid('evt_'), type: 'charge.succeeded' };
      await a.orders.noteEvent(store.id, old);
      clock.advance(HOUR);
      const recent = { id: uid('evt_'), type: 'charge.succeeded' };
      await a.orders.noteEvent(store.id, recent);
      assert.ok((await b.orders.purgeEvents(clock.now() - HOUR / 2)) >= 1);
      assert.equal(await a.orders.noteEvent(store.id, old), true, 'forgotten: it would be handled again');
      assert.equal(await a.orders.noteEvent(store.id, recent), false, 'kept');
    });

    it('pages a store’s orders newest first, and answers null after an order of another store', async () => {
      const store = await newStore();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { checkout, pi } = await sessionWithIntent(uid('pi_'), store);
        ids.push((await a.orders.recordPaid(payment(checkout.id, pi))).order!.id);
      }
      const page = (await b.orders.listForStore(store.id, { limit: 2 }))!;
      assert.deepEqual([page.data.map((o) => o.id), page.has_more], [[ids[2], ids[1]], true]);
      assert.deepEqual(await a.orders.listForStore(store.id, { limit: 2, startingAfter: ids[1] }).then((p) => [p?.data.map((o) => o.id), p?.has_more]), [
        [ids[0]],
        false,
      ]);
      const elsewhere = await sessionWithIntent();
      const foreign = (await a.orders.recordPaid(payment(elsewhere.checkout.id, elsewhere.pi))).order!.id;
      assert.equal(await a.orders.listForStore(store.id, { limit: 2, startingAfter: foreign }), null);
      assert.deepEqual(await a.orders.listForStore(elsewhere.store.id, { limit: 2 }).then((p) => p?.data.map((o) => o.id)), [foreign]);
    });
  });

  describe('stock', () => {
    /** A store whose tee has `stock`, and `carts` open carts holding `quantity` tees each. */
    async function stockedCarts(stock: number, carts: number, quantity = 1) {
      const store = await newStore();
      await a.catalog.upsertProducts(store.id, [{ id: 'tee', name: 'Tee', unit_amount: 500, currency: 'usd', stock }]);
      const ids = [];
      for (let i = 0; i < carts; i++) ids.push((await cartWithTee(quantity, store)).cartId);
      return { store, carts: ids };
    }
    const tee = async (storeId: string) => (await a.catalog.listProducts(storeId)).find((p) => p.id === 'tee')!;
    const created = (r: Awaited<ReturnType<Storage['checkouts']['create']>>) => (r.status === 'created' ? r.checkout : assert.fail(r.status));

    it('adjusts stock relatively: concurrent adjustments all apply, none below zero, unlimited and unknown products refused', async () => {
      const { store } = await stockedCarts(10, 0);
      const results = await Promise.all(racers().map((s, i) => s.catalog.adjustStock(store.id, 'tee', i % 2 ? 3 : -2)));
      assert.ok(results.every((r) => r.status === 'adjusted'));
      assert.equal((await tee(store.id)).stock, 13);
      const refused = await a.catalog.adjustStock(store.id, 'tee', -14);
      assert.deepEqual([refused.status, refused.status === 'not_found' ? null : refused.product.stock], ['insufficient', 13]);
      await a.catalog.upsertProducts(store.id, [{ id: 'free', name: 'Free', unit_amount: 1, currency: 'usd' }]);
      assert.equal((await a.catalog.adjustStock(store.id, 'free', 1)).status, 'unlimited');
      assert.equal((await a.catalog.adjustStock(store.id, 'nope', 1)).status, 'not_found');
    });

    it('reserves exactly the units there are for concurrent sessions on two instances; a refused one stores nothing', async () => {
      const { store, carts } = await stockedCarts(3, 6);
      const results = await Promise.all(carts.map((cartId, i) => racers()[i].checkouts.create(session(store.id, cartId, 1))));
      assert.deepEqual(results.map((r) => r.status).sort(), ['created', 'created', 'created', 'out_of_stock', 'out_of_stock', 'out_of_stock']);
      assert.deepEqual(
        results.find((r) => r.status === 'out_of_stock'),
        { status: 'out_of_stock', productId: 'tee', available: 0 },
      );
      assert.deepEqual([(await tee(store.id)).reserved, (await tee(store.id)).available], [3, 0]);
      const refusedCart = carts[results.findIndex((r) => r.status === 'out_of_stock')];
      assert.equal((await a.carts.get(refusedCart))!.version, 1, 'the version bump rolled back too');
    });

    it("shows a cart write the product's available without the cart's own reservation", async () => {
      const { store, carts } = await stockedCarts(5, 2, 2);
      created(await a.checkouts.create(session(store.id, carts[0], 1, 2)));
      assert.equal((await b.carts.getWithProduct(carts[0], 'tee')).product!.available, 5);
      assert.equal((await b.carts.getWithProduct(carts[1], 'tee')).product!.available, 3);
    });

    it('stops counting a reservation once it expires, and a newer session of the cart replaces the older one', async () => {
      const { store, carts } = await stockedCarts(5, 1, 2);
      created(await a.checkouts.create(session(store.id, carts[0], 1, 2, { expiresAt: clock.now() + 1000 })));
      created(await a.checkouts.create(session(store.id, carts[0], 2, 2, { expiresAt: clock.now() + 1000 })));
      assert.equal((await tee(store.id)).reserved, 2);
      clock.advance(1001);
      assert.equal((await tee(store.id)).reserved, 0);
    });

    it('releases the units of a superseded session and of one whose intent was canceled', async () => {
      const { store, carts } = await stockedCarts(5, 2, 2);
      const first = created(await a.checkouts.create(session(store.id, carts[0], 1, 2)));
      const second = created(await a.checkouts.create(session(store.id, carts[1], 1, 2)));
      await b.checkouts.markSuperseded(first.id);
      assert.equal((await tee(store.id)).reserved, 2);
      await b.checkouts.recordIntentStatus(second.id, 'canceled', clock.now(), clock.now());
      assert.equal((await tee(store.id)).reserved, 0);
    });

    it('turns the reservation into a sale when the order is recorded; a sale of units held by others is recorded oversold, stock floored at 0', async () => {
      const { store, carts } = await stockedCarts(1, 2);
      const lapsed = created(await a.checkouts.create(session(store.id, carts[0], 1, 1, { expiresAt: clock.now() + 1000 })));
      await a.checkouts.attachPaymentIntent(lapsed.id, 'pi_lapsed_' + uid(), 'sealed');
      clock.advance(1001);
      const held = created(await a.checkouts.create(session(store.id, carts[1], 1)));
      await a.checkouts.attachPaymentIntent(held.id, 'pi_held_' + uid(), 'sealed');
      const late = await b.orders.recordPaid(payment(lapsed.id, (await a.checkouts.get(lapsed.id))!.payment_intent_id!));
      assert.deepEqual([late.status, late.order?.oversold, (await a.orders.get(late.order!.id))?.oversold], ['created', true, true]);
      assert.equal((await tee(store.id)).stock, 0);
      const ontime = await b.orders.recordPaid(payment(held.id, (await a.checkouts.get(held.id))!.payment_intent_id!));
      assert.equal(ontime.order?.oversold, true, 'its unit was sold to the late payment');
      const fresh = await stockedCarts(4, 1, 3);
      const sale = created(await a.checkouts.create(session(fresh.store.id, fresh.carts[0], 1, 3)));
      await a.checkouts.attachPaymentIntent(sale.id, 'pi_sale_' + uid(), 'sealed');
      const sold = await a.orders.recordPaid(payment(sale.id, (await a.checkouts.get(sale.id))!.payment_intent_id!, { amount: 1500 }));
      assert.equal(sold.order?.oversold, false);
      assert.deepEqual([(await tee(fresh.store.id)).stock, (await tee(fresh.store.id)).reserved], [1, 0]);
    });
  });

  describe('sealed values', () => {
    it('lists every sealed value and replaces them all only while each still holds what was listed', async () => {
      const store = await newStore();
      await a.stores.saveConnection(conn(store.id, 7), link());
      const retired = await a.stores.retireConnection(conn(store.id, 8, { webhook_secret_sealed: null }));
      const { checkout } = await sessionWithIntent();
      const mine = (await b.sealed.list()).filter((v) => v.storeId === store.id || v.rowId === checkout.id);
      assert.deepEqual(
        mine.map((v) => [v.table, v.column, v.rowId, v.sealed]),
        [
          ['stripe_connections', 'secret_key_sealed', store.id, 'sealed-sk-7'],
          ['stripe_connections', 'webhook_secret_sealed', store.id, 'sealed-wh-7'],
          ['retired_connections', 'secret_key_sealed', String(retired.id), 'sealed-sk-8'],
          ['checkouts', 'sealed_client_secret', checkout.id, 'sealed-cs'],
        ],
      );
      const change = (v: (typeof mine)[number], from = v.sealed) => ({ table: v.table, column: v.column, rowId: v.rowId, from, to: `v2:${v.sealed}` });
      assert.equal(await a.sealed.replace([change(mine[0]), change(mine[1], 'stale')]), false);
      assert.equal((await a.stores.getConnection(store.id))!.secret_key_sealed, 'sealed-sk-7', 'nothing written');
      assert.equal(await a.sealed.replace(mine.map((v) => change(v))), true);
      assert.equal((await b.stores.getConnection(store.id))!.webhook_secret_sealed, 'v2:sealed-wh-7');
      assert.equal((await b.stores.listRetiredConnections(store.id))[0].secret_key_sealed, 'v2:sealed-sk-8');
      assert.equal((await b.checkouts.get(checkout.id))!.client_secret_sealed, 'v2:sealed-cs');
    });
  });

  describe('budgets', () => {
    it('gives concurrent takers of a full bucket exactly its tokens, across two instances, then refills over time', async () => {
      const key = uid('budget:');
      const now = clock.now();
      const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).budgets.take(key, 5, 0.001, now, 0)));
      assert.equal(taken.filter(Boolean).length, 5);
      assert.equal(await a.budgets.take(key, 5, 0.001, now + 999, 0), false, 'not quite one token back yet');
      assert.equal(await a.budgets.take(key, 5, 0.001, now + 2000, 0), true, 'two seconds refill two tokens');
      assert.equal(await b.budgets.take(key, 5, 0.001, now + 2000, 0), true);
      assert.equal(await b.budgets.take(key, 5, 0.001, now + 2000, 0), false);
    });

    it('leaves the kept tokens to callers that may use them', async () => {
      const key = uid('budget:');
      const now = clock.now();
      const general = [];
      for (let i = 0; i < 4; i++) general.push(await a.budgets.take(key, 4, 0, now, 2));
      assert.deepEqual(general, [true, true, false, false]);
      assert.deepEqual(
        [await b.budgets.take(key, 4, 0, now, 0), await b.budgets.take(key, 4, 0, now, 0), await b.budgets.take(key, 4, 0, now, 0)],
        [true, true, false],
      );
      assert.equal(await a.budgets.take(uid('budget:'), 2, 0, now, 2), false, 'a bucket smaller than what is kept gives nothing');
    });
  });

  describe('webhook endpoints', () => {
    const endpoint = () => ({
      id: uid('we_'),
      url: 'https://bmos.example/hooks',
      event_types: ['order.paid'],
      store_ids: null,
      enabled: true,
      secret_sealed: 'sealed-whsec-1',
    });

    it('stores an endpoint that the other instance reads back, changes only the fields given, and deletes it once', async () => {
      const made = await a.webhookEndpoints.create({ ...endpoint(), store_ids: ['st_1', 'st_2'] });
      assert.deepEqual(await b.webhookEndpoints.get(made.id), made);
      assert.deepEqual(
        [made.enabled, made.disabled_reason, made.previous_secret_sealed, made.previous_secret_expires_at, made.created_at],
        [true, null, null, null, clock.now()],
      );
      assert.ok((await b.webhookEndpoints.list()).some((e) => e.id === made.id));
      clock.advance(1000);
      const changed = (await b.webhookEndpoints.update(made.id, { enabled: false, store_ids: null }))!;
      assert.deepEqual(changed, { ...made, enabled: false, store_ids: null, updated_at: made.created_at + 1000 });
      assert.equal(await a.webhookEndpoints.update(uid('we_'), { enabled: true }), null);
      const deleted = await Promise.all(racers().map((s) => s.webhookEndpoints.delete(made.id)));
      assert.equal(deleted.filter(Boolean).length, 1);
      assert.equal(await a.webhookEndpoints.get(made.id), null);
    });

    it('applies exactly one of concurrent rotations from the same secret, and none from a stale one', async () => {
      const made = await a.webhookEndpoints.create(endpoint());
      const rotation = (i: number) => ({
        from: 'sealed-whsec-1',
        secretSealed: `sealed-whsec-2-${i}`,
        previousSealed: 'sealed-prev-1',
        previousExpiresAt: clock.now() + HOUR,
      });
      const rotated = await Promise.all(racers().map((s, i) => s.webhookEndpoints.rotateSecret(made.id, rotation(i))));
      const winner = rotated.filter((r) => r !== null);
      assert.equal(winner.length, 1);
      assert.deepEqual(await b.webhookEndpoints.get(made.id), winner[0]);
      assert.deepEqual([winner[0].previous_secret_sealed, winner[0].previous_secret_expires_at], ['sealed-prev-1', clock.now() + HOUR]);
      assert.equal(await a.webhookEndpoints.rotateSecret(made.id, rotation(9)), null, 'the secret it was computed from is gone');
    });
  });

  describe('leases', () => {
    it('grants a free lease to one of concurrent callers; the holder renews, others wait for its expiry or release', async () => {
      const name = uid('sweep_');
      const got = await Promise.all(racers().map((s, i) => s.leases.acquire(name, `i${i}`, 10_000)));
      assert.equal(got.filter(Boolean).length, 1);
      const holder = `i${got.indexOf(true)}`;
      assert.equal(await a.leases.acquire(name, holder, 10_000), true);
      assert.equal(await b.leases.acquire(name, 'late', 10_000), false);
      await b.leases.release(name, 'late');
      assert.equal(await b.leases.acquire(name, 'late', 10_000), false, 'a non-holder released nothing');
      clock.advance(10_000);
      assert.equal(await b.leases.acquire(name, 'late', 10_000), true, 'an expired lease is taken over');
      await b.leases.release(name, 'late');
      assert.equal(await a.leases.acquire(name, holder, 10_000), true, 'released');
    });

    it('releases every lease and cart claim of one instance, and nobody else’s', async () => {
      const inst = uid('inst');
      const { cartId } = await cartWithTee();
      const { cartId: otherCart } = await cartWithTee();
      assert.ok(await a.leases.acquire(uid('l'), inst, 60_000));
      assert.ok(await a.carts.claim(cartId, `${inst}/abc`, 60_000));
      assert.ok(await a.carts.claim(otherCart, `${inst}x/abc`, 60_000));
      const otherLease = uid('l');
      assert.ok(await a.leases.acquire(otherLease, `${inst}x`, 60_000));
      assert.equal(await b.leases.releaseAll(inst), 2);
      assert.equal(await b.carts.claim(cartId, 'next/1', 60_000), true);
      assert.equal(await b.carts.claim(otherCart, 'next/1', 60_000), false);
      assert.equal(await b.leases.acquire(otherLease, 'next', 60_000), false);
    });
  });

  describe('discounts', () => {
    const terms = {
      percent_off: 10,
      amount_off: null,
      currency: null,
      min_subtotal: null,
      product_ids: ['tee'],
      starts_at: null,
      ends_at: null,
      max_redemptions: 5,
      once_per_email: false,
      free_shipping: false,
      active: true,
    };
    const newDiscount = (storeId: string, code: string) => ({ id: uid('disc_'), store_id: storeId, code, ...terms });

    it('stores one discount per code and store in any case: of racing creates exactly one wins', async () => {
      const store = await newStore();
      const made = await Promise.all(racers().map((s, i) => s.discounts.create(newDiscount(store.id, i % 2 ? 'Spring' : 'SPRING'))));
      const won = made.filter((m) => m.ok);
      assert.equal(won.length, 1);
      assert.deepEqual(
        made.filter((m) => !m.ok).map((m) => !m.ok && m.reason),
        Array(5).fill('code_taken'),
      );
      const winner = won[0].ok ? won[0].discount : assert.fail();
      assert.deepEqual(
        { ...winner, id: '', code: '' },
        { ...terms, id: '', code: '', store_id: store.id, times_redeemed: 0, version: 0, created_at: clock.now(), updated_at: clock.now() },
      );
      assert.deepEqual(await b.discounts.getByCode(store.id, 'spring'), winner);
      assert.deepEqual(await b.discounts.get(store.id, winner.id), winner);
      assert.equal(await b.discounts.get((await newStore()).id, winner.id), null, "another store's discount is not found");
      assert.equal((await a.discounts.create(newDiscount((await newStore()).id, 'spring'))).ok, true, 'another store may use the code');
    });

    it("lists a store's discounts newest first", async () => {
      const store = await newStore();
      await a.discounts.create(newDiscount(store.id, 'FIRST'));
      clock.advance(1);
      await b.discounts.create(newDiscount(store.id, 'SECOND'));
      assert.deepEqual(
        (await a.discounts.list(store.id)).map((d) => d.code),
        ['SECOND', 'FIRST'],
      );
    });

    it('writes an edit only over the version it was made from: of racing edits exactly one wins', async () => {
      const store = await newStore();
      const made = await a.discounts.create(newDiscount(store.id, 'EDIT'));
      const d = made.ok ? made.discount : assert.fail();
      const edits = await Promise.all(racers().map((s, i) => s.discounts.update(store.id, d.id, 0, { ...terms, max_redemptions: 10 + i, active: false })));
      const written = edits.filter((e) => e !== null);
      assert.equal(written.length, 1);
      assert.deepEqual({ ...written[0], max_redemptions: 0 }, { ...d, max_redemptions: 0, active: false, version: 1 });
      assert.equal(await a.discounts.update(store.id, d.id, 0, terms), null, 'a stale version writes nothing');
      assert.equal(await a.discounts.update(store.id, uid('disc_'), 1, terms), null, 'no such discount');
      assert.deepEqual(await b.discounts.get(store.id, d.id), written[0]);
    });

    it('keeps a live reservation of a limited code through the purge and drops it once expired', async () => {
      const store = await newStore();
      const made = await a.discounts.create({ ...newDiscount(store.id, 'ONCE'), max_redemptions: 1 });
      const d = made.ok ? made.discount : assert.fail();
      const frozen = { id: d.id, code: d.code, percent_off: 10, amount_off: null, product_ids: null, free_shipping: false, once_per_email: false };
      const open = async () => {
        const { cartId } = await cartWithTee(1, store);
        return (await a.checkouts.create(session(store.id, cartId, 1, 1, { discount: { frozen, amount: 50, limited: true } }))).status;
      };
      assert.equal(await open(), 'created');
      await b.checkouts.purgeAbandoned(clock.now());
      assert.equal(await open(), 'discount_exhausted', 'the purge left the live reservation');
      clock.advance(2 * HOUR);
      await b.checkouts.purgeAbandoned(clock.now());
      assert.equal(await open(), 'created', 'the expired reservation no longer holds the use');
    });
  });
});

describe('statements and partial indexes (SQLite)', () => {
  // SQLite re-prepares, on every run, a statement that compares a partial index's condition column with a bound
  // value: it checked that value against the condition while planning. Such comparisons are written as literals.
  it(
    "compares no partial index's condition column with a bound value, in any statement this suite ran",
    { skip: TEST_ENGINE !== 'sqlite' && 'SQLite only' },
    () => {
      const schema = openDatabase(':memory:');
      const partial = schema.prepare("SELECT tbl_name AS t, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'").all() as {
        t: string;
        sql: string;
      }[];
      schema.close();
      const conditions = partial.flatMap(({ t, sql }) => [...sql.split(' WHERE ')[1].matchAll(/(\w+) = '/g)].map((m) => ({ table: t, column: m[1] })));
      assert.ok(
        conditions.some((c) => c.table === 'checkouts' && c.column === 'status'),
        'the schema has checkouts_processing',
      );
      assert.ok(prepared.size > 50, `the suite ran statements (${prepared.size})`);
      // Everything but an UPDATE's SET list (`SET "status" = ?` assigns, and plans nothing): WHERE, ON and the rest.
      const withoutSet = (text: string) => text.replace(/^update .*? set .*? where /, 'where ');
      const offending = [...prepared].filter((text) =>
        conditions.some(({ table, column }) => text.includes(`"${table}"`) && new RegExp(`"${column}" = \\?`).test(withoutSet(text))),
      );
      assert.deepEqual(offending, []);
    },
  );
});
