import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKeylessClient, createStripeFactory, NO_KEY_MESSAGE, type StripeSettings } from '../../server/src/stripe/client';
import { withMerchantStripe } from '../../server/src/stripe/merchant';
import { startTestServer, type TestServer } from '../support/app';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

let emu: StripeEmulator;
let server: TestServer;
let settings: StripeSettings;

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu });
  settings = { apiUrl: emu.url, timeoutMs: 5000, maxNetworkRetries: 1 };
});
after(async () => {
  await server.destroy();
  await emu.close();
});

/** Rejects (or throws) within two seconds, or fails: a refused call must not hang either. */
async function refusal(call: () => unknown): Promise<Error> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('call still pending after 2 s')), 2000).unref());
  const err = await Promise.race([Promise.resolve().then(call), timeout]).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error, 'the call was not refused');
  return err;
}

describe('the shared Stripe client', () => {
  it("sends each store's concurrent calls with that store's own key", async () => {
    const accounts = Array.from({ length: 6 }, (_, i) => emu.createAccount(`Concurrent ${i}`));
    const stores = [];
    for (const [i, acct] of accounts.entries()) {
      const store = await server.createStore({ name: `Concurrent ${i}` });
      await server.connectStore(store.id, acct.keys.test);
      stores.push(store);
    }
    const from = emu.requests.length;
    const made = await Promise.all(
      stores.flatMap((store, i) =>
        [1, 2, 3].map((n) =>
          withMerchantStripe(server.deps, store.id, ({ stripe }) =>
            stripe.paymentIntents.create({ amount: 100 * (i + 1) + n, currency: 'usd', metadata: { store: store.id } }),
          ),
        ),
      ),
    );
    const creates = emu.requests.slice(from).filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    assert.equal(creates.length, made.length);
    for (const [i, acct] of accounts.entries()) {
      const mine = creates.filter((r) => r.accountId === acct.id);
      assert.equal(mine.length, 3, `store ${i} made three intents on its own account`);
      for (const r of mine) assert.equal(r.apiKey, acct.keys.test.secret);
    }
    for (const [k, pi] of made.entries()) assert.equal(pi.metadata.store, stores[Math.floor(k / 3)].id);
  });

  it('keeps the key across list pages and through path ids, params and options given by the caller', async () => {
    const acct = emu.createAccount('Paged');
    const stripe = createStripeFactory(settings).forKey(acct.keys.test.secret);
    for (let i = 0; i < 3; i++) await stripe.paymentIntents.create({ amount: 200 + i, currency: 'usd' }, { idempotencyKey: `paged-${acct.id}-${i}` });
    const from = emu.requests.length;
    const seen: string[] = [];
    for await (const pi of stripe.paymentIntents.list({ limit: 1 })) seen.push(pi.id);
    assert.equal(seen.length, 3);
    const pi = await stripe.paymentIntents.retrieve(seen[0]);
    assert.equal(pi.id, seen[0]);
    const log = emu.requests.slice(from);
    assert.ok(log.length >= 4);
    for (const r of log) assert.equal(r.apiKey, acct.keys.test.secret);
  });

  it('puts the key on calls of namespaces that also hold a back-reference to the client (stripe.tax)', async () => {
    const acct = emu.createAccount('Namespaced');
    const stripe = createStripeFactory(settings).forKey(acct.keys.test.secret);
    const from = emu.requests.length;
    assert.equal((await stripe.tax.settings.retrieve()).object, 'tax.settings');
    await stripe.tax.settings.update({ head_office: { address: { country: 'DE' } } });
    const calc = await stripe.tax.calculations.create({
      currency: 'eur',
      line_items: [{ amount: 100 }],
      customer_details: { address: { country: 'DE' }, address_source: 'shipping' },
    });
    await stripe.tax.transactions.createFromCalculation({ calculation: calc.id!, reference: 'ns-1' }, { idempotencyKey: `ns-${acct.id}` });
    const log = emu.requests.slice(from);
    assert.equal(log.length, 4);
    for (const r of log) assert.deepEqual([r.status, r.apiKey], [200, acct.keys.test.secret]);
  });

  it('refuses a call without a key before any request reaches Stripe, without hanging', async () => {
    const from = emu.requests.length;
    const keyless = createKeylessClient(settings);
    const err = await refusal(() => keyless.paymentIntents.create({ amount: 100, currency: 'usd' }));
    assert.equal(err.message, NO_KEY_MESSAGE);
    const factory = createStripeFactory(settings);
    assert.equal((await refusal(() => factory.forKey(''))).message, NO_KEY_MESSAGE);
    assert.equal((await refusal(() => factory.forKey(undefined as unknown as string))).message, NO_KEY_MESSAGE);
    assert.equal(emu.requests.length, from, 'nothing was sent');
  });

  it("names the caller's own code in a failed call's stack, as stripe-node does, though no stack is formatted on success", async () => {
    const a = emu.createAccount('Stack');
    const stripe = createStripeFactory(settings).forKey(a.keys.test.secret);
    const retrieveMissingIntent = () => stripe.paymentIntents.retrieve('pi_doesnotexist');
    const err = (await retrieveMissingIntent().catch((e: unknown) => e)) as Error & { type?: string };
    assert.equal(err.type, 'StripeInvalidRequestError');
    const [own, site] = err.stack!.split('\nOriginating from:\n');
    assert.ok(own && site, err.stack);
    assert.match(site, /retrieveMissingIntent/, 'the call site is the test function');
    assert.doesNotMatch(site, /withLazyCallSite|RequestSender/);
    // And success leaves stack traces as they were for everything else.
    assert.ok(Error.stackTraceLimit > 0);
    assert.ok((await stripe.paymentIntents.create({ amount: 100, currency: 'usd' })).id.startsWith('pi_'));
    assert.ok(new Error('x').stack!.split('\n').length > 1);
  });

  it("refuses a call that tries to bring its own key in the options instead of the view's", async () => {
    const a = emu.createAccount('View A');
    const b = emu.createAccount('View B');
    const stripe = createStripeFactory(settings).forKey(a.keys.test.secret);
    const from = emu.requests.length;
    const err = await refusal(() => stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { apiKey: b.keys.test.secret }));
    assert.match(err.message, /key comes from forKey/);
    assert.equal(emu.requests.length, from);
  });
});
