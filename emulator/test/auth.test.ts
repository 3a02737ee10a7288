import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, raw, stripeError } from './helpers';

describe('stripe emulator: accounts, keys and authentication', () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Demo Shop');
  });
  after(() => emu.close());

  it('starts in well under a second and listens on 127.0.0.1', async () => {
    // The best of three starts, so a busy CI machine does not make this flaky.
    let ms = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const other = await startStripeEmulator({ port: 0 });
      ms = Math.min(ms, performance.now() - t0);
      await other.close();
    }
    assert.ok(ms < 250, `took ${ms} ms`);
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('gives each account test and live publishable and secret keys', () => {
    assert.match(acct.id, /^acct_/);
    assert.equal(acct.name, 'Demo Shop');
    assert.match(acct.keys.test.publishable, /^pk_test_/);
    assert.match(acct.keys.test.secret, /^sk_test_/);
    assert.match(acct.keys.live.publishable, /^pk_live_/);
    assert.match(acct.keys.live.secret, /^sk_live_/);
  });

  it('answers GET /v1/account for the key owner in each mode', async () => {
    const test = await client(emu, acct.keys.test.secret).accounts.retrieveCurrent();
    assert.equal(test.id, acct.id);
    assert.equal(test.business_profile?.name, 'Demo Shop');
    const live = await client(emu, acct.keys.live.secret).accounts.retrieveCurrent();
    assert.equal(live.id, acct.id);
    assert.equal(emu.requests.at(-1)?.livemode, true);
  });

  it('refuses an unknown key with 401 and a masked key in the message', async () => {
    const err = await stripeError(() => client(emu, 'sk_test_unknownunknownabcd').balance.retrieve());
    assert.equal(err.type, 'StripeAuthenticationError');
    assert.equal(err.statusCode, 401);
    assert.equal(err.rawType, 'invalid_request_error');
    assert.equal(err.message, 'Invalid API Key provided: sk_test_**************abcd');
    assert.ok(!err.message.includes('unknownunknown'));
  });

  it('refuses a request without any key', async () => {
    const res = await raw(emu, 'GET', '/v1/balance');
    assert.equal(res.status, 401);
    assert.match(res.json.error.message, /You did not provide an API key/);
  });

  it('accepts Basic auth with the key as user name, like curl -u', async () => {
    const res = await raw(emu, 'GET', '/v1/balance', { headers: { Authorization: 'Basic ' + Buffer.from(acct.keys.test.secret + ':').toString('base64') } });
    assert.equal(res.status, 200);
    assert.equal(res.json.object, 'balance');
  });

  it('refuses a publishable key on secret-only endpoints', async () => {
    const err = await stripeError(() => client(emu, acct.keys.test.publishable).paymentIntents.create({ amount: 1000, currency: 'usd' }));
    assert.equal(err.statusCode, 401);
    assert.match(err.message, /cannot be made with a publishable API key/);
    const err2 = await stripeError(() => client(emu, acct.keys.test.publishable).accounts.retrieveCurrent());
    assert.match(err2.message, /publishable API key/);
  });

  it('answers 401 for a revoked key, as after keys were rolled in the Dashboard', async () => {
    const other = emu.createAccount('Rolled');
    const stripe = client(emu, other.keys.test.secret);
    await stripe.balance.retrieve();
    emu.revokeKey(other.keys.test.secret);
    const err = await stripeError(() => stripe.balance.retrieve());
    assert.equal(err.type, 'StripeAuthenticationError');
    assert.equal(err.statusCode, 401);
  });

  it('rolls a secret key: the new one works, the old one is refused', async () => {
    const other = emu.createAccount('Roll');
    const fresh = emu.rollSecretKey(other.id, 'test');
    assert.notEqual(fresh, other.keys.test.secret);
    assert.equal((await client(emu, fresh).accounts.retrieveCurrent()).id, other.id);
    assert.equal((await stripeError(() => client(emu, other.keys.test.secret).balance.retrieve())).statusCode, 401);
  });

  it('lets a restricted key do what its permissions allow and refuses the rest with 403', async () => {
    const rk = emu.createRestrictedKey(acct.id, 'test', { payment_intents: 'write', webhook_endpoints: 'none', balance: 'read' });
    assert.match(rk, /^rk_test_/);
    const stripe = client(emu, rk);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    assert.equal(pi.status, 'requires_payment_method');
    await stripe.balance.retrieve();
    const err = await stripeError(() => stripe.webhookEndpoints.list());
    assert.equal(err.type, 'StripePermissionError');
    assert.equal(err.statusCode, 403);
    assert.match(
      err.message,
      new RegExp(
        `^The provided key 'rk_test_\\*+.{4}' does not have the required permissions for this endpoint on account '${acct.id}'\\. Having the 'rak_webhook_read' permission would allow this request to continue\\.$`,
      ),
    );
  });

  it('refuses writes to a read-only restricted key', async () => {
    const rk = emu.createRestrictedKey(acct.id, 'test', { payment_intents: 'read' });
    const stripe = client(emu, rk);
    await stripe.paymentIntents.list();
    const err = await stripeError(() => stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }));
    assert.equal(err.statusCode, 403);
    assert.match(err.message, /rak_payment_intent_write/);
  });

  it('keeps accounts and modes apart: another account or the other mode gets 404 resource_missing', async () => {
    const other = emu.createAccount('Other');
    const pi = await client(emu, acct.keys.test.secret).paymentIntents.create({ amount: 1000, currency: 'usd' });
    for (const key of [other.keys.test.secret, acct.keys.live.secret]) {
      const err = await stripeError(() => client(emu, key).paymentIntents.retrieve(pi.id));
      assert.equal(err.statusCode, 404);
      assert.equal(err.code, 'resource_missing');
      assert.equal(err.message, `No such payment_intent: '${pi.id}'`);
      assert.equal(err.param, 'id');
      const list = await client(emu, key).paymentIntents.list({ limit: 100 });
      assert.ok(!list.data.some((p) => p.id === pi.id));
    }
  });

  it('logs every request with key, account, mode, idempotency key and status', async () => {
    const before = emu.requests.length;
    await client(emu, acct.keys.test.secret).paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'log-test-1' });
    const entry = emu.requests[before];
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/v1/payment_intents');
    assert.equal(entry.apiKey, acct.keys.test.secret);
    assert.equal(entry.accountId, acct.id);
    assert.equal(entry.livemode, false);
    assert.equal(entry.idempotencyKey, 'log-test-1');
    assert.equal(entry.status, 200);
    assert.equal(typeof entry.at, 'number');
  });
});
