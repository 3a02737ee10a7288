import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { call, internal, openShop, transcript, type TestServer } from '../support/shop';

const SHOP_ORIGIN = 'https://shop.example';

describe('catalog and carts', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let storeId: string;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    ({
      store: { id: storeId },
    } = await openShop(server, emu, 'Cart Shop', { allowed_origins: [SHOP_ORIGIN] }));
  });
  after(async () => {
    assertNoSecrets([...transcript, ...server.logs].join('\n'), [server.internalSecret]);
    await server.destroy();
    await emu.close();
  });

  it('lists the uploaded catalog internally and only active products publicly', async () => {
    await internal(server, 'PUT', `/api/internal/stores/${storeId}/products`, {
      products: [{ id: 'old', name: 'Retired', unit_amount: 100, currency: 'eur', active: false }],
    });
    const all = await internal(server, 'GET', `/api/internal/stores/${storeId}/products`);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.data.map((p: any) => p.id),
      ['tee', 'mug', 'poster', 'old'],
    );
    const pub = await call(server.url, 'GET', `/api/stores/${storeId}/products`);
    assert.deepEqual(
      pub.body.data.map((p: any) => p.id),
      ['tee', 'mug', 'poster'],
    );
    assert.equal(pub.body.data[0].unit_amount, 2500);
  });

  it('refuses a second currency in one store and a catalog upload without the internal secret', async () => {
    const mixed = await internal(server, 'PUT', `/api/internal/stores/${storeId}/products`, {
      products: [{ id: 'usd-thing', name: 'Thing', unit_amount: 100, currency: 'usd' }],
    });
    assert.equal(mixed.status, 422);
    assert.equal(mixed.body.error.code, 'currency_mismatch');
    const anon = await call(server.url, 'PUT', `/api/internal/stores/${storeId}/products`, { products: [] });
    assert.equal(anon.status, 401);
    const bad = await internal(server, 'PUT', `/api/internal/stores/${storeId}/products`, {
      products: [{ id: 'x', name: 'X', unit_amount: 1.5, currency: 'eur' }],
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_request');
  });

  it('creates an empty cart with an unguessable url-safe id', async () => {
    const res = await call(server.url, 'POST', `/api/stores/${storeId}/carts`);
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, {
      id: res.body.id,
      store_id: storeId,
      currency: 'eur',
      items: [],
      subtotal: 0,
      item_count: 0,
      requires_shipping: false,
      free_shipping_over: null,
      discount: null,
      total: 0,
    });
    assert.match(res.body.id, /^cart_[A-Za-z0-9_-]{22}$/);
    assert.equal(Buffer.from(res.body.id.slice(5), 'base64url').length, 16);
  });

  it('prices every line from the catalog and ignores any price the browser sends', async () => {
    const cart = (await call(server.url, 'POST', `/api/stores/${storeId}/carts`)).body;
    const added = await call(server.url, 'POST', `/api/carts/${cart.id}/items`, {
      product_id: 'tee',
      quantity: 2,
      unit_amount: 1,
      price: 1,
      line_total: 1,
      subtotal: 1,
      amount: 1,
    });
    assert.equal(added.status, 200);
    assert.deepEqual(added.body.items, [
      { product_id: 'tee', name: 'T-shirt', unit_amount: 2500, quantity: 2, line_total: 5000, shippable: true, weight_grams: null },
    ]);
    const merged = await call(server.url, 'POST', `/api/carts/${cart.id}/items`, { product_id: 'tee', quantity: 1 });
    assert.equal(merged.body.items[0].quantity, 3);
    await call(server.url, 'POST', `/api/carts/${cart.id}/items`, { product_id: 'mug' });
    const patched = await call(server.url, 'PATCH', `/api/carts/${cart.id}/items/mug`, { quantity: 4, unit_amount: 0 });
    assert.equal(patched.body.subtotal, 3 * 2500 + 4 * 1200);
    assert.equal(patched.body.item_count, 7);
    const removed = await call(server.url, 'DELETE', `/api/carts/${cart.id}/items/tee`);
    assert.deepEqual(
      removed.body.items.map((i: any) => i.product_id),
      ['mug'],
    );
    const zero = await call(server.url, 'PATCH', `/api/carts/${cart.id}/items/mug`, { quantity: 0 });
    assert.deepEqual(zero.body.items, []);
    const read = await call(server.url, 'GET', `/api/carts/${cart.id}`);
    assert.equal(read.body.subtotal, 0);
  });

  it('answers a changed price on the next read of the cart', async () => {
    const cart = (await call(server.url, 'POST', `/api/stores/${storeId}/carts`)).body;
    await call(server.url, 'POST', `/api/carts/${cart.id}/items`, { product_id: 'poster', quantity: 2 });
    await internal(server, 'PUT', `/api/internal/stores/${storeId}/products`, {
      products: [{ id: 'poster', name: 'Poster', unit_amount: 1100, currency: 'eur' }],
    });
    const read = await call(server.url, 'GET', `/api/carts/${cart.id}`);
    assert.equal(read.body.subtotal, 2200);
  });

  it('refuses unknown products and quantities outside 1..max with stable codes', async () => {
    const cart = (await call(server.url, 'POST', `/api/stores/${storeId}/carts`)).body;
    const cases: [unknown, number, string][] = [
      [{ product_id: 'nope', quantity: 1 }, 422, 'product_not_found'],
      [{ product_id: 'old', quantity: 1 }, 422, 'product_not_found'],
      [{ product_id: 'tee', quantity: 0 }, 422, 'invalid_quantity'],
      [{ product_id: 'tee', quantity: 100 }, 422, 'invalid_quantity'],
      [{ product_id: 'tee', quantity: 1.5 }, 422, 'invalid_quantity'],
      [{ product_id: 'tee', quantity: '2' }, 422, 'invalid_quantity'],
      [{ product_id: 'mug', quantity: 6 }, 422, 'invalid_quantity'],
      [{ quantity: 1 }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(server.url, 'POST', `/api/carts/${cart.id}/items`, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error.code, code, JSON.stringify(body));
    }
    const broken = await call(server.url, 'POST', `/api/carts/${cart.id}/items`, '{"product_id":');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'invalid_json');
    assert.deepEqual((await call(server.url, 'GET', `/api/carts/${cart.id}`)).body.items, []);
  });

  it('answers 404 cart_not_found for unknown, malformed and unknown-store carts', async () => {
    for (const path of ['/api/carts/cart_AAAAAAAAAAAAAAAAAAAAAA', '/api/carts/nope', "/api/carts/'%20or%201=1"]) {
      const res = await call(server.url, 'GET', path);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'cart_not_found');
    }
    const res = await call(server.url, 'POST', '/api/stores/00000000-0000-4000-8000-000000000000/carts');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'store_not_found');
  });

  it("allows CORS only from the store's allowed origins, preflight included", async () => {
    const cart = (await call(server.url, 'POST', `/api/stores/${storeId}/carts`, undefined, { Origin: SHOP_ORIGIN })).body;
    const preflight = await fetch(`${server.url}/api/carts/${cart.id}/items`, {
      method: 'OPTIONS',
      headers: { Origin: SHOP_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PATCH/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Content-Type/i);
    const allowed = await call(server.url, 'GET', `/api/carts/${cart.id}`, undefined, { Origin: SHOP_ORIGIN });
    assert.equal(allowed.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.match(allowed.headers.get('vary') ?? '', /Origin/);

    const evil = 'https://evil.example';
    const evilPreflight = await fetch(`${server.url}/api/carts/${cart.id}/items`, {
      method: 'OPTIONS',
      headers: { Origin: evil, 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(evilPreflight.headers.get('access-control-allow-origin'), null);
    assert.equal(evilPreflight.headers.get('access-control-allow-methods'), null);
    const evilGet = await call(server.url, 'GET', `/api/carts/${cart.id}`, undefined, { Origin: evil });
    assert.equal(evilGet.headers.get('access-control-allow-origin'), null);
    const products = await call(server.url, 'GET', `/api/stores/${storeId}/products`, undefined, { Origin: SHOP_ORIGIN });
    assert.equal(products.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    // A forgotten cart has no owner to ask: its 404 is readable so the widget knows to start a new cart.
    const gone = await call(server.url, 'GET', '/api/carts/cart_AAAAAAAAAAAAAAAAAAAAAA', undefined, { Origin: SHOP_ORIGIN });
    assert.equal(gone.status, 404);
    assert.equal(gone.headers.get('access-control-allow-origin'), '*');
  });

  it("reads a cart's CORS with the cart: a quantity change too, and an origin the platform adds counts at once", async () => {
    const cart = (await call(server.url, 'POST', `/api/stores/${storeId}/carts`)).body;
    await call(server.url, 'POST', `/api/carts/${cart.id}/items`, { product_id: 'tee', quantity: 1 });
    const patch = (origin: string) => call(server.url, 'PATCH', `/api/carts/${cart.id}/items/tee`, { quantity: 2 }, { Origin: origin });
    const get = (origin: string) => call(server.url, 'GET', `/api/carts/${cart.id}`, undefined, { Origin: origin });
    assert.equal((await patch(SHOP_ORIGIN)).headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    const late = 'https://new-domain.example';
    assert.equal((await patch(late)).headers.get('access-control-allow-origin'), null);
    assert.equal((await get(late)).headers.get('access-control-allow-origin'), null);
    const patched = await internal(server, 'PATCH', `/api/internal/stores/${storeId}`, { allowed_origins: [SHOP_ORIGIN, late] });
    assert.equal(patched.status, 200);
    try {
      const read = await get(late);
      assert.equal(read.status, 200);
      assert.equal(read.headers.get('access-control-allow-origin'), late);
      assert.equal((await patch(late)).headers.get('access-control-allow-origin'), late);
    } finally {
      await internal(server, 'PATCH', `/api/internal/stores/${storeId}`, { allowed_origins: [SHOP_ORIGIN] });
    }
    assert.equal((await get(late)).headers.get('access-control-allow-origin'), null, 'and a removed one at once');
  });
});
