import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, confirmWithCard, internal, openShop, pay, type TestServer } from '../support/shop';

describe('payments made on a Stripe connection that goes away are not lost', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  const ordersOf = async (storeId: string) => (await internal(server, 'GET', `/api/internal/stores/${storeId}/orders?limit=100`)).body.data as any[];
  const intentStatus = async (secret: string, id: string) =>
    (await fetch(`${emu.url}/v1/payment_intents/${id}`, { headers: { Authorization: `Bearer ${secret}` } }).then((r) => r.json())).status;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
  });
  after(async () => {
    emu.webhooks.resume();
    await server.destroy();
    await emu.close();
  });

  it('records the order of a payment whose webhook had not arrived when the store disconnected', async () => {
    const shop = await openShop(server, emu, 'Disconnecting Shop');
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    emu.webhooks.pause();
    const { intent, confirmed } = await pay(server, emu, token);
    assert.equal(confirmed.body.status, 'succeeded');
    const unpaid = await checkoutFor(server, shop.store.id, [['mug', 1]]);
    const open = (await call(server.url, 'POST', `/api/checkout/${unpaid.token}/payment-intent`)).body;
    assert.equal((await ordersOf(shop.store.id)).length, 0);
    assert.equal((await internal(server, 'DELETE', `/api/internal/stores/${shop.store.id}/stripe`)).status, 200);
    const orders = await ordersOf(shop.store.id);
    assert.deepEqual(
      orders.map((o) => [o.payment_intent_id, o.amount]),
      [[intent.payment_intent_id, 2500]],
    );
    // The unpaid intent can no longer become an order, so it must not take money either.
    assert.equal(await intentStatus(shop.acct.keys.test.secret, open.payment_intent_id), 'canceled');
    const late = await confirmWithCard(emu, open.publishable_key, open, '4242424242424242');
    assert.equal(late.status, 400);
  });

  it('records the order of a payment on the old account when the store reconnects to another Stripe account', async () => {
    const shop = await openShop(server, emu, 'Switching Shop');
    const { token } = await checkoutFor(server, shop.store.id, [['poster', 2]]);
    emu.webhooks.pause();
    const { intent } = await pay(server, emu, token);
    const newAccount = emu.createAccount('Switching Shop (new account)');
    await server.connectStore(shop.store.id, newAccount.keys.test);
    const orders = await ordersOf(shop.store.id);
    assert.deepEqual(
      orders.map((o) => o.payment_intent_id),
      [intent.payment_intent_id],
    );
    const complete = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(complete.body.order.id, orders[0].id);
  });
  it('lets a cart whose session had an intent on the old account check out again after a switch to another account', async () => {
    const shop = await openShop(server, emu, 'Stranded Cart Shop');
    const { cartId, token: before } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    const old = await call(server.url, 'POST', `/api/checkout/${before}/payment-intent`);
    assert.equal(old.status, 200, old.text);
    const newAccount = emu.createAccount('Stranded Cart Shop (new account)');
    await server.connectStore(shop.store.id, newAccount.keys.test);
    const again = await call(server.url, 'POST', `/api/carts/${cartId}/checkout`);
    assert.equal(again.status, 201, again.text);
    const intent = await call(server.url, 'POST', `/api/checkout/${again.body.token}/payment-intent`);
    assert.equal(intent.status, 200, intent.text);
    assert.equal(intent.body.publishable_key, newAccount.keys.test.publishable);
    const paid = await confirmWithCard(emu, intent.body.publishable_key, intent.body, '4242424242424242');
    assert.equal(paid.body.status, 'succeeded');
    const complete = await call(server.url, 'POST', `/api/checkout/${again.body.token}/complete`, { payment_intent_id: intent.body.payment_intent_id });
    assert.equal(complete.status, 200, complete.text);
    assert.deepEqual(
      (await ordersOf(shop.store.id)).map((o) => [o.payment_intent_id, o.amount]),
      [[intent.body.payment_intent_id, 2500]],
    );
  });
});
