import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, raw } from './helpers';

describe('stripe emulator: HTTP behaviour', () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Http');
  });
  after(async () => {
    await emu.close();
  });

  it("puts a Request-Id on every answer, errors included, matching the error's requestId", async () => {
    const ok = await client(emu, acct.keys.test.secret).balance.retrieve();
    assert.match(String(ok.lastResponse.requestId), /^req_/);
    const res = await raw(emu, 'GET', '/v1/payment_intents/pi_nope', { key: acct.keys.test.secret });
    assert.equal(res.status, 404);
    assert.match(String(res.headers.get('request-id')), /^req_/);
    assert.ok(res.json.error.request_log_url.endsWith(String(res.headers.get('request-id'))));
  });

  it('accepts any Stripe-Version and echoes it', async () => {
    const res = await raw(emu, 'GET', '/v1/balance', { key: acct.keys.test.secret, headers: { 'Stripe-Version': '2020-08-27' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('stripe-version'), '2020-08-27');
  });

  it('answers CORS preflights and allows browser calls from any origin', async () => {
    const pre = await fetch(`${emu.url}/v1/payment_intents/pi_x/confirm`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:9', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.match(String(pre.headers.get('access-control-allow-headers')), /Authorization/);
    assert.match(String(pre.headers.get('access-control-allow-methods')), /POST/);
    const res = await raw(emu, 'GET', '/v1/balance', { key: acct.keys.test.secret, headers: { Origin: 'http://127.0.0.1:9' } });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });

  it('takes the publishable key from a `key` form field, as Stripe.js sends it', async () => {
    const pi = await client(emu, acct.keys.test.secret).paymentIntents.create({ amount: 1000, currency: 'usd' });
    const res = await raw(emu, 'GET', `/v1/payment_intents/${pi.id}?key=${acct.keys.test.publishable}&client_secret=${pi.client_secret}`);
    assert.equal(res.status, 200);
    assert.equal(res.json.id, pi.id);
  });

  it('parses bracket notation: nested objects, a[]=x and a[0]=x lists', async () => {
    const res = await raw(emu, 'POST', '/v1/webhook_endpoints', {
      key: acct.keys.test.secret,
      form: { url: 'http://127.0.0.1:1/hook', 'enabled_events[]': 'payment_intent.succeeded', 'metadata[store]': 's_1' },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.enabled_events, ['payment_intent.succeeded']);
    assert.deepEqual(res.json.metadata, { store: 's_1' });
    const indexed = await fetch(`${emu.url}/v1/webhook_endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${acct.keys.test.secret}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'url=http%3A%2F%2F127.0.0.1%3A1%2Fh&enabled_events[0]=charge.refunded&enabled_events[1]=refund.created',
    });
    assert.deepEqual((await indexed.json()).enabled_events, ['charge.refunded', 'refund.created']);
  });

  it("answers an unknown URL with Stripe's 404", async () => {
    const res = await raw(emu, 'GET', '/v1/nothing_here', { key: acct.keys.test.secret });
    assert.equal(res.status, 404);
    assert.match(res.json.error.message, /^Unrecognized request URL \(GET: \/v1\/nothing_here\)/);
  });

  it('serves the Stripe.js double at /v3, /v3/ and /<release>/stripe.js as JavaScript with open CORS', async () => {
    for (const path of ['/v3', '/v3/', '/endive/stripe.js', '/clover/stripe.js']) {
      const res = await fetch(emu.url + path);
      assert.equal(res.status, 200, path);
      assert.match(String(res.headers.get('content-type')), /^application\/javascript/);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.match(await res.text(), /Stripe/);
    }
  });
});
