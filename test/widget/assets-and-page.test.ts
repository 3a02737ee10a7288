// HTTP tests of what the server serves for the widget: hashed bundles, the /widget.js alias, and the
// hosted checkout page (CSP, framing, expiry), against the real app and the Stripe emulator.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { manualClock } from '../../server/src/clock';
import { contentHash, createAssetStore } from '../../server/src/routes/assets';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { openCheckout, startTestServer, type TestServer } from '../support/app';
import { ensureBuilt, PRODUCTS } from './storefront-fixture';

const SHOP = 'https://shop.example';
const clock = manualClock(Date.now());
let emu: StripeEmulator;
let server: TestServer;
let storeId = '';

before(async () => {
  ensureBuilt();
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu, clock });
  storeId = (await server.createStore({ name: 'Page Test Shop', allowed_origins: [SHOP, 'https://www.shop.example'] })).id;
  await server.internal('PUT', `/stores/${storeId}/products`, { products: PRODUCTS });
  await server.connectStore(storeId, emu.createAccount('Page Test Shop').keys.test);
});
after(async () => {
  await server?.close();
  await emu?.close();
});

/** Makes a cart with one item and opens a checkout; returns the token. */
const checkoutToken = async () => (await openCheckout(server.url, storeId, { origin: SHOP })).token;

describe('widget bundles', () => {
  it('serves /widget.js with a short cache, CORS for any page and a pointer to its hashed copy', async () => {
    const res = await fetch(`${server.url}/widget.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/javascript/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    const body = await res.text();
    const hashed = /<\/assets\/(widget\.[0-9a-f]{10}\.js)>/.exec(res.headers.get('link') ?? '')![1];
    assert.equal(hashed, `widget.${contentHash(body)}.js`);
    // node:http, because fetch adds `Cache-Control: no-cache` to conditional requests (as browsers' fetch does).
    const status = await new Promise<number>((done, fail) =>
      get(`${server.url}/widget.js`, { headers: { 'If-None-Match': res.headers.get('etag')! } }, (r) => (r.resume(), done(r.statusCode!))).on('error', fail),
    );
    assert.equal(status, 304);
  });

  it('serves every hashed asset immutable for a year, and its source map', async () => {
    const assets = createAssetStore();
    for (const name of ['widget.js', 'widget.mjs', 'widget.css', 'widget-de.json', 'checkout.js', 'checkout.css']) {
      const res = await fetch(`${server.url}${assets.path(name)}`);
      assert.equal(res.status, 200, name);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    }
    const js = await (await fetch(`${server.url}${assets.path('widget.js')}`)).text();
    const map = /sourceMappingURL=(\/assets\/widget\.[0-9a-f]{10}\.js\.map)/.exec(js)![1];
    const mapRes = await fetch(`${server.url}${map}`);
    assert.equal(mapRes.status, 200);
    assert.ok((await mapRes.json()).sources.some((s: string) => s.includes('widget/src/widget.tsx')));
  });

  it('serves the stylesheet under the exact name compiled into widget.js', () => {
    const css = readFileSync('dist/widget.css');
    assert.ok(readFileSync('dist/widget.js', 'utf8').includes(`widget.${contentHash(css)}.css`));
  });

  it('serves the German texts as JSON under the exact name compiled into widget.js and widget.mjs', async () => {
    const file = createAssetStore().byName('widget-de.json')!.hashed;
    assert.equal(file, `widget-de.${contentHash(readFileSync('dist/widget-de.json'))}.json`);
    for (const bundle of ['dist/widget.js', 'dist/widget.mjs']) assert.ok(readFileSync(bundle, 'utf8').includes(file), bundle);
    // English is built in and German is not: a page downloads only its own language.
    assert.ok(!readFileSync('dist/widget.js', 'utf8').includes('Warenkorb'));
    const res = await fetch(`${server.url}/assets/${file}`);
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal((await res.json()).cart, 'Ihr Warenkorb');
  });

  it('answers 404 for an asset of another build', async () => {
    const res = await fetch(`${server.url}/assets/widget.0000000000.js`);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, 'asset_not_found');
  });
});

describe('hosted checkout page', () => {
  it("allows exactly Stripe.js's hosts plus our own origin, and only the store's origins may frame it", async () => {
    const token = await checkoutToken();
    const res = await fetch(`${server.url}/checkout/${token}?locale=de-DE`);
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get('content-security-policy'),
      "default-src 'none'; script-src 'self' https://js.stripe.com https://*.js.stripe.com; style-src 'self'; " +
        "connect-src 'self' https://api.stripe.com; frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; " +
        "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors https://shop.example https://www.shop.example",
    );
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const html = await res.text();
    assert.match(html, /<html lang="de">/);
    assert.match(html, /<script src="\/assets\/checkout\.[0-9a-f]{10}\.js" defer><\/script>/);
    assert.doesNotMatch(html, /sk_test_/);
    const config = JSON.parse(/<script type="application\/json" id="checkout-best-config">(.*?)<\/script>/s.exec(html)![1]);
    assert.equal(config.parentOrigin, null, 'no declared parent: the page posts nothing');
    assert.equal(config.view.amount, 1400);
    assert.match(config.view.publishable_key, /^pk_test_/);
  });

  it('posts only to the parent_origin the widget declared, and only if it is one of the store origins', async () => {
    const token = await checkoutToken();
    const configFor = async (parent: string) => {
      const html = await (await fetch(`${server.url}/checkout/${token}?parent_origin=${encodeURIComponent(parent)}`)).text();
      return JSON.parse(/<script type="application\/json" id="checkout-best-config">(.*?)<\/script>/s.exec(html)![1]);
    };
    assert.equal((await configFor('https://www.shop.example')).parentOrigin, 'https://www.shop.example');
    assert.equal((await configFor('https://evil.example')).parentOrigin, null);
    assert.equal((await configFor('https://www.shop.example/')).parentOrigin, null, 'an origin, exactly, not a URL');
  });

  it('says an expired checkout has expired and links back to the store', async () => {
    const token = await checkoutToken();
    clock.advance(31 * 60 * 1000);
    const res = await fetch(`${server.url}/checkout/${token}`, { headers: { 'Accept-Language': 'en' } });
    assert.equal(res.status, 410);
    const html = await res.text();
    assert.match(html, /This checkout has expired/);
    assert.match(html, /<a class="button" href="https:\/\/shop\.example" target="_top">Back to the store<\/a>/);
  });

  it('says an unknown checkout link is not valid, without framing rights', async () => {
    const res = await fetch(`${server.url}/checkout/not-a-real-token`);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /Checkout not found/);
    assert.match(res.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
  });
});
