// The platform's webhooks end to end: events written with the change they report (order paid, refunded, a
// store's Stripe connection), delivered signed (Standard Webhooks) by the worker to a local receiver, retried
// through failures, timeouts and a restart without losing one, shared by two instances without double sends,
// and signed twice during a secret rotation. No secret or signature in any log line.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { outcomeOf, RETRY_DELAYS_MS, RETRY_FOR_MS, retryDelay } from '../../server/src/platform-webhooks/delivery';
import type { ClaimedDelivery } from '../../server/src/storage/port';
import { sign } from '../../server/src/platform-webhooks/signature';
import { deliverDue, startDeliveryWorker, workerOwner } from '../../server/src/platform-webhooks/worker';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer, TEST_ENGINE, type TestServer } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { call, checkoutFor, internal, openShop, pay } from '../support/shop';
import { independentSignature, startReceiver, until, type Received } from './receiver';

const HOUR = 3_600_000;
const FAST = { timeoutMs: 300, pollIntervalMs: 20, batch: 20 };

describe('retry schedule', () => {
  const claimed = (over: Partial<ClaimedDelivery>): ClaimedDelivery => ({
    seq: 1,
    endpoint_id: 'we_x',
    event_id: 'evt_x',
    event_type: 'order.paid',
    store_id: 's',
    payload: '{}',
    event_created_at: 0,
    attempts: 0,
    created_at: 0,
    url: 'http://127.0.0.1:9/',
    secret_sealed: '',
    previous_secret_sealed: null,
    previous_secret_expires_at: null,
    failing_since: null,
    ...over,
  });

  it('waits 30 s, 2 min, 10 min, 1 h, 3 h, then 6 h between attempts, each within ±20 %', () => {
    const bases = [30_000, 120_000, 600_000, HOUR, 3 * HOUR, 6 * HOUR, 6 * HOUR, 6 * HOUR];
    bases.forEach((base, i) => {
      assert.equal(
        retryDelay(i + 1, () => 0.5),
        base,
      );
      assert.equal(
        retryDelay(i + 1, () => 0),
        base * 0.8,
      );
      assert.equal(
        retryDelay(i + 1, () => 1),
        base * 1.2,
      );
    });
  });

  it('keeps trying for 3 days after the event, then gives up', () => {
    const failed = { statusCode: 500, error: 'answered 500' };
    const early = outcomeOf(claimed({ attempts: 3 }), failed, RETRY_FOR_MS - 1, () => 0.5);
    assert.deepEqual([early.status, early.nextAttemptAt], ['pending', RETRY_FOR_MS - 1 + HOUR]);
    const late = outcomeOf(claimed({ attempts: 20 }), failed, RETRY_FOR_MS, () => 0.5);
    assert.deepEqual([late.status, late.nextAttemptAt], ['failed', null]);
    assert.equal(outcomeOf(claimed({ attempts: 2 }), { statusCode: 204, error: null }, 5).status, 'delivered');
  });
});

describe('webhooks delivered to the platform', () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;
  /** Every signing secret and signature seen, for the log check. */
  const secrets: string[] = [];
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

  before(async () => {
    emu = await startStripeEmulator({ port: 0, webhookRetryBaseMs: 50 });
    server = await startTestServer({ emulator: emu, clock, env: { webhookDelivery: { enabled: false } } });
  });
  after(async () => {
    assertNoSecrets(server.logs.join('\n'), [...secrets, server.internalSecret], 'the server logs');
    for (const r of receivers) await r.close();
    await server.destroy();
    await emu.close();
  });

  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };
  const endpointFor = async (url: string, storeId: string, eventTypes = ['order.paid', 'order.refunded']) => {
    const res = await server.internal('POST', '/webhook-endpoints', { url, event_types: eventTypes, store_ids: [storeId] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    secrets.push(res.body.secret);
    return res.body as { id: string; secret: string };
  };
  const paidOrder = async (storeId: string) => {
    const { token } = await checkoutFor(server, storeId, [['mug', 1]]);
    const { intent } = await pay(server, emu, token);
    const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200, done.text);
    return done.body.order as { id: string; payment_intent_id: string };
  };
  const deliveriesOf = (endpointId: string) =>
    server.sql<{ event_id: string; status: string; attempts: number }>(
      'SELECT event_id, status, CAST(attempts AS INTEGER) AS attempts FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY seq',
      [endpointId],
    );
  const checkSignature = (r: Received, secret: string) => {
    const id = String(r.headers['webhook-id']);
    const timestamp = String(r.headers['webhook-timestamp']);
    const signatures = String(r.headers['webhook-signature']).split(' ');
    secrets.push(...signatures.map((s) => s.slice(3)));
    const expected = independentSignature(secret, id, timestamp, r.body);
    assert.equal(sign(secret, id, Number(timestamp), r.body), expected);
    return signatures.includes(expected);
  };

  it('writes one order.paid for a paid order and the worker delivers it signed', async () => {
    const shop = await openShop(server, emu, 'Paid Hooks');
    const rx = await receiver();
    const ep = await endpointFor(rx.url, shop.store.id);
    const order = await paidOrder(shop.store.id);
    await emu.webhooks.idle(); // Stripe's payment_intent.succeeded finds the order: no second event
    const stop = startDeliveryWorker(server.deps, FAST);
    try {
      await until(() => rx.received.length >= 1, 10_000, 'the delivery');
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await stop();
    }
    assert.equal(rx.received.length, 1);
    const [got] = rx.received;
    assert.equal(got.headers['content-type'], 'application/json');
    assert.match(String(got.headers['webhook-id']), /^evt_/);
    assert.equal(got.event.id, got.headers['webhook-id']);
    assert.equal(got.event.type, 'order.paid');
    assert.equal(got.event.store_id, shop.store.id);
    const shown = await internal(server, 'GET', `/api/internal/orders/${order.id}`);
    assert.deepEqual(got.event.data, shown.body, 'the order as the internal API shows it');
    assert.ok(Math.abs(Number(got.headers['webhook-timestamp']) - clock.now() / 1000) < 5);
    assert.equal(String(got.headers['webhook-signature']).split(' ').length, 1);
    assert.ok(checkSignature(got, ep.secret), 'signed with the endpoint secret');
    assert.deepEqual(await deliveriesOf(ep.id), [{ event_id: got.event.id, status: 'delivered', attempts: 1 }]);
  });

  it("reports refunds and the store's Stripe connection changes", async () => {
    const shop = await openShop(server, emu, 'Refund Hooks');
    const rx = await receiver();
    await endpointFor(rx.url, shop.store.id, ['order.refunded', 'store.stripe.connected', 'store.stripe.disconnected']);
    const order = await paidOrder(shop.store.id);
    const refund = await fetch(`${emu.url}/v1/refunds`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${shop.acct.keys.test.secret}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payment_intent: order.payment_intent_id, amount: '200' }),
    });
    assert.equal(refund.status, 200);
    await emu.webhooks.idle();
    await server.connectStore(shop.store.id, shop.acct.keys.test);
    assert.equal((await internal(server, 'DELETE', `/api/internal/stores/${shop.store.id}/stripe`)).status, 200);
    while ((await deliverDue(server.deps, FAST)) > 0);
    const types = rx.received.map((r) => r.event.type);
    assert.deepEqual(types, ['order.refunded', 'store.stripe.connected', 'store.stripe.disconnected']);
    const [refunded, connected, disconnected] = rx.received.map((r) => r.event.data);
    assert.equal(refunded.amount_refunded, 200);
    assert.equal(refunded.status, 'partially_refunded');
    assert.equal(connected.has_stripe, true);
    assert.equal(connected.account_id, shop.acct.id);
    assert.equal(disconnected.has_stripe, false);
    assert.equal(disconnected.previous_account_id, shop.acct.id);
  });

  it('gets every event through 500s, a timeout and a restart, none lost, retrying with backoff', async () => {
    const shop = await openShop(server, emu, 'Flaky Hooks');
    // 500 for the first 4 requests, then no answer for 2 (timeouts), then 200.
    const rx = await receiver((n) => (n < 4 ? 500 : n < 6 ? 'hang' : 200));
    const ep = await endpointFor(rx.url, shop.store.id);
    const orders = [await paidOrder(shop.store.id), await paidOrder(shop.store.id), await paidOrder(shop.store.id)];
    await emu.webhooks.idle();
    const pass = () => deliverDue(server.deps, FAST);

    assert.equal(await pass(), 1, 'one delivery in flight per endpoint');
    assert.equal(rx.received[0].event.data.id, orders[0].id, 'the oldest first');
    const [first] = await deliveriesOf(ep.id);
    assert.deepEqual(first, { event_id: rx.received[0].event.id, status: 'pending', attempts: 1 });
    assert.equal(await pass(), 1, 'the next event goes while the first waits for its retry');
    assert.equal(await pass(), 1);
    assert.equal(await pass(), 0, 'nothing due before the backoff has passed');

    // An instance claims a delivery and dies before settling it; the server restarts.
    clock.advance(RETRY_DELAYS_MS[0] * 1.2 + 1);
    const dead = await server.deps.storage.webhookDeliveries.claim(workerOwner('inst_dead'), 1, 60_000);
    assert.equal(dead.length, 1);
    await server.restart();
    assert.equal(await pass(), 0, "the dead instance's claim holds until it expires");
    clock.advance(60_001);
    for (let round = 0; round < 20 && (await deliveriesOf(ep.id)).some((d) => d.status !== 'delivered'); round++) {
      while ((await pass()) > 0);
      clock.advance(HOUR);
    }
    const rows = await deliveriesOf(ep.id);
    assert.deepEqual(
      rows.map((d) => d.status),
      ['delivered', 'delivered', 'delivered'],
    );
    const delivered = new Set(rx.received.filter((_, n) => n >= 6).map((r) => r.event.data.id));
    assert.deepEqual([...delivered].sort(), orders.map((o) => o.id).sort(), 'every order arrived');
    assert.ok(rx.received.length >= 9, `attempts: ${rx.received.length}`);
    for (const r of rx.received) assert.ok(checkSignature(r, ep.secret));
    const failures = server.logs.filter((l) => l.includes('webhook delivery failed'));
    assert.ok(
      failures.some((l) => l.includes('no answer within 300 ms')),
      'the timeouts are logged',
    );
    assert.ok(
      failures.every((l) => !l.includes('token=abc')),
      'only the origin of the URL is logged',
    );
    const [{ failing_since }] = await server.sql<{ failing_since: number | null }>('SELECT failing_since FROM webhook_endpoints WHERE id = ?', [ep.id]);
    assert.equal(failing_since, null, 'a success clears the failing mark');
  });

  it('signs with both secrets while a rotated-out secret overlaps, then with the new one only', async () => {
    const shop = await openShop(server, emu, 'Rotating Hooks');
    const rx = await receiver();
    const ep = await endpointFor(rx.url, shop.store.id);
    const rotated = await server.internal('POST', `/webhook-endpoints/${ep.id}/rotate-secret`);
    assert.equal(rotated.status, 200);
    secrets.push(rotated.body.secret);
    await paidOrder(shop.store.id);
    while ((await deliverDue(server.deps, FAST)) > 0);
    const [during] = rx.received;
    const signatures = String(during.headers['webhook-signature']).split(' ');
    assert.equal(signatures.length, 2);
    assert.ok(checkSignature(during, rotated.body.secret), 'the new secret verifies');
    assert.ok(checkSignature(during, ep.secret), 'the former secret verifies');

    clock.advance(24 * HOUR + 1);
    await paidOrder(shop.store.id);
    while ((await deliverDue(server.deps, FAST)) > 0);
    const later = rx.received[1];
    assert.equal(String(later.headers['webhook-signature']).split(' ').length, 1);
    assert.ok(checkSignature(later, rotated.body.secret));
    assert.equal(checkSignature(later, ep.secret), false);
  });

  it('follows no redirect and cuts a huge answer', async () => {
    const shop = await openShop(server, emu, 'Redirect Hooks');
    const elsewhere = await receiver();
    const rx = await receiver((n) =>
      n === 0 ? { status: 307, headers: { location: elsewhere.url } } : { status: 200, body: Buffer.alloc(5 * 1024 * 1024, 'x') },
    );
    const ep = await endpointFor(rx.url, shop.store.id);
    await paidOrder(shop.store.id);
    assert.equal(await deliverDue(server.deps, FAST), 1);
    assert.equal(elsewhere.received.length, 0, 'the redirect was not followed');
    const [row] = await server.sql<{ status: string; code: number; error: string }>(
      'SELECT status, CAST(last_status_code AS INTEGER) AS code, last_error AS error FROM webhook_deliveries WHERE endpoint_id = ?',
      [ep.id],
    );
    assert.deepEqual(row, { status: 'pending', code: 307, error: 'redirect not followed' });
    clock.advance(RETRY_DELAYS_MS[0] * 1.2 + 1);
    // Reading 1 MB of the answer takes longer than FAST's 300 ms on a busy machine: this attempt may take 10 s.
    assert.equal(await deliverDue(server.deps, { ...FAST, timeoutMs: 10_000 }), 1);
    assert.deepEqual(
      (await deliveriesOf(ep.id)).map((d) => d.status),
      ['delivered'],
      'a 2xx with 5 MB of answer, read up to 1 MB',
    );
  });

  it('gives a delivery up after 3 days and disables an endpoint failing that long', async () => {
    const shop = await openShop(server, emu, 'Dead Hooks');
    const rx = await receiver(() => 503);
    const ep = await endpointFor(rx.url, shop.store.id);
    await paidOrder(shop.store.id);
    for (let i = 0; i < 40 && (await deliveriesOf(ep.id))[0].status === 'pending'; i++) {
      while ((await deliverDue(server.deps, FAST)) > 0);
      clock.advance(6 * HOUR);
    }
    const [row] = await deliveriesOf(ep.id);
    assert.equal(row.status, 'failed');
    const endpoint = await server.internal('GET', `/webhook-endpoints/${ep.id}`);
    assert.equal(endpoint.body.enabled, false);
    assert.match(endpoint.body.disabled_reason, /failed for 7\d hours/);
  });

  it(
    'two instances on one database send each event once while the receiver is healthy',
    { skip: TEST_ENGINE === 'sqlite' && 'several instances run on PostgreSQL only (README: Several instances)' },
    async () => {
      const shop = await openShop(server, emu, 'Twin Hooks');
      const rx = await receiver();
      const endpoints = [await endpointFor(rx.url, shop.store.id), await endpointFor(rx.url, shop.store.id)];
      const twin = await server.twin();
      const events: string[] = [];
      for (let i = 0; i < 30; i++) {
        const id = `evt_twin_${String(i).padStart(2, '0')}`;
        events.push(id);
        await server.sql('INSERT INTO platform_events (id, type, store_id, payload, created_at) VALUES (?, ?, ?, ?, ?)', [
          id,
          'order.paid',
          shop.store.id,
          `{"n":${i}}`,
          clock.now(),
        ]);
        for (const ep of endpoints) {
          await server.sql('INSERT INTO webhook_deliveries (endpoint_id, event_id, next_attempt_at, created_at) VALUES (?, ?, ?, ?)', [
            ep.id,
            id,
            clock.now(),
            clock.now(),
          ]);
        }
      }
      // Both start on the whole backlog at once, polling every 5 ms: every claim is contended.
      const stops = [startDeliveryWorker(server.deps, { ...FAST, pollIntervalMs: 5 }), startDeliveryWorker(twin.deps, { ...FAST, pollIntervalMs: 5 })];
      try {
        await until(() => rx.received.length >= 60, 20_000, '60 deliveries');
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        await Promise.all(stops.map((s) => s()));
      }
      assert.equal(rx.received.length, 60, 'no double sends');
      const got = rx.received.map((r) => String(r.headers['webhook-id']));
      for (const id of events) assert.equal(got.filter((g) => g === id).length, 2, `${id}: once per endpoint`);
      for (const ep of endpoints) {
        const rows = await deliveriesOf(ep.id);
        assert.ok(rows.every((d) => d.status === 'delivered' && d.attempts === 1));
        const arrived = rx.received.filter((r) => checkSignature(r, ep.secret)).map((r) => String(r.headers['webhook-id']));
        assert.deepEqual(arrived, events, 'each endpoint got its events in order');
      }
    },
  );
});
