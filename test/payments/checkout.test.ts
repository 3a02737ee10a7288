import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { manualClock } from '../../server/src/clock';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { call, checkoutFor, confirmWithCard, internal, openShop, pay, transcript, type TestServer } from '../support/shop';

describe('checkout sessions and payments', () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const answers: string[] = [];

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, clock });
    shop = await openShop(server, emu, 'Checkout Shop');
  });
  after(async () => {
    assertNoSecrets([...answers, ...transcript, ...server.logs].join('\n'), [shop.acct.keys.test.secret, server.internalSecret]);
    await server.destroy();
    await emu.close();
  });

  it('issues a 256-bit token stored only as its SHA-256 and freezes the lines and amount', async () => {
    const { cartId, token, checkout } = await checkoutFor(server, shop.store.id, [
      ['tee', 2],
      ['mug', 1],
    ]);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.equal(checkout.url, `${server.url}/checkout/${token}`);
    assert.ok(Date.parse(checkout.expires_at) - clock.now() === 30 * 60 * 1000);
    await call(server.url, 'PATCH', `/api/carts/${cartId}/items/tee`, { quantity: 5 });
    const view = await call(server.url, 'GET', `/api/checkout/${token}`);
    answers.push(view.text);
    assert.equal(view.status, 200);
    assert.equal(view.body.amount, 2 * 2500 + 1200);
    assert.equal(view.body.currency, 'eur');
    assert.equal(view.body.store.name, 'Checkout Shop');
    assert.equal(view.body.publishable_key, shop.acct.keys.test.publishable);
    assert.equal(view.body.is_live_mode, false);
    assert.equal(view.body.status, 'open');
    assert.deepEqual(
      view.body.items.map((i: any) => [i.product_id, i.quantity]),
      [
        ['tee', 2],
        ['mug', 1],
      ],
    );

    const rows = (await server.sql<{ token_hash: string }>('SELECT token_hash FROM checkouts')).map((r) => r.token_hash);
    assert.ok(rows.includes(createHash('sha256').update(token).digest('hex')));
    assert.ok(!rows.includes(token));
  });

  it('refuses checkout of an empty cart and of a store without usable keys', async () => {
    const cart = (await call(server.url, 'POST', `/api/stores/${shop.store.id}/carts`)).body;
    const empty = await call(server.url, 'POST', `/api/carts/${cart.id}/checkout`);
    assert.equal(empty.status, 422);
    assert.equal(empty.body.error.code, 'cart_empty');

    const other = await openShop(server, emu, 'Unconnected', { connect: false });
    const cart2 = (await call(server.url, 'POST', `/api/stores/${other.store.id}/carts`)).body;
    await call(server.url, 'POST', `/api/carts/${cart2.id}/items`, { product_id: 'tee', quantity: 1 });
    const refused = await call(server.url, 'POST', `/api/carts/${cart2.id}/checkout`);
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body, { error: { code: 'store_not_connected', message: 'Store not connected to Stripe' } });
  });

  it('pays with 4242, records the order once, closes the cart and replays the same order', async () => {
    const { cartId, token } = await checkoutFor(server, shop.store.id, [
      ['tee', 1],
      ['poster', 2],
    ]);
    const { intent, confirmed } = await pay(server, emu, token, '4242424242424242');
    answers.push(JSON.stringify(intent));
    assert.equal(confirmed.body.status, 'succeeded');
    assert.equal(intent.amount, 2500 + 2 * 900);
    assert.equal(intent.publishable_key, shop.acct.keys.test.publishable);
    const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    answers.push(done.text);
    assert.equal(done.status, 200);
    const { order } = done.body;
    assert.equal(order.status, 'paid');
    assert.equal(order.amount, 4300);
    assert.equal(order.currency, 'eur');
    assert.equal(order.payment_intent_id, intent.payment_intent_id);
    assert.deepEqual(
      order.items.map((i: any) => i.product_id),
      ['tee', 'poster'],
    );

    const again = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(again.body.order.id, order.id);
    const creates = emu.requests.filter((r) => r.path === '/v1/payment_intents').length;
    const replayed = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(replayed.body.payment_intent_id, intent.payment_intent_id);
    assert.equal(emu.requests.filter((r) => r.path === '/v1/payment_intents').length, creates);
    const view = await call(server.url, 'GET', `/api/checkout/${token}`);
    assert.equal(view.body.status, 'paid');
    assert.equal(view.body.order.id, order.id);
    const closed = await call(server.url, 'POST', `/api/carts/${cartId}/items`, { product_id: 'tee', quantity: 1 });
    assert.equal(closed.status, 409);
    assert.equal(closed.body.error.code, 'cart_closed');
    assert.equal((await call(server.url, 'GET', `/api/carts/${cartId}`)).body.error.code, 'cart_closed');
    const orders = await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders`);
    assert.equal(orders.body.data.filter((o: any) => o.payment_intent_id === intent.payment_intent_id).length, 1);
    const one = await internal(server, 'GET', `/api/internal/orders/${order.id}`);
    assert.equal(one.body.store_id, shop.store.id);
    assert.equal(one.body.livemode, false);
  });

  for (const [number, message] of [
    ['4000000000000002', 'Your card was declined.'],
    ['4000000000009995', 'Your card has insufficient funds.'],
  ]) {
    it(`answers 402 payment_failed with Stripe's message for ${number} and lets the shopper retry`, async () => {
      const { token, cartId } = await checkoutFor(server, shop.store.id);
      const { intent, confirmed } = await pay(server, emu, token, number);
      assert.equal(confirmed.status, 402);
      const failed = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
      assert.equal(failed.status, 402);
      assert.deepEqual(failed.body, { error: { code: 'payment_failed', message } });
      assert.equal((await call(server.url, 'GET', `/api/carts/${cartId}`)).status, 200);
      const retry = await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242');
      assert.equal(retry.body.status, 'succeeded');
      const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
      assert.equal(done.status, 200);
      assert.equal(done.body.order.status, 'paid');
    });
  }

  it("cancels the intents of the cart's other sessions once it is paid, so a second tab cannot charge again", async () => {
    const first = await checkoutFor(server, shop.store.id);
    const second = (await call(server.url, 'POST', `/api/carts/${first.cartId}/checkout`)).body;
    const other = (await call(server.url, 'POST', `/api/checkout/${second.token}/payment-intent`)).body;
    const { intent } = await pay(server, emu, first.token);
    const done = await call(server.url, 'POST', `/api/checkout/${first.token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200);
    const statusOf = async () =>
      (
        await fetch(`${emu.url}/v1/payment_intents/${other.payment_intent_id}`, {
          headers: { Authorization: `Bearer ${shop.acct.keys.test.secret}` },
        }).then((r) => r.json())
      ).status;
    for (let i = 0; i < 100 && (await statusOf()) !== 'canceled'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await statusOf(), 'canceled');
    const refused = await call(server.url, 'POST', `/api/checkout/${second.token}/payment-intent`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'cart_closed');
    const late = await confirmWithCard(emu, other.publishable_key, other, '4242424242424242');
    assert.notEqual(late.body.status, 'succeeded');
  });

  it('refuses a PaymentIntent of another session and one never confirmed', async () => {
    const a = await checkoutFor(server, shop.store.id);
    const b = await checkoutFor(server, shop.store.id);
    const ia = (await call(server.url, 'POST', `/api/checkout/${a.token}/payment-intent`)).body;
    await call(server.url, 'POST', `/api/checkout/${b.token}/payment-intent`);
    const wrong = await call(server.url, 'POST', `/api/checkout/${b.token}/complete`, { payment_intent_id: ia.payment_intent_id });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.error.code, 'payment_intent_mismatch');
    const early = await call(server.url, 'POST', `/api/checkout/${a.token}/complete`, { payment_intent_id: ia.payment_intent_id });
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'payment_incomplete');
    const junk = await call(server.url, 'POST', `/api/checkout/${a.token}/complete`, { payment_intent_id: 'nope' });
    assert.equal(junk.status, 400);
  });

  it('expires a token after 30 minutes (410) but still completes a payment started in time', async () => {
    const late = await checkoutFor(server, shop.store.id);
    const started = await checkoutFor(server, shop.store.id);
    const { intent } = await pay(server, emu, started.token);
    clock.advance(31 * 60 * 1000);
    for (const [method, path] of [
      ['GET', ''],
      ['POST', '/payment-intent'],
    ] as const) {
      const res = await call(server.url, method, `/api/checkout/${late.token}${path}`);
      assert.equal(res.status, 410);
      assert.equal(res.body.error.code, 'checkout_expired');
    }
    const done = await call(server.url, 'POST', `/api/checkout/${started.token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200);
    assert.equal((await call(server.url, 'GET', `/api/checkout/${started.token}`)).body.status, 'paid');
    const fresh = await call(server.url, 'POST', `/api/carts/${late.cartId}/checkout`);
    assert.equal(fresh.status, 201);
    assert.notEqual(fresh.body.token, late.token);
  });

  it("answers 422 with Stripe's words when the total is below Stripe's minimum charge", async () => {
    await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/products`, {
      products: [{ id: 'sticker', name: 'Sticker', unit_amount: 10, currency: 'eur' }],
    });
    const { token } = await checkoutFor(server, shop.store.id, [['sticker', 1]]);
    const res = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, { error: { code: 'amount_too_small', message: 'Amount must be at least €0.50 eur' } });
  });

  it('answers 404 checkout_not_found for unknown and malformed tokens', async () => {
    for (const token of ['x', 'A'.repeat(43), 'A'.repeat(44)]) {
      const res = await call(server.url, 'GET', `/api/checkout/${token}`);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'checkout_not_found');
    }
  });

  it('forgets a cart left idle for 30 days, and a change renews the 30 days', async () => {
    const idle = (await call(server.url, 'POST', `/api/stores/${shop.store.id}/carts`)).body;
    const busy = (await call(server.url, 'POST', `/api/stores/${shop.store.id}/carts`)).body;
    clock.advance(20 * 24 * 60 * 60 * 1000);
    await call(server.url, 'POST', `/api/carts/${busy.id}/items`, { product_id: 'tee', quantity: 1 });
    clock.advance(11 * 24 * 60 * 60 * 1000);
    const gone = await call(server.url, 'GET', `/api/carts/${idle.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'cart_not_found');
    assert.equal((await call(server.url, 'GET', `/api/carts/${busy.id}`)).body.item_count, 1);
  });
});
