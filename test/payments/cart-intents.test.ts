import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, confirmWithCard, internal, openShop, intentsOfCart, type TestServer } from '../support/shop';

describe('at most one live PaymentIntent per cart', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;

  /** A second checkout session (another tab) for a cart that already has one. */
  const secondTab = async (cartId: string) => (await call(server.url, 'POST', `/api/carts/${cartId}/checkout`)).body.token as string;
  const intentFor = (token: string) => call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, stripe: { timeoutMs: 500, maxNetworkRetries: 1 } });
    shop = await openShop(server, emu, 'Two Tabs Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('cancels the first tab’s intent when the second tab creates its own, and the first tab gets a clear error', async () => {
    const { cartId, token: first } = await checkoutFor(server, shop.store.id);
    const second = await secondTab(cartId);
    const a = await intentFor(first);
    const b = await intentFor(second);
    assert.equal(b.status, 200, b.text);
    const pis = await intentsOfCart(emu, shop.acct.keys.test.secret, cartId);
    assert.deepEqual(pis.map((pi) => pi.status).sort(), ['canceled', 'requires_payment_method']);
    const stale = await confirmWithCard(emu, a.body.publishable_key, a.body, '4242424242424242');
    assert.equal(stale.status, 400);
    assert.equal(stale.body.error.code, 'payment_intent_unexpected_state');
    const complete = await call(server.url, 'POST', `/api/checkout/${first}/complete`, { payment_intent_id: a.body.payment_intent_id });
    assert.equal(complete.status, 409);
    assert.equal(complete.body.error.code, 'checkout_superseded');
    const again = await intentFor(first);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'checkout_superseded');
    assert.equal((await confirmWithCard(emu, b.body.publishable_key, b.body, '4242424242424242')).body.status, 'succeeded');
  });

  it('records the first tab’s payment and refuses the second tab with 409 cart_closed when the first already paid', async () => {
    const { cartId, token: first } = await checkoutFor(server, shop.store.id);
    const second = await secondTab(cartId);
    const a = (await intentFor(first)).body;
    emu.webhooks.pause();
    assert.equal((await confirmWithCard(emu, a.publishable_key, a, '4242424242424242')).body.status, 'succeeded');
    const b = await intentFor(second);
    assert.equal(b.status, 409);
    assert.equal(b.body.error.code, 'cart_closed');
    const orders = (await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders?limit=100`)).body.data as any[];
    assert.equal(orders.filter((o) => o.payment_intent_id === a.payment_intent_id).length, 1);
    assert.equal((await intentsOfCart(emu, shop.acct.keys.test.secret, cartId)).length, 1);
    emu.webhooks.resume();
  });

  it('answers 503 and creates nothing when Stripe cannot be reached to cancel the other tab’s intent', async () => {
    const { cartId, token: first } = await checkoutFor(server, shop.store.id);
    const second = await secondTab(cartId);
    await intentFor(first);
    emu.faults.enqueue({ kind: '500', count: 10, method: 'GET', path: /^\/v1\/payment_intents\/pi_/ });
    const b = await intentFor(second);
    emu.faults.clear();
    assert.equal(b.status, 503);
    assert.equal(b.body.error.code, 'stripe_unavailable');
    const pis = await intentsOfCart(emu, shop.acct.keys.test.secret, cartId);
    assert.deepEqual(
      pis.map((pi) => pi.status),
      ['requires_payment_method'],
    );
  });

  it('never lets two intents of one cart succeed when the old tab confirms while the new tab creates (20 rounds)', async () => {
    emu.webhooks.pause();
    const outcomes = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const { cartId, token: first } = await checkoutFor(server, shop.store.id);
      const second = await secondTab(cartId);
      const a = (await intentFor(first)).body;
      // Staggering the confirm by 0-9 ms lets either side reach Stripe first across the rounds.
      const [confirmed, b] = await Promise.all([
        sleep(round % 10).then(() => confirmWithCard(emu, a.publishable_key, a, '4242424242424242')),
        intentFor(second),
      ]);
      if (b.status === 200) await confirmWithCard(emu, b.body.publishable_key, b.body, '4242424242424242');
      outcomes.add(`${confirmed.status}/${b.status}`);
      const succeeded = (await intentsOfCart(emu, shop.acct.keys.test.secret, cartId)).filter((pi) => pi.status === 'succeeded');
      assert.equal(succeeded.length, 1, `round ${round}: ${succeeded.length} succeeded intents`);
      if (b.status !== 200) assert.equal(b.body.error.code, 'cart_closed');
      const ids = new Set([a.payment_intent_id, b.body?.payment_intent_id]);
      const orders = (await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders?limit=100`)).body.data as any[];
      assert.ok(orders.filter((o) => ids.has(o.payment_intent_id)).length <= 1, `round ${round}: two orders`);
    }
    emu.webhooks.resume();
    console.log(`race outcomes (old confirm status / new intent status): ${[...outcomes].join(', ')}`);
  });
});
