import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientSecretBinding } from '../../server/src/crypto/bindings';
import { Sealer } from '../../server/src/crypto/seal';
import { sealLegacyClientSecrets } from '../../server/src/payments/sweep';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, internal, openShop, pay, type TestServer } from '../support/shop';

describe('a checkout session pays only for itself, in its own mode, with a sealed client_secret', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const ordersOf = async (storeId: string) => (await internal(server, 'GET', `/api/internal/stores/${storeId}/orders?limit=100`)).body.data as any[];

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Guarded Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('refuses /complete with a paid intent of another session of the same store and records nothing', async () => {
    const paid = await checkoutFor(server, shop.store.id, [['poster', 1]]);
    const { intent } = await pay(server, emu, paid.token);
    const victimOrder = await call(server.url, 'POST', `/api/checkout/${paid.token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(victimOrder.status, 200);
    const before = (await ordersOf(shop.store.id)).length;
    const attacker = await checkoutFor(server, shop.store.id, [['mug', 1]]);
    const res = await call(server.url, 'POST', `/api/checkout/${attacker.token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'payment_intent_mismatch');
    assert.doesNotMatch(res.text, /Poster|ord_/);
    assert.equal((await ordersOf(shop.store.id)).length, before);
    assert.equal((await call(server.url, 'GET', `/api/checkout/${attacker.token}`)).body.status, 'open');
  });

  it('accepts an upper-case store id on the public and internal payment routes like the store routes do', async () => {
    const upper = shop.store.id.toUpperCase();
    const cart = await call(server.url, 'POST', `/api/stores/${upper}/carts`);
    assert.equal(cart.status, 201, cart.text);
    assert.equal(cart.body.store_id, shop.store.id);
    assert.equal((await call(server.url, 'GET', `/api/stores/${upper}/products`)).status, 200);
    assert.equal((await internal(server, 'GET', `/api/internal/stores/${upper}/products`)).status, 200);
    assert.equal((await internal(server, 'GET', `/api/internal/stores/${upper}/orders`)).status, 200);
    for (const path of [`/api/stores/not-a-uuid/carts`, `/api/stores/not-a-uuid/products`]) {
      const res = await call(server.url, path.endsWith('carts') ? 'POST' : 'GET', path);
      assert.deepEqual([res.status, res.body.error.code], [400, 'invalid_request'], path);
    }
    assert.equal((await internal(server, 'GET', '/api/internal/stores/not-a-uuid/orders')).body.error.code, 'invalid_request');
    const unknown = '00000000-0000-4000-8000-000000000000';
    assert.deepEqual((await call(server.url, 'POST', `/api/stores/${unknown}/carts`)).body.error.code, 'store_not_found');
    assert.deepEqual((await internal(server, 'GET', `/api/internal/stores/${unknown}/orders`)).body.error.code, 'store_not_found');
  });

  it('keeps no client_secret in plaintext in the database and still hands it to the checkout page', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const first = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.match(first.body.client_secret, /_secret_/);
    const again = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(again.body.client_secret, first.body.client_secret);
    // Not the bare "_secret_": the stores schema has a column named webhook_secret_sealed. A client_secret is pi_…_secret_….
    // SQLite: the file and its WAL as bytes; PostgreSQL: every row of every table as text.
    const stored = await server.atRest();
    assert.doesNotMatch(stored, /pi_[A-Za-z0-9]+_secret_/, `the ${server.engine} database holds a client_secret`);
    assert.equal(stored.includes(first.body.client_secret), false);
  });

  it('seals a plaintext client_secret written before migration 004 and keeps answering it', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const made = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    await server.sql('UPDATE checkouts SET client_secret = ?, sealed_client_secret = NULL WHERE payment_intent_id = ?', [
      made.client_secret,
      made.payment_intent_id,
    ]);
    assert.equal(await sealLegacyClientSecrets(server.deps), 1);
    const [row] = await server.sql<any>('SELECT client_secret, sealed_client_secret FROM checkouts WHERE payment_intent_id = ?', [made.payment_intent_id]);
    assert.equal(row.client_secret, null);
    assert.doesNotMatch(row.sealed_client_secret, /_secret_/);
    assert.equal((await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body.client_secret, made.client_secret);
  });

  it('fetches the client_secret again from Stripe when its box was sealed under a retired master key', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const made = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    const [{ id }] = await server.sql<{ id: string }>('SELECT id FROM checkouts WHERE payment_intent_id = ?', [made.payment_intent_id]);
    const retired = new Sealer(new Uint8Array(randomBytes(32))).seal(clientSecretBinding({ id, store_id: shop.store.id }), made.client_secret);
    await server.sql('UPDATE checkouts SET sealed_client_secret = ? WHERE payment_intent_id = ?', [retired, made.payment_intent_id]);
    const again = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.client_secret, made.client_secret);
  });

  it('never answers the merchant secret key when its sealed box is copied into a session client_secret column', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const made = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    // Write access to the database and no master key: move the store's sealed secret key into this session's row.
    await server.sql(
      'UPDATE checkouts SET sealed_client_secret = (SELECT secret_key_sealed FROM stripe_connections WHERE store_id = ?) WHERE payment_intent_id = ?',
      [shop.store.id, made.payment_intent_id],
    );
    const again = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(again.text.includes(shop.acct.keys.test.secret), false, 'the payment-intent answer holds the merchant secret key');
    assert.doesNotMatch(again.text, /\b[sr]k_(test|live)_/);
    // The box for another purpose does not open; the session gets its real client_secret from Stripe again.
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.client_secret, made.client_secret);
  });

  it('refuses to pay a session made with test keys after the store reconnected with live keys (409 checkout_mode_changed)', async () => {
    const other = await openShop(server, emu, 'Going Live');
    const started = await checkoutFor(server, other.store.id);
    const intent = (await call(server.url, 'POST', `/api/checkout/${started.token}/payment-intent`)).body;
    const fresh = await checkoutFor(server, other.store.id);
    await server.connectStore(other.store.id, other.acct.keys.live);
    for (const token of [started.token, fresh.token]) {
      const res = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'checkout_mode_changed');
    }
    const complete = await call(server.url, 'POST', `/api/checkout/${started.token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(complete.body.error.code, 'checkout_mode_changed');
    const live = await checkoutFor(server, other.store.id);
    const liveIntent = await call(server.url, 'POST', `/api/checkout/${live.token}/payment-intent`);
    assert.equal(liveIntent.status, 200);
    assert.equal(liveIntent.body.publishable_key, other.acct.keys.live.publishable);
  });

  it('checks the mode again before making an intent when cancelling another session of the cart took time', async () => {
    const other = await openShop(server, emu, 'Switching While Cancelling');
    const first = await checkoutFor(server, other.store.id);
    assert.equal((await call(server.url, 'POST', `/api/checkout/${first.token}/payment-intent`)).status, 200);
    const second = await call(server.url, 'POST', `/api/carts/${first.cartId}/checkout`);
    assert.equal(second.status, 201);
    emu.faults.latencyMs = 400;
    try {
      // The second session first cancels the first one's intent: a retrieve and a cancel, 400 ms each.
      const pending = call(server.url, 'POST', `/api/checkout/${second.body.token}/payment-intent`);
      await sleep(150);
      await server.sql('UPDATE stripe_connections SET livemode = NOT livemode WHERE store_id = ?', [other.store.id]);
      const res = await pending;
      assert.equal(res.status, 409, res.text);
      assert.equal(res.body.error.code, 'checkout_mode_changed');
    } finally {
      emu.faults.latencyMs = 0;
    }
    const sessions = await server.sql<{ payment_intent_id: string | null }>('SELECT payment_intent_id FROM checkouts WHERE cart_id = ? ORDER BY created_at', [
      first.cartId,
    ]);
    assert.equal(sessions.length, 2);
    assert.equal(sessions[1].payment_intent_id, null, 'no intent was made with the keys read before the switch');
  });
});
