// The delivery log and redelivery: GET …/webhook-endpoints/{id}/deliveries shows each event's delivery
// newest first, a page at a time, with its attempts and last answer; POST …/deliveries/{event_id}/redeliver
// makes a failed or delivered one pending and due now, keeping its attempts, and the worker sends it again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { RETRY_FOR_MS } from '../../server/src/platform-webhooks/delivery';
import { deliverDue } from '../../server/src/platform-webhooks/worker';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer, type TestServer } from '../support/app';
import { call, checkoutFor, openShop, pay } from '../support/shop';
import { startReceiver } from './receiver';

const FAST = { timeoutMs: 300, pollIntervalMs: 20, batch: 20 };

describe('the delivery log and redelivery', () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let answer = 500;

  before(async () => {
    emu = await startStripeEmulator({ port: 0, webhookRetryBaseMs: 50 });
    server = await startTestServer({ emulator: emu, clock, env: { webhookDelivery: { enabled: false } } });
    rx = await startReceiver(() => answer);
  });
  after(async () => {
    await rx.close();
    await server.destroy();
    await emu.close();
  });

  const paidOrder = async (storeId: string) => {
    const { token } = await checkoutFor(server, storeId, [['mug', 1]]);
    const { intent } = await pay(server, emu, token);
    const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200, done.text);
  };
  const log = async (endpointId: string, query = '') => {
    const res = await server.internal('GET', `/webhook-endpoints/${endpointId}/deliveries${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { object: 'list'; has_more: boolean; data: Array<Record<string, any>> };
  };
  const drain = async () => {
    while ((await deliverDue(server.deps, FAST)) > 0);
  };

  it('shows each delivery newest first, paged, and sends failed and delivered ones again on request', async () => {
    const shop = await openShop(server, emu, 'Log Hooks');
    const created = await server.internal('POST', '/webhook-endpoints', { url: rx.url, event_types: ['order.paid'], store_ids: [shop.store.id] });
    const ep = created.body as { id: string };
    await paidOrder(shop.store.id);
    await paidOrder(shop.store.id);
    await emu.webhooks.idle();

    await drain(); // each answered 500 once, then waits 30 s
    const page = await log(ep.id);
    assert.equal(page.data.length, 2);
    const [newer, older] = page.data;
    assert.deepEqual(
      rx.received.map((r) => r.event.id),
      [older.event_id, newer.event_id],
      'newest first in the log',
    );
    assert.deepEqual(
      [older.status, older.attempts, older.last_status_code, older.last_error, older.event_type],
      ['pending', 1, 500, 'answered 500', 'order.paid'],
    );
    assert.equal(older.last_attempt_at, new Date(clock.now()).toISOString());
    assert.ok(Date.parse(older.next_attempt_at) > clock.now(), 'due after its backoff');

    const first = await log(ep.id, '?limit=1');
    assert.deepEqual([first.data.map((d) => d.event_id), first.has_more], [[newer.event_id], true]);
    const second = await log(ep.id, `?limit=1&starting_after=${newer.event_id}`);
    assert.deepEqual([second.data.map((d) => d.event_id), second.has_more], [[older.event_id], false]);
    const unknownCursor = await server.internal('GET', `/webhook-endpoints/${ep.id}/deliveries?starting_after=evt_nope`);
    assert.deepEqual([unknownCursor.status, unknownCursor.body.error.code], [404, 'webhook_delivery_not_found']);

    // Past 3 days the next failure gives up (and disables the endpoint: every delivery failed that long).
    clock.advance(RETRY_FOR_MS);
    await drain();
    const gaveUp = (await log(ep.id)).data.find((d) => d.event_id === older.event_id)!;
    assert.deepEqual([gaveUp.status, gaveUp.attempts, gaveUp.next_attempt_at], ['failed', 2, null]);
    assert.equal((await server.internal('PATCH', `/webhook-endpoints/${ep.id}`, { enabled: true })).status, 200);

    answer = 200;
    const again = await server.internal('POST', `/webhook-endpoints/${ep.id}/deliveries/${older.event_id}/redeliver`);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual([again.body.status, again.body.attempts, again.body.next_attempt_at], ['pending', 2, new Date(clock.now()).toISOString()]);
    await drain();
    const delivered = (await log(ep.id)).data.find((d) => d.event_id === older.event_id)!;
    assert.deepEqual([delivered.status, delivered.attempts, delivered.last_status_code, delivered.last_error], ['delivered', 3, 200, null]);

    const before = rx.received.length;
    assert.equal((await server.internal('POST', `/webhook-endpoints/${ep.id}/deliveries/${older.event_id}/redeliver`)).body.status, 'pending');
    await drain();
    assert.deepEqual(
      rx.received.slice(before).map((r) => r.headers['webhook-id']),
      [older.event_id],
      'a delivered event again, same webhook-id',
    );
    assert.equal((await log(ep.id)).data.find((d) => d.event_id === older.event_id)!.attempts, 4);
  });

  it('answers 404 for an unknown endpoint or an event never delivered to it', async () => {
    const shop = await openShop(server, emu, 'Log 404');
    const ep = (await server.internal('POST', '/webhook-endpoints', { url: rx.url, event_types: ['order.paid'], store_ids: [shop.store.id] })).body as {
      id: string;
    };
    const unknownEvent = await server.internal('POST', `/webhook-endpoints/${ep.id}/deliveries/evt_nope/redeliver`);
    assert.deepEqual([unknownEvent.status, unknownEvent.body.error.code], [404, 'webhook_delivery_not_found']);
    const unknownEndpoint = await server.internal('POST', '/webhook-endpoints/we_nope/deliveries/evt_nope/redeliver');
    assert.deepEqual([unknownEndpoint.status, unknownEndpoint.body.error.code], [404, 'webhook_endpoint_not_found']);
    assert.equal((await server.internal('GET', '/webhook-endpoints/we_nope/deliveries')).status, 404);
    assert.deepEqual((await log(ep.id)).data, []);
  });

  it('refuses, in production, a delivery whose host resolves to a private address now, as a failed attempt', async () => {
    const shop = await openShop(server, emu, 'SSRF Hooks');
    // Saved in tests (127.0.0.1 allowed); delivered as production would, as if DNS had moved the host since.
    const ep = (await server.internal('POST', '/webhook-endpoints', { url: rx.url, event_types: ['order.paid'], store_ids: [shop.store.id] })).body as {
      id: string;
    };
    await paidOrder(shop.store.id);
    await emu.webhooks.idle();
    const received = rx.received.length;
    assert.equal(await deliverDue({ ...server.deps, config: { ...server.deps.config, env: 'production' } }, FAST), 1);
    assert.equal(rx.received.length, received, 'nothing sent');
    const [d] = (await log(ep.id)).data;
    assert.deepEqual([d.status, d.attempts, d.last_status_code, d.last_error], ['pending', 1, null, 'not sent: host resolves to 127.0.0.1 (loopback)']);
  });
});
