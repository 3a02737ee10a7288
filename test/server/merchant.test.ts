import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../server/src/errors';
import { withMerchantStripe } from '../../server/src/stripe/merchant';
import { startTestServer, submitConnectForm, type TestServer } from '../support/app';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

let emu: StripeEmulator;
let server: TestServer;

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu, stripe: { maxNetworkRetries: 1 } });
});
after(async () => {
  await server.destroy();
  await emu.close();
});

const createIntent = (storeId: string) =>
  withMerchantStripe(server.deps, storeId, ({ stripe }) => stripe.paymentIntents.create({ amount: 500, currency: 'usd' }));

async function rejectsWith(promise: Promise<unknown>, code: string, status: number): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, `expected AppError ${code}, got ${String(err)}`);
  assert.equal(err.code, code);
  assert.equal(err.status, status);
  return err;
}

describe('merchant Stripe access', () => {
  it("makes the call with the store's own key", async () => {
    const acct = emu.createAccount('Own Key');
    const store = await server.createStore({ name: 'Own key' });
    await server.connectStore(store.id, acct.keys.test);
    const pi = await createIntent(store.id);
    const logged = emu.requests.find((r) => r.path === '/v1/payment_intents' && r.method === 'POST' && r.accountId === acct.id && r.status === 200);
    assert.ok(pi.id.startsWith('pi_'));
    assert.equal(logged?.apiKey, acct.keys.test.secret);
  });

  it('flips the store to invalid when Stripe rejects its key, until the merchant reconnects', async () => {
    const acct = emu.createAccount('Rolled Keys');
    const store = await server.createStore({ name: 'Rolled' });
    await server.connectStore(store.id, acct.keys.test);
    const newSecret = emu.rollSecretKey(acct.id, 'test');
    const err = await rejectsWith(createIntent(store.id), 'invalid_api_key', 502);
    assert.equal(err.message, "Invalid API key: the store's Stripe keys were changed; the merchant must reconnect");
    const status = (await server.internal('GET', `/stores/${store.id}/stripe-status`)).body;
    assert.equal(status.has_stripe, false);
    assert.equal(status.key_status, 'invalid');
    assert.match(status.last_error, /authentication/);
    assert.equal((await (await fetch(`${server.url}/stripe/status/${store.id}`)).json()).has_stripe, false);
    await rejectsWith(createIntent(store.id), 'store_not_connected', 409);
    const events = (await server.internal('GET', `/stores/${store.id}/events`)).body.data.map((e: { type: string }) => e.type);
    assert.deepEqual(events, ['store_created', 'connected', 'keys_invalid']);

    await server.connectStore(store.id, { publishable: acct.keys.test.publishable, secret: newSecret });
    const after = (await server.internal('GET', `/stores/${store.id}/stripe-status`)).body;
    assert.equal(after.has_stripe, true);
    assert.equal(after.key_status, 'valid');
    assert.equal(after.last_error, null);
  });

  it('answers store_not_connected for a store without keys', async () => {
    const store = await server.createStore({ name: 'Never connected' });
    await rejectsWith(createIntent(store.id), 'store_not_connected', 409);
  });

  it('answers stripe_unavailable when Stripe keeps failing after retries', async () => {
    const acct = emu.createAccount('Flaky');
    const store = await server.createStore({ name: 'Flaky' });
    await server.connectStore(store.id, acct.keys.test);
    emu.faults.enqueue({ kind: '500', count: 2, path: '/v1/payment_intents' });
    await rejectsWith(createIntent(store.id), 'stripe_unavailable', 503);
    emu.faults.clear();
    assert.ok((await createIntent(store.id)).id, 'works again afterwards');
    assert.equal((await server.internal('GET', `/stores/${store.id}/stripe-status`)).body.key_status, 'valid');
  });

  it('passes card errors through for the caller to map', async () => {
    const acct = emu.createAccount('Declines');
    const store = await server.createStore({ name: 'Declines' });
    await server.connectStore(store.id, acct.keys.test);
    const err = await withMerchantStripe(server.deps, store.id, ({ stripe }) =>
      stripe.paymentIntents.create({ amount: 500, currency: 'usd', confirm: true, payment_method: 'pm_card_chargeDeclined' }),
    ).then(
      () => null,
      (e: unknown) => e as { type?: string },
    );
    assert.equal(err?.type, 'StripeCardError');
  });
});

describe('Stripe unreachable', () => {
  it('answers the connect form with 503 "Could not reach Stripe, try again" and stores nothing', async () => {
    const offline = await startTestServer({ emulator: { url: 'http://127.0.0.1:9' }, stripe: { maxNetworkRetries: 0, timeoutMs: 1000 } });
    try {
      const store = await offline.createStore({ name: 'Offline' });
      const res = await submitConnectForm(
        await offline.connectLink(store.id),
        { publishable: 'pk_test_abcdefgh12345678', secret: 'sk_test_abcdefgh12345678' },
        'application/json',
      );
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { error: { code: 'stripe_unavailable', message: 'Could not reach Stripe, try again' } });
      assert.equal(await offline.deps.storage.stores.getConnection(store.id), null);
    } finally {
      await offline.destroy();
    }
  });
});
