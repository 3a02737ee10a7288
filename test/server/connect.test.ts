import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webhookSecretBinding } from '../../server/src/crypto/bindings';
import { postConnectForm, startTestServer, submitConnectForm, type TestServer } from '../support/app';
import { MINIMUM_CHARGE } from '../../server/src/stripe/minimum-charge';
import { MINIMUMS as EMULATOR_MINIMUMS } from '../../emulator/src/amounts';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

let emu: StripeEmulator;
let server: TestServer;

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu });
});
after(async () => {
  await server.destroy();
  await emu.close();
});

const status = async (id: string) => (await server.internal('GET', `/stores/${id}/stripe-status`)).body;
const postJson = (url: string, keys: { publishable: string; secret: string }) => submitConnectForm(url, keys, 'application/json');

describe('the signed connect form', () => {
  it('connects a store with valid test keys and shows it on the status endpoints', async () => {
    const acct = emu.createAccount('Bean Roasters');
    const store = await server.createStore({ name: 'Beans' });
    const res = await server.connectStore(store.id, acct.keys.test);
    assert.match(res.headers.get('location')!, new RegExp(`^/stripe/success/${store.id}\\?`));
    const s = await status(store.id);
    assert.equal(s.has_stripe, true);
    assert.equal(s.is_live_mode, false);
    assert.equal(s.account_id, acct.id);
    assert.equal(s.account_name, 'Bean Roasters');
    assert.equal(s.key_type, 'secret');
    assert.equal(s.key_status, 'valid');
    assert.equal(s.webhooks, true);
    const pub = await fetch(`${server.url}/stripe/status/${store.id}`);
    assert.deepEqual(await pub.json(), { store_id: store.id, has_stripe: true, is_live_mode: false });
  });

  it('leaves no PaymentIntent open after checking that both keys belong to one account', async () => {
    const acct = emu.createAccount('Check Shop');
    const store = await server.createStore({ name: 'Check' });
    await server.connectStore(store.id, acct.keys.test);
    const mine = emu.requests.filter((r) => r.accountId === acct.id);
    const created = mine.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    const cancelled = mine.filter((r) => r.method === 'POST' && /^\/v1\/payment_intents\/pi_\w+\/cancel$/.test(r.path));
    assert.equal(created.length, 1);
    assert.equal(cancelled.length, 1);
    assert.ok(
      mine.some((r) => r.method === 'GET' && r.apiKey === acct.keys.test.publishable),
      'the publishable key was used',
    );
  });

  it('registers a webhook endpoint for the store on the merchant account', async () => {
    const acct = emu.createAccount('Hook Shop');
    const store = await server.createStore({ name: 'Hooks' });
    await server.connectStore(store.id, acct.keys.test);
    const reg = emu.requests.find((r) => r.accountId === acct.id && r.method === 'POST' && r.path === '/v1/webhook_endpoints');
    assert.ok(reg, 'webhook endpoint registered');
    assert.equal(reg.status, 200);
    const sealed = (await server.deps.storage.stores.getWebhookSecretSealed(store.id))!;
    assert.match(server.deps.sealer.open(webhookSecretBinding(store.id), sealed), /^whsec_/);
  });

  it('refuses a secret key Stripe does not accept with the form again and "Invalid API key"', async () => {
    const acct = emu.createAccount('Typo Shop');
    const store = await server.createStore({ name: 'Typo' });
    const link = await server.connectLink(store.id);
    const html = await submitConnectForm(link, { publishable: acct.keys.test.publishable, secret: 'sk_test_' + 'x'.repeat(24) });
    assert.equal(html.status, 422);
    const page = await html.text();
    assert.match(page, /Invalid API key/);
    assert.match(page, /<form/);
    assert.match(page, /aria-invalid="true"/);
    const json = await postJson(link, { publishable: acct.keys.test.publishable, secret: 'sk_test_' + 'x'.repeat(24) });
    assert.equal(json.status, 422);
    assert.equal((await json.json()).error.code, 'invalid_api_key');
    assert.equal((await status(store.id)).has_stripe, false);
  });

  it('refuses a live publishable key with a test secret key, saying the modes differ', async () => {
    const acct = emu.createAccount('Mixed Shop');
    const store = await server.createStore({ name: 'Mixed' });
    const res = await postJson(await server.connectLink(store.id), { publishable: acct.keys.live.publishable, secret: acct.keys.test.secret });
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.equal(body.error.code, 'keys_mode_mismatch');
    assert.match(body.error.message, /publishable key is a live key but the secret key is a test key/);
  });

  it('refuses keys of two different Stripe accounts', async () => {
    const a = emu.createAccount('Shop A');
    const b = emu.createAccount('Shop B');
    const store = await server.createStore({ name: 'Two accounts' });
    const res = await postJson(await server.connectLink(store.id), { publishable: b.keys.test.publishable, secret: a.keys.test.secret });
    assert.equal(res.status, 422);
    assert.equal((await res.json()).error.code, 'keys_account_mismatch');
    assert.equal((await status(store.id)).has_stripe, false);
  });

  it('connects live keys and reports live mode', async () => {
    const acct = emu.createAccount('Live Shop');
    const store = await server.createStore({ name: 'Live' });
    await server.connectStore(store.id, acct.keys.live);
    const s = await status(store.id);
    assert.equal(s.is_live_mode, true);
    assert.equal(s.has_stripe, true);
  });

  it('accepts a restricted key with only PaymentIntents write and reports webhooks: false', async () => {
    const acct = emu.createAccount('Restricted Shop');
    const rk = emu.createRestrictedKey(acct.id, 'test', { payment_intents: 'write' });
    const store = await server.createStore({ name: 'Restricted' });
    await server.connectStore(store.id, { publishable: acct.keys.test.publishable, secret: rk });
    const s = await status(store.id);
    assert.equal(s.key_type, 'restricted');
    assert.equal(s.has_stripe, true);
    assert.equal(s.webhooks, false);
    assert.equal(s.account_id, acct.id);
  });

  it('accepts a restricted key with webhook permission and registers the endpoint', async () => {
    const acct = emu.createAccount('Restricted Hooks');
    const rk = emu.createRestrictedKey(acct.id, 'test', { payment_intents: 'write', webhook_endpoints: 'write', account: 'read' });
    const store = await server.createStore({ name: 'Restricted hooks' });
    await server.connectStore(store.id, { publishable: acct.keys.test.publishable, secret: rk });
    const s = await status(store.id);
    assert.equal(s.webhooks, true);
    assert.equal(s.account_name, 'Restricted Hooks');
  });

  it('refuses a restricted key that cannot create PaymentIntents', async () => {
    const acct = emu.createAccount('Read-only');
    const rk = emu.createRestrictedKey(acct.id, 'test', { payment_intents: 'read', account: 'read' });
    const store = await server.createStore({ name: 'Read-only' });
    const res = await postJson(await server.connectLink(store.id), { publishable: acct.keys.test.publishable, secret: rk });
    assert.equal(res.status, 422);
    assert.match((await res.json()).error.message, /PaymentIntents: Write/);
  });

  it('reconnecting to another account replaces the keys, deletes the old endpoint and records it', async () => {
    const a = emu.createAccount('First Account');
    const b = emu.createAccount('Second Account');
    const store = await server.createStore({ name: 'Switcher' });
    await server.connectStore(store.id, a.keys.test);
    await server.connectStore(store.id, b.keys.test);
    assert.equal((await status(store.id)).account_id, b.id);
    const del = emu.requests.find((r) => r.method === 'DELETE' && r.path.startsWith('/v1/webhook_endpoints/') && r.accountId === a.id);
    assert.ok(del, 'old endpoint deleted with the old account key');
    const events = (await server.internal('GET', `/stores/${store.id}/events`)).body.data;
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['store_created', 'connected', 'account_changed'],
    );
    assert.equal(events[2].previous_account_id, a.id);
    assert.equal(events[2].account_id, b.id);
  });

  it('lets only one of two simultaneous submits of the same link through', async () => {
    const acct = emu.createAccount('Double Submit');
    const store = await server.createStore({ name: 'Double' });
    const link = await server.connectLink(store.id);
    // The form is open in two tabs, and both are submitted at once (GET first: a burnt link's form answers 403).
    const form = await fetch(link);
    assert.equal(form.status, 200);
    await form.text();
    const results = await Promise.all([postConnectForm(link, acct.keys.test, 'application/json'), postConnectForm(link, acct.keys.test, 'application/json')]);
    assert.deepEqual(results.map((r) => r.status).sort(), [303, 403]);
    const endpoints = emu.requests.filter((r) => r.accountId === acct.id && r.path.startsWith('/v1/webhook_endpoints'));
    const created = endpoints.filter((r) => r.method === 'POST').length;
    const deleted = endpoints.filter((r) => r.method === 'DELETE').length;
    assert.equal(created - deleted, 1, 'the losing submit removes the endpoint it registered');
  });

  it('refuses keys that are not shaped like Stripe keys, naming the field', async () => {
    const store = await server.createStore({ name: 'Shapes' });
    const link = await server.connectLink(store.id);
    const before = emu.requests.length;
    const badPk = await postJson(link, { publishable: 'sk_test_abcdefgh12345678', secret: 'sk_test_abcdefgh12345678' });
    assert.equal(badPk.status, 422);
    assert.match((await badPk.json()).error.message, /publishable key starts with pk_test_ or pk_live_/);
    const badSk = await submitConnectForm(link, { publishable: 'pk_test_abcdefgh12345678', secret: 'hello' });
    assert.equal(badSk.status, 422);
    assert.match(await badSk.text(), /<p id="secret_key-error" class="field-error">A secret key starts with sk_test_/);
    assert.equal(emu.requests.length, before, 'Stripe was not asked');
  });

  it('never refills the publishable field with a secret key, restricted key or webhook secret pasted into it', async () => {
    const acct = emu.createAccount('Paste Shop');
    const rk = emu.createRestrictedKey(acct.id, 'test', { payment_intents: 'write' });
    const store = await server.createStore({ name: 'Paste' });
    const link = await server.connectLink(store.id);
    for (const wrong of [acct.keys.test.secret, acct.keys.live.secret, rk, 'whsec_abcdefghijkl1234567890']) {
      const res = await submitConnectForm(link, { publishable: wrong, secret: acct.keys.test.secret });
      assert.equal(res.status, 422);
      const page = await res.text();
      assert.match(page, /<input id="publishable_key" name="publishable_key" type="text" value(="")? /);
      assert.ok(!page.includes(wrong), `the page echoes ${wrong.slice(0, 8)}…`);
    }
    const typo = await submitConnectForm(link, { publishable: acct.keys.test.publishable, secret: 'sk_test_' + 'y'.repeat(24) });
    assert.match(await typo.text(), new RegExp(`value="${acct.keys.test.publishable}"`), 'a real publishable key is kept for the retry');
  });

  it("connects stores in currencies whose minimum charge is above one unit, checking at Stripe's minimum", async () => {
    for (const currency of ['sek', 'nok', 'dkk', 'pln', 'hkd', 'mxn', 'thb', 'czk', 'huf', 'aed', 'jpy', 'gbp']) {
      const acct = emu.createAccount(`Shop ${currency}`);
      const store = await server.createStore({ name: `In ${currency}`, default_currency: currency });
      const res = await postJson(await server.connectLink(store.id), acct.keys.test);
      assert.equal(res.status, 303, `${currency}: ${await res.text()}`);
      const [check] = (await server.deps.stripe.forKey(acct.keys.test.secret).paymentIntents.list({ limit: 1 })).data;
      assert.deepEqual([check.currency, check.amount, check.status], [currency, MINIMUM_CHARGE[currency], 'canceled']);
    }
  });

  it("keeps the server's minimum-charge table identical to the emulator's", () => {
    assert.deepEqual({ ...MINIMUM_CHARGE }, { ...EMULATOR_MINIMUMS });
  });

  it('answers 422 key_check_refused, not invalid_api_key, when Stripe accepts the keys but refuses the check payment', async () => {
    const acct = emu.createAccount('Odd Currency');
    const store = await server.createStore({ name: 'Odd', default_currency: 'xyz' });
    const link = await server.connectLink(store.id);
    const res = await postJson(link, acct.keys.test);
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.equal(body.error.code, 'key_check_refused');
    assert.match(body.error.message, /accepted the keys but refused the test payment.*currency/i);
    const page = await submitConnectForm(link, acct.keys.test);
    assert.equal(page.status, 422);
    assert.match(await page.text(), /refused the test payment/);
    assert.equal((await status(store.id)).has_stripe, false);
  });

  it('refuses a form body over 32 KB with 413', async () => {
    const store = await server.createStore({ name: 'Huge' });
    const body = new URLSearchParams(new URL(await server.connectLink(store.id)).searchParams);
    body.set('publishable_key', 'pk_test_' + 'a'.repeat(40_000));
    const res = await fetch(`${server.url}/stripe/connect`, { method: 'POST', body, headers: { Accept: 'application/json' } });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error.code, 'body_too_large');
  });
});
