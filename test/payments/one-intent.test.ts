import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { call, checkoutFor, createdIntents, openShop, transcript, type TestServer } from '../support/shop';

/** Intents the emulator holds for this checkout session (by our metadata), however they were made. */
function intentsOf(emu: StripeEmulator, before: number) {
  return createdIntents(emu).slice(before);
}

describe('exactly one PaymentIntent per checkout session', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    // Short timeouts so an injected hang costs half a second, not stripe-node's default 80 s.
    server = await startTestServer({ emulator: emu, stripe: { timeoutMs: 500, maxNetworkRetries: 2 } });
    shop = await openShop(server, emu, 'Idempotent Shop');
  });
  after(async () => {
    assertNoSecrets([...transcript, ...server.logs].join('\n'), [shop.acct.keys.test.secret, server.internalSecret]);
    await server.destroy();
    await emu.close();
  });

  it('creates it with the merchant key, the frozen amount, automatic payment methods and our metadata', async () => {
    const { token, cartId } = await checkoutFor(server, shop.store.id, [['mug', 3]]);
    const seen = emu.requests.length;
    const res = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['amount', 'client_secret', 'currency', 'payment_intent_id', 'publishable_key']);
    const creates = emu.requests.slice(seen).filter((r) => r.path === '/v1/payment_intents');
    assert.equal(creates.length, 1);
    assert.equal(creates[0].apiKey, shop.acct.keys.test.secret);
    assert.match(creates[0].idempotencyKey ?? '', /^checkout-best:payment-intent:chk_/);
    const pi = await fetch(`${emu.url}/v1/payment_intents/${res.body.payment_intent_id}`, {
      headers: { Authorization: `Bearer ${shop.acct.keys.test.secret}` },
    }).then((r) => r.json());
    assert.equal(pi.amount, 3600);
    assert.equal(pi.currency, 'eur');
    assert.equal(pi.automatic_payment_methods.enabled, true);
    assert.equal(pi.metadata.store_id, shop.store.id);
    assert.equal(pi.metadata.cart_id, cartId);
    assert.match(pi.metadata.checkout_id, /^chk_/);
  });

  it('returns the same intent to 10 parallel double submits and later reloads', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const before = createdIntents(emu).length;
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)));
    const again = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    const ids = new Set([...answers, again].map((a) => a.body.payment_intent_id));
    assert.equal(ids.size, 1);
    assert.equal(intentsOf(emu, before).length, 1);
  });

  it('retries injected 500s and resets under the same Idempotency-Key and still makes one intent', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const before = createdIntents(emu).length;
    const seen = emu.requests.length;
    emu.faults.enqueue({ kind: '500', count: 1, method: 'POST', path: '/v1/payment_intents' });
    emu.faults.enqueue({ kind: 'reset', count: 1, method: 'POST', path: '/v1/payment_intents' });
    const [a, b] = await Promise.all([
      call(server.url, 'POST', `/api/checkout/${token}/payment-intent`),
      call(server.url, 'POST', `/api/checkout/${token}/payment-intent`),
    ]);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.payment_intent_id, b.body.payment_intent_id);
    const attempts = emu.requests.slice(seen).filter((r) => r.path === '/v1/payment_intents');
    assert.ok(attempts.length >= 3, `expected retries, saw ${attempts.length}`);
    assert.equal(new Set(attempts.map((r) => r.idempotencyKey)).size, 1);
    assert.equal(intentsOf(emu, before).length, 1);
  });

  it('answers 503 stripe_unavailable when Stripe stays down, then makes the one intent once it is back', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const before = createdIntents(emu).length;
    emu.faults.enqueue({ kind: 'hang', count: 1, method: 'POST', path: '/v1/payment_intents' });
    emu.faults.enqueue({ kind: '500', count: 10, method: 'POST', path: '/v1/payment_intents' });
    const down = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(down.status, 503);
    assert.deepEqual(down.body, { error: { code: 'stripe_unavailable', message: 'Could not reach Stripe, try again' } });
    emu.faults.clear();
    const up = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(up.status, 200);
    const reload = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(reload.body.payment_intent_id, up.body.payment_intent_id);
    assert.equal(intentsOf(emu, before).length, 1);
  });

  it("answers 502 invalid_api_key when the merchant's key was rolled, and flips the store's status", async () => {
    const other = await openShop(server, emu, 'Rolled Keys');
    const { token } = await checkoutFor(server, other.store.id);
    emu.revokeKey(other.acct.keys.test.secret);
    const res = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(res.status, 502);
    assert.equal(res.body.error.code, 'invalid_api_key');
    const status = await call(server.url, 'GET', `/stripe/status/${other.store.id}`);
    assert.equal(status.body.has_stripe, false);
    const again = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'store_not_connected');
  });
});
