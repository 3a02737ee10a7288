import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, stripeError } from './helpers';

describe('stripe emulator: injected faults and latency', () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Faulty');
  });
  after(() => emu.close());

  it('answers 500 api_error, and the client recovers with maxNetworkRetries using the same idempotency key', async () => {
    emu.faults.enqueue({ kind: '500', method: 'POST', path: '/v1/payment_intents' });
    const before = emu.requests.length;
    const pi = await client(emu, acct.keys.test.secret, { maxNetworkRetries: 2 }).paymentIntents.create({ amount: 1000, currency: 'usd' });
    assert.equal(pi.status, 'requires_payment_method');
    const seen = emu.requests.slice(before);
    assert.deepEqual(
      seen.map((r) => [r.status, r.fault]),
      [
        [500, '500'],
        [200, undefined],
      ],
    );
    assert.ok(seen[0].idempotencyKey);
    assert.equal(seen[1].idempotencyKey, seen[0].idempotencyKey);
  });

  it('surfaces a 500 as StripeAPIError when retries run out', async () => {
    emu.faults.enqueue({ kind: '500', count: 2 });
    const err = await stripeError(() => client(emu, acct.keys.test.secret, { maxNetworkRetries: 1 }).balance.retrieve());
    assert.equal(err.type, 'StripeAPIError');
    assert.equal(err.statusCode, 500);
    assert.equal(emu.faults.pending, 0);
  });

  it('answers 429 with Retry-After as a StripeRateLimitError', async () => {
    emu.faults.enqueue({ kind: '429', retryAfter: 3 });
    const err = await stripeError(() => client(emu, acct.keys.test.secret, { maxNetworkRetries: 2 }).balance.retrieve());
    assert.equal(err.type, 'StripeRateLimitError');
    assert.equal(err.statusCode, 429);
    assert.equal(err.code, 'rate_limit');
    assert.equal(err.headers?.['retry-after'], '3');
  });

  it('lets the client retry a 429 marked Stripe-Should-Retry', async () => {
    emu.faults.enqueue({ kind: '429', shouldRetry: true, retryAfter: 0 });
    const balance = await client(emu, acct.keys.test.secret, { maxNetworkRetries: 1 }).balance.retrieve();
    assert.equal(balance.object, 'balance');
  });

  it('resets the connection: one reset is retried by stripe-node even without retries, two fail', async () => {
    emu.faults.enqueue({ kind: 'reset' });
    const stripe = client(emu, acct.keys.test.secret);
    assert.equal((await stripe.balance.retrieve()).object, 'balance');
    emu.faults.enqueue({ kind: 'reset', count: 2 });
    const err = await stripeError(() => stripe.balance.retrieve());
    assert.equal(err.type, 'StripeConnectionError');
    assert.equal(emu.requests.at(-1)?.fault, 'reset');
  });

  it('hangs past the client timeout', async () => {
    emu.faults.enqueue({ kind: 'hang', path: '/v1/account' });
    const t0 = performance.now();
    const err = await stripeError(() => client(emu, acct.keys.test.secret, { timeout: 200 }).accounts.retrieveCurrent());
    assert.equal(err.type, 'StripeConnectionError');
    assert.match(err.message, /timeout/);
    assert.ok(performance.now() - t0 >= 190);
  });

  it("only hits requests that match the fault's method and path", async () => {
    emu.faults.enqueue({ kind: '500', method: 'POST', path: /^\/v1\/refunds/ });
    const stripe = client(emu, acct.keys.test.secret);
    await stripe.balance.retrieve();
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    assert.equal(emu.faults.pending, 1);
    emu.faults.clear();
    assert.equal(emu.faults.pending, 0);
  });

  it('adds latency to every answer', async () => {
    emu.faults.latencyMs = 120;
    try {
      const t0 = performance.now();
      await client(emu, acct.keys.test.secret).balance.retrieve();
      assert.ok(performance.now() - t0 >= 115);
    } finally {
      emu.faults.latencyMs = 0;
    }
    const t1 = performance.now();
    await client(emu, acct.keys.test.secret).balance.retrieve();
    assert.ok(performance.now() - t1 < 100);
  });

  it('takes a latency option at start', async () => {
    const slow = await startStripeEmulator({ port: 0, latencyMs: 80 });
    const a = slow.createAccount('Slow');
    const t0 = performance.now();
    await client(slow, a.keys.test.secret).balance.retrieve();
    assert.ok(performance.now() - t0 >= 75);
    await slow.close();
  });
});
