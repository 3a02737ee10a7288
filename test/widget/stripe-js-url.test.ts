// STRIPE_JS_URL: the offline demo's way to load the emulator's Stripe.js double on the hosted checkout page,
// and production's refusal of it. The page without the setting is covered by assets-and-page.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../server/src/config';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { openCheckout, startTestServer, type TestServer } from '../support/app';
import { ensureBuilt, PRODUCTS } from './storefront-fixture';

const SHOP = 'https://shop.example';
let emu: StripeEmulator;
let server: TestServer;
let storeId = '';
let stripeJsUrl = '';

before(async () => {
  ensureBuilt();
  emu = await startStripeEmulator({ port: 0 });
  stripeJsUrl = `${emu.url}/endive/stripe.js`;
  server = await startTestServer({ emulator: emu, env: { stripeJsUrl } });
  storeId = (await server.createStore({ name: 'Offline Shop', allowed_origins: [SHOP] })).id;
  await server.internal('PUT', `/stores/${storeId}/products`, { products: PRODUCTS });
  await server.connectStore(storeId, emu.createAccount('Offline Shop').keys.test);
});
after(async () => {
  await server?.close();
  await emu?.close();
});

const checkoutToken = async () => (await openCheckout(server.url, storeId, { origin: SHOP })).token;

describe('STRIPE_JS_URL', () => {
  it('loads Stripe.js from the set URL before checkout.js and lets the CSP run it and call that origin', async () => {
    const res = await fetch(`${server.url}/checkout/${await checkoutToken()}`);
    assert.equal(res.status, 200);
    const emuOrigin = new URL(emu.url).origin;
    assert.equal(
      res.headers.get('content-security-policy'),
      `default-src 'none'; script-src 'self' https://js.stripe.com https://*.js.stripe.com ${emuOrigin}; style-src 'self'; ` +
        `connect-src 'self' https://api.stripe.com ${emuOrigin}; frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; ` +
        `img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors ${SHOP}`,
    );
    const html = await res.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"( defer)?><\/script>/g)].map((m) => `${m[1]}${m[2] ?? ''}`);
    assert.equal(scripts.length, 2);
    assert.equal(scripts[0], stripeJsUrl, 'the Stripe.js script is plain (neither defer nor async) and comes first');
    assert.match(scripts[1], /^\/assets\/checkout\.[0-9a-f]{10}\.js defer$/);
    assert.equal((await fetch(stripeJsUrl)).status, 200, 'the emulator serves the double at that URL');
  });

  it('leaves the script and its origin off pages that take no payment', async () => {
    const res = await fetch(`${server.url}/checkout/not-a-real-token`);
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.headers.get('content-security-policy')!, new RegExp(new URL(emu.url).port));
    assert.doesNotMatch(await res.text(), /stripe\.js/);
  });

  it('is accepted outside production and refused in production, naming the setting', () => {
    const env = {
      MASTER_KEY: randomBytes(32).toString('base64'),
      INTERNAL_SECRET: 'a-long-internal-secret-value',
      STRIPE_JS_URL: 'http://127.0.0.1:12111/endive/stripe.js',
    };
    assert.equal(loadConfig({ ...env, NODE_ENV: 'test' }).stripeJsUrl, env.STRIPE_JS_URL);
    assert.equal(loadConfig({ ...env, NODE_ENV: 'test', STRIPE_JS_URL: '' }).stripeJsUrl, undefined);
    assert.throws(
      () => loadConfig({ ...env, NODE_ENV: 'production', PUBLIC_URL: 'https://pay.example.com' }),
      (err: unknown) => err instanceof ConfigError && /STRIPE_JS_URL/.test(err.message) && /production/.test(err.message),
    );
    assert.throws(() => loadConfig({ ...env, NODE_ENV: 'test', STRIPE_JS_URL: 'javascript:alert(1)' }), /STRIPE_JS_URL/);
  });
});
