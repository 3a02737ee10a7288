// Delayed payments (SEPA Direct Debit, ACH) stay `processing` for days. These tests use the emulator's
// processing test method (pm_sepaDebit_processing) and its settle control as the bank's later answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { reconcilePayments } from '../../server/src/payments/sweep';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, internal, openShop, type TestServer } from '../support/shop';

const DAY = 24 * 60 * 60 * 1000;

/** Opens the session's intent and confirms it with the processing SEPA test method, as the server side would. */
async function payBySepa(server: TestServer, emu: StripeEmulator, secret: string, token: string) {
  const intent = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
  assert.equal(intent.status, 200, intent.text);
  const confirmed = await call(emu.url, 'POST', `/v1/payment_intents/${intent.body.payment_intent_id}/confirm`, 'payment_method=pm_sepaDebit_processing', {
    Authorization: `Bearer ${secret}`,
    'Content-Type': 'application/x-www-form-urlencoded',
  });
  assert.equal(confirmed.body.status, 'processing');
  return intent.body.payment_intent_id as string;
}

const ordersOf = async (server: TestServer, storeId: string) =>
  (await internal(server, 'GET', `/api/internal/stores/${storeId}/orders?limit=100`)).body.data as any[];

const endpointsOf = async (emu: StripeEmulator, secret: string) =>
  (await fetch(`${emu.url}/v1/webhook_endpoints?limit=100`, { headers: { Authorization: `Bearer ${secret}` } }).then((r) => r.json())).data as any[];

describe('a payment processing when the store switches to another Stripe account', () => {
  let emu: StripeEmulator;
  let server: TestServer;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
  });
  after(async () => {
    emu.webhooks.resume();
    await server.destroy();
    await emu.close();
  });

  /** A shop on account A with one processing payment, then reconnected to account B. */
  async function switchWhileProcessing(name: string) {
    const shop = await openShop(server, emu, name);
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    const intentId = await payBySepa(server, emu, shop.acct.keys.test.secret, token);
    assert.equal((await endpointsOf(emu, shop.acct.keys.test.secret)).length, 1);
    const b = emu.createAccount(`${name} (new account)`);
    await server.connectStore(shop.store.id, b.keys.test);
    const retired = await server.deps.storage.stores.listRetiredConnections(shop.store.id);
    assert.equal(retired.length, 1, 'the old connection is kept while its payment is processing');
    assert.equal((await endpointsOf(emu, shop.acct.keys.test.secret)).length, 1, 'its webhook endpoint is kept too');
    return { shop, token, intentId };
  }

  it('becomes an order through the sweep, with the retired key, when it later succeeds; then the old connection is let go', async () => {
    emu.webhooks.pause();
    const { shop, token, intentId } = await switchWhileProcessing('Sweep Switch Shop');
    emu.settlePayment(intentId, 'succeeded');
    const retrievesBefore = emu.requests.filter((r) => r.path === `/v1/payment_intents/${intentId}` && r.apiKey === shop.acct.keys.test.secret).length;
    const report = await reconcilePayments(server.deps);
    assert.equal(report.recorded, 1);
    const retrievesAfter = emu.requests.filter((r) => r.path === `/v1/payment_intents/${intentId}` && r.apiKey === shop.acct.keys.test.secret).length;
    assert.equal(retrievesAfter - retrievesBefore, 1, 'retrieved once with the old account’s key');
    assert.deepEqual(
      (await ordersOf(server, shop.store.id)).map((o) => [o.payment_intent_id, o.amount]),
      [[intentId, 2500]],
    );
    assert.equal((await call(server.url, 'GET', `/api/checkout/${token}`)).body.status, 'paid');
    assert.deepEqual(await server.deps.storage.stores.listRetiredConnections(), []);
    assert.deepEqual(await endpointsOf(emu, shop.acct.keys.test.secret), [], 'the old webhook endpoint is deleted at Stripe');
  });

  it('becomes an order through the old endpoint’s webhook when it later succeeds', async () => {
    emu.webhooks.resume();
    const { shop, intentId } = await switchWhileProcessing('Webhook Switch Shop');
    const oldEndpoint = (await endpointsOf(emu, shop.acct.keys.test.secret))[0].id;
    const delivered = emu.webhooks.deliveries.length;
    emu.settlePayment(intentId, 'succeeded');
    await emu.webhooks.idle();
    const succeeded = emu.webhooks.deliveries
      .slice(delivered)
      .filter((d) => d.eventType === 'payment_intent.succeeded' && d.url.endsWith(`/stripe/webhooks/${shop.store.id}`));
    assert.deepEqual(
      succeeded.map((d) => [d.endpointId, d.status]),
      [[oldEndpoint, 200]],
      'delivered by the old endpoint and accepted',
    );
    assert.deepEqual(
      (await ordersOf(server, shop.store.id)).map((o) => [o.payment_intent_id, o.amount]),
      [[intentId, 2500]],
    );
    await reconcilePayments(server.deps);
    assert.deepEqual(await server.deps.storage.stores.listRetiredConnections(shop.store.id), []);
    assert.deepEqual(await endpointsOf(emu, shop.acct.keys.test.secret), []);
  });
});

describe('a payment still processing after the 3-day lookback', () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, clock });
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('is still checked by the sweep and recorded when it succeeds on day 5', async () => {
    emu.webhooks.pause();
    const shop = await openShop(server, emu, 'Slow Bank Shop');
    const { token } = await checkoutFor(server, shop.store.id, [['mug', 2]]);
    const intentId = await payBySepa(server, emu, shop.acct.keys.test.secret, token);
    const first = await reconcilePayments(server.deps);
    assert.deepEqual([first.checked, first.recorded], [1, 0], 'seen processing');
    clock.advance(5 * DAY);
    emu.settlePayment(intentId, 'succeeded');
    const late = await reconcilePayments(server.deps);
    assert.deepEqual([late.checked, late.recorded], [1, 1]);
    assert.deepEqual(
      (await ordersOf(server, shop.store.id)).map((o) => [o.payment_intent_id, o.amount]),
      [[intentId, 2400]],
    );
  });
});
