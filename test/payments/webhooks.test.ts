import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { webhookSecretBinding } from '../../server/src/crypto/bindings';
import { reconcilePayments } from '../../server/src/payments/sweep';
import { signPayload, startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { call, checkoutFor, internal, openShop, pay, transcript, type TestServer } from '../support/shop';

describe('orders from webhooks and the reconciliation sweep', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;

  const ordersOf = async (storeId: string) => (await internal(server, 'GET', `/api/internal/stores/${storeId}/orders?limit=100`)).body.data as any[];
  const webhookSecret = async () =>
    server.deps.sealer.open(webhookSecretBinding(shop.store.id), (await server.deps.storage.stores.getWebhookSecretSealed(shop.store.id))!);
  const postEvent = (body: string, signature: string) => call(server.url, 'POST', `/stripe/webhooks/${shop.store.id}`, body, { 'Stripe-Signature': signature });

  before(async () => {
    emu = await startStripeEmulator({ port: 0, webhookRetryBaseMs: 50 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Webhook Shop');
  });
  after(async () => {
    assertNoSecrets([...transcript, ...server.logs].join('\n'), [shop.acct.keys.test.secret, await webhookSecret(), server.internalSecret]);
    await server.destroy();
    await emu.close();
  });

  it('records a paid order from the webhook alone when the shopper never calls /complete', async () => {
    const { token, cartId } = await checkoutFor(server, shop.store.id, [['poster', 3]]);
    const { intent } = await pay(server, emu, token);
    await emu.webhooks.idle();
    const orders = (await ordersOf(shop.store.id)).filter((o) => o.payment_intent_id === intent.payment_intent_id);
    assert.equal(orders.length, 1);
    assert.equal(orders[0].status, 'paid');
    assert.equal(orders[0].amount, 2700);
    assert.equal((await call(server.url, 'GET', `/api/carts/${cartId}`)).body.error.code, 'cart_closed');
    const late = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(late.body.order.id, orders[0].id);
    assert.equal((await ordersOf(shop.store.id)).filter((o) => o.payment_intent_id === intent.payment_intent_id).length, 1);
  });

  it('refuses forged, unsigned and stale events with 400 and changes nothing', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const intent = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    const pi = await fetch(`${emu.url}/v1/payment_intents/${intent.payment_intent_id}`, {
      headers: { Authorization: `Bearer ${shop.acct.keys.test.secret}` },
    }).then((r) => r.json());
    const event = JSON.stringify({
      id: 'evt_forged_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      livemode: false,
      created: 1,
      data: { object: { ...pi, status: 'succeeded' } },
    });
    const now = Math.floor(Date.now() / 1000);
    for (const signature of ['', 't=1,v1=abc', signPayload('whsec_not_the_real_one', event, now), signPayload(await webhookSecret(), event, now - 3600)]) {
      const res = await postEvent(event, signature);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'webhook_signature_invalid');
    }
    const tampered = await postEvent(event.replace('"livemode":false', '"livemode":true'), signPayload(await webhookSecret(), event, now));
    assert.equal(tampered.status, 400);
    assert.equal((await ordersOf(shop.store.id)).filter((o) => o.payment_intent_id === intent.payment_intent_id).length, 0);
    assert.equal((await call(server.url, 'GET', `/api/checkout/${token}`)).body.status, 'open');
  });

  it('handles each event id once and marks refunded orders', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['mug', 1]]);
    const { intent } = await pay(server, emu, token);
    await emu.webhooks.idle();
    const delivered = emu.webhooks.deliveries.find(
      (d) => d.eventType === 'payment_intent.succeeded' && d.ok && d.payload.includes(intent.payment_intent_id),
    ) as any;
    assert.ok(delivered, 'the emulator delivered payment_intent.succeeded');
    const replay = await postEvent(delivered.payload, signPayload(await webhookSecret(), delivered.payload, Math.floor(Date.now() / 1000)));
    assert.equal(replay.status, 200);
    assert.equal(replay.body.duplicate, true);

    const refund = await fetch(`${emu.url}/v1/refunds`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${shop.acct.keys.test.secret}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payment_intent: intent.payment_intent_id }),
    });
    assert.equal(refund.status, 200);
    await emu.webhooks.idle();
    const order = (await ordersOf(shop.store.id)).find((o) => o.payment_intent_id === intent.payment_intent_id);
    assert.equal(order.status, 'refunded');
    assert.equal(order.amount_refunded, 1200);
  });

  it('keeps the larger refunded amount when a partial refund event arrives after the full one', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['mug', 1]]);
    const { intent } = await pay(server, emu, token);
    await emu.webhooks.idle();
    const piId = intent.payment_intent_id;
    const chargeEvent = (id: string, amountRefunded: number) =>
      JSON.stringify({
        id,
        object: 'event',
        type: 'charge.refunded',
        livemode: false,
        created: 1,
        data: {
          object: {
            id: `ch_${piId}`,
            object: 'charge',
            payment_intent: piId,
            amount: 1200,
            amount_refunded: amountRefunded,
            refunded: amountRefunded === 1200,
          },
        },
      });
    const now = Math.floor(Date.now() / 1000);
    const full = chargeEvent(`evt_full_${piId}`, 1200);
    const partial = chargeEvent(`evt_partial_${piId}`, 500);
    assert.equal((await postEvent(full, signPayload(await webhookSecret(), full, now))).status, 200);
    assert.equal((await postEvent(partial, signPayload(await webhookSecret(), partial, now))).status, 200);
    const order = (await ordersOf(shop.store.id)).find((o) => o.payment_intent_id === piId);
    assert.equal(order.status, 'refunded');
    assert.equal(order.amount_refunded, 1200);
  });

  it('applies a charge.refunded that arrives before its payment_intent.succeeded once the order exists', async () => {
    emu.webhooks.pause();
    const { token } = await checkoutFor(server, shop.store.id, [['poster', 1]]);
    const { intent } = await pay(server, emu, token);
    const piId = intent.payment_intent_id;
    const refund = JSON.stringify({
      id: `evt_early_refund_${piId}`,
      object: 'event',
      type: 'charge.refunded',
      livemode: false,
      created: 1,
      data: { object: { id: `ch_${piId}`, object: 'charge', payment_intent: piId, amount: 900, amount_refunded: 900, refunded: true } },
    });
    const early = await postEvent(refund, signPayload(await webhookSecret(), refund, Math.floor(Date.now() / 1000)));
    assert.ok(early.status >= 400 && early.status < 500, 'not acknowledged, so Stripe delivers it again');
    assert.equal(early.body.error.code, 'order_not_recorded_yet');
    emu.webhooks.resume();
    await emu.webhooks.idle();
    const again = await postEvent(refund, signPayload(await webhookSecret(), refund, Math.floor(Date.now() / 1000)));
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, false);
    const order = (await ordersOf(shop.store.id)).find((o) => o.payment_intent_id === piId);
    assert.equal(order.status, 'refunded');
    assert.equal(order.amount_refunded, 900);
  });

  it('acknowledges a charge.refunded for a PaymentIntent that is none of ours without changing anything', async () => {
    const refund = JSON.stringify({
      id: 'evt_foreign_refund',
      object: 'event',
      type: 'charge.refunded',
      livemode: false,
      created: 1,
      data: { object: { id: 'ch_foreign', object: 'charge', payment_intent: 'pi_not_ours', amount: 900, amount_refunded: 900 } },
    });
    const res = await postEvent(refund, signPayload(await webhookSecret(), refund, Math.floor(Date.now() / 1000)));
    assert.equal(res.status, 200);
    assert.equal(res.body.duplicate, false);
  });

  it('answers 400 to signed bodies that are not events and to an intent with odd metadata, never 500', async () => {
    const bodies = [
      'null',
      '[1]',
      JSON.stringify({ object: 'event', type: 'charge.refunded', data: { object: {} } }),
      JSON.stringify({ id: 'evt_null_object', object: 'event', type: 'payment_intent.succeeded', data: { object: null } }),
    ];
    for (const body of bodies) {
      const res = await postEvent(body, signPayload(await webhookSecret(), body, Math.floor(Date.now() / 1000)));
      assert.equal(res.status, 400, body);
      assert.equal(res.body.error.code, 'invalid_webhook_event');
    }
    const odd = JSON.stringify({
      id: 'evt_odd_metadata',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_odd', object: 'payment_intent', status: 'succeeded', metadata: { checkout_id: {}, cart_id: 1 } } },
    });
    const res = await postEvent(odd, signPayload(await webhookSecret(), odd, Math.floor(Date.now() / 1000)));
    assert.equal(res.status, 200);
    assert.ok(!server.logs.some((l) => l.includes('"level":50')), 'no request failed');
  });

  it('recovers orders paid during a webhook outage with the reconciliation sweep, without doubles', async () => {
    emu.webhooks.pause();
    const paid = await checkoutFor(server, shop.store.id);
    const { intent } = await pay(server, emu, paid.token);
    const unpaid = await checkoutFor(server, shop.store.id);
    await call(server.url, 'POST', `/api/checkout/${unpaid.token}/payment-intent`);
    assert.equal((await ordersOf(shop.store.id)).filter((o) => o.payment_intent_id === intent.payment_intent_id).length, 0);

    const report = await reconcilePayments(server.deps);
    assert.equal(report.recorded, 1);
    assert.ok(report.checked >= 2);
    assert.equal((await call(server.url, 'GET', `/api/checkout/${paid.token}`)).body.status, 'paid');
    assert.equal((await call(server.url, 'GET', `/api/checkout/${unpaid.token}`)).body.status, 'open');

    emu.webhooks.resume();
    await emu.webhooks.idle();
    assert.equal((await reconcilePayments(server.deps)).recorded, 0);
    assert.equal((await ordersOf(shop.store.id)).filter((o) => o.payment_intent_id === intent.payment_intent_id).length, 1);
  });

  it("pages a store's orders newest first with limit and starting_after", async () => {
    const all = await ordersOf(shop.store.id);
    assert.ok(all.length >= 3);
    const first = await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders?limit=2`);
    assert.equal(first.body.data.length, 2);
    assert.equal(first.body.has_more, true);
    assert.deepEqual(
      first.body.data.map((o: any) => o.id),
      all.slice(0, 2).map((o) => o.id),
    );
    const next = await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders?limit=2&starting_after=${first.body.data[1].id}`);
    assert.deepEqual(
      next.body.data.map((o: any) => o.id),
      all.slice(2, 4).map((o) => o.id),
    );
    assert.ok(all.every((o, i) => i === 0 || o.created_at <= all[i - 1].created_at));
    const bad = await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders?limit=0`);
    assert.equal(bad.status, 400);
    const missing = await internal(server, 'GET', '/api/internal/orders/ord_nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'order_not_found');
  });
});
