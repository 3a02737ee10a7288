import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, startReceiver, stripeError } from './helpers';

describe('stripe emulator: webhook endpoints, events and delivery', () => {
  let emu: StripeEmulator;
  before(async () => {
    emu = await startStripeEmulator({ port: 0, webhookRetryBaseMs: 20, webhookMaxAttempts: 3 });
  });
  after(() => emu.close());

  async function setup(events: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = ['*'], status?: () => number) {
    const acct: AccountInfo = emu.createAccount('Hooks');
    const stripe = client(emu, acct.keys.test.secret);
    const receiver = await startReceiver(status);
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: events });
    return { acct, stripe, receiver, endpoint };
  }

  it('creates an endpoint with a whsec_ secret shown only on creation, lists, retrieves, updates and deletes it', async () => {
    const { stripe, receiver, endpoint } = await setup(['payment_intent.succeeded', 'charge.refunded']);
    assert.match(endpoint.id, /^we_/);
    assert.match(String(endpoint.secret), /^whsec_/);
    assert.equal(endpoint.status, 'enabled');
    assert.equal(endpoint.url, receiver.url);
    assert.deepEqual(endpoint.enabled_events, ['payment_intent.succeeded', 'charge.refunded']);
    const fetched = await stripe.webhookEndpoints.retrieve(endpoint.id);
    assert.equal(fetched.secret, undefined);
    const list = await stripe.webhookEndpoints.list();
    assert.deepEqual(
      list.data.map((e) => e.id),
      [endpoint.id],
    );
    assert.equal(list.data[0].secret, undefined);
    const disabled = await stripe.webhookEndpoints.update(endpoint.id, { disabled: true, enabled_events: ['*'] });
    assert.equal(disabled.status, 'disabled');
    assert.deepEqual(disabled.enabled_events, ['*']);
    const deleted = await stripe.webhookEndpoints.del(endpoint.id);
    assert.deepEqual(deleted, { id: endpoint.id, object: 'webhook_endpoint', deleted: true });
    const gone = await stripeError(() => stripe.webhookEndpoints.retrieve(endpoint.id));
    assert.equal(gone.code, 'resource_missing');
    await receiver.close();
  });

  it('refuses an endpoint without url or enabled_events', async () => {
    const acct = emu.createAccount('Bad hooks');
    const stripe = client(emu, acct.keys.test.secret);
    const noUrl = await stripeError(() => stripe.webhookEndpoints.create({ enabled_events: ['*'] } as Stripe.WebhookEndpointCreateParams));
    assert.equal(noUrl.code, 'parameter_missing');
    assert.equal(noUrl.param, 'url');
    const noEvents = await stripeError(() => stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:1/x' } as Stripe.WebhookEndpointCreateParams));
    assert.equal(noEvents.param, 'enabled_events');
  });

  it('delivers PaymentIntent events signed so that stripe.webhooks.constructEvent accepts them', async () => {
    const { stripe, receiver, endpoint } = await setup();
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    await emu.webhooks.idle();
    const events = receiver.received.map((r) => stripe.webhooks.constructEvent(r.body, r.signature, endpoint.secret!));
    assert.deepEqual(events.map((e) => e.type).sort(), ['charge.succeeded', 'payment_intent.created', 'payment_intent.succeeded']);
    const succeeded = events.find((e) => e.type === 'payment_intent.succeeded') as Stripe.PaymentIntentSucceededEvent;
    assert.equal(succeeded.data.object.id, pi.id);
    assert.equal(succeeded.data.object.status, 'succeeded');
    assert.equal(receiver.received[0].headers['content-type'], 'application/json; charset=utf-8');
    assert.throws(() => stripe.webhooks.constructEvent(receiver.received[0].body, receiver.received[0].signature, 'whsec_wrong'));
    await receiver.close();
  });

  it('delivers only the event types an endpoint listens for, and nothing to disabled endpoints', async () => {
    const { stripe, receiver, endpoint } = await setup(['payment_intent.payment_failed']);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await stripeError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' }));
    await emu.webhooks.idle();
    assert.deepEqual(
      receiver.received.map((r) => JSON.parse(r.body).type),
      ['payment_intent.payment_failed'],
    );
    const failed = JSON.parse(receiver.received[0].body);
    assert.equal(failed.data.object.last_payment_error.decline_code, 'generic_decline');
    await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    await stripeError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' }));
    await emu.webhooks.idle();
    assert.equal(receiver.received.length, 1);
    await receiver.close();
  });

  it("does not deliver one account's events to another account's endpoints", async () => {
    const a = await setup();
    const b = await setup();
    await a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await emu.webhooks.idle();
    assert.equal(a.receiver.received.length, 1);
    assert.equal(b.receiver.received.length, 0);
    await a.receiver.close();
    await b.receiver.close();
  });

  it('retries a failing endpoint with backoff and records every attempt', async () => {
    let answers = [500, 503, 200];
    const { stripe, receiver, endpoint } = await setup(['payment_intent.created'], () => answers.shift() ?? 200);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await emu.webhooks.idle();
    const attempts = emu.webhooks.deliveries.filter((d) => d.endpointId === endpoint.id);
    assert.deepEqual(
      attempts.map((d) => [d.attempt, d.status, d.ok]),
      [
        [1, 500, false],
        [2, 503, false],
        [3, 200, true],
      ],
    );
    assert.ok(attempts[2].at - attempts[0].at >= 20 + 40 - 5, 'waits 20 ms, then 40 ms');
    assert.equal(receiver.received.length, 3);
    const event = (await stripe.events.list({ type: 'payment_intent.created' })).data[0];
    assert.equal((event.data.object as Stripe.PaymentIntent).id, pi.id);
    assert.equal(event.pending_webhooks, 0);
    answers = [];
    await receiver.close();
  });

  it('gives up after the last attempt', async () => {
    const { stripe, receiver, endpoint } = await setup(['payment_intent.created'], () => 500);
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await emu.webhooks.idle();
    assert.equal(emu.webhooks.deliveries.filter((d) => d.endpointId === endpoint.id).length, 3);
    const event = (await stripe.events.list({ limit: 1 })).data[0];
    assert.equal(event.pending_webhooks, 1);
    await receiver.close();
  });

  it('records a failed attempt when the endpoint cannot be reached', async () => {
    const acct = emu.createAccount('Unreachable');
    const stripe = client(emu, acct.keys.test.secret);
    const receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    const endpoint = await stripe.webhookEndpoints.create({ url, enabled_events: ['*'] });
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await emu.webhooks.idle();
    const attempts = emu.webhooks.deliveries.filter((d) => d.endpointId === endpoint.id);
    assert.equal(attempts.length, 3);
    assert.equal(attempts[0].status, null);
    assert.equal(attempts[0].error, 'ECONNREFUSED');
  });

  it('holds deliveries while paused and sends them on resume', async () => {
    const { stripe, receiver } = await setup(['payment_intent.created']);
    emu.webhooks.pause();
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await emu.webhooks.idle();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(receiver.received.length, 0);
    emu.webhooks.resume();
    await emu.webhooks.idle();
    assert.equal(receiver.received.length, 1);
    await receiver.close();
  });

  it('lists events newest first, filters by type and retrieves one', async () => {
    const acct = emu.createAccount('Events');
    const stripe = client(emu, acct.keys.test.secret);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'evt-key' });
    await stripe.paymentIntents.cancel(pi.id);
    const events = await stripe.events.list();
    assert.deepEqual(
      events.data.map((e) => e.type),
      ['payment_intent.canceled', 'payment_intent.created'],
    );
    assert.equal(events.data[1].request?.idempotency_key, 'evt-key');
    assert.match(String(events.data[1].request?.id), /^req_/);
    const onlyCanceled = await stripe.events.list({ type: 'payment_intent.canceled' });
    assert.equal(onlyCanceled.data.length, 1);
    const wildcard = await stripe.events.list({ type: 'payment_intent.*' });
    assert.equal(wildcard.data.length, 2);
    const one = await stripe.events.retrieve(events.data[0].id);
    assert.equal(one.id, events.data[0].id);
    assert.equal((one.data.object as Stripe.PaymentIntent).status, 'canceled');
    const other = emu.createAccount('Other');
    const missing = await stripeError(() => client(emu, other.keys.test.secret).events.retrieve(one.id));
    assert.equal(missing.code, 'resource_missing');
  });

  it('records a timeout when the receiver does not answer in time, and close() does not wait for a hung delivery', async () => {
    const hung = await startStripeEmulator({ port: 0, webhookTimeoutMs: 400, webhookMaxAttempts: 1 });
    const acct = hung.createAccount('Slow receiver');
    const stripe = client(hung, acct.keys.test.secret);
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:${port}/hook`, enabled_events: ['*'] });
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await hung.webhooks.idle();
    assert.equal(hung.webhooks.deliveries[0].error, 'timeout');
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const t0 = performance.now();
    await hung.close();
    assert.ok(performance.now() - t0 < 300, 'close() ended the in-flight delivery instead of waiting for its timeout');
    silent.closeAllConnections();
    silent.close();
  });
});
