import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, internal, openShop, type Answer, type TestServer } from '../support/shop';

const SHOP_ORIGIN = 'https://hot.example';

/** The headers that must not depend on whether the fast path or the router answered. */
function shape(res: Answer) {
  const h = (name: string) => res.headers.get(name);
  return {
    status: res.status,
    allowOrigin: h('access-control-allow-origin'),
    vary: h('vary'),
    csp: h('content-security-policy'),
    hsts: h('strict-transport-security'),
    nosniff: h('x-content-type-options'),
    type: h('content-type'),
  };
}

// GET /api/carts/:id and PATCH …/items/:product_id skip the router (routes/hot-routes.ts, wired by routes/carts.ts); a trailing
// slash or an escaped product id still goes through the router, so comparing the two proves them the same.
describe('hot cart paths answer exactly as the router does', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let storeId: string;
  let cartId: string;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    ({
      store: { id: storeId },
    } = await openShop(server, emu, 'Hot Shop', { allowed_origins: [SHOP_ORIGIN] }));
    cartId = (await call(server.url, 'POST', `/api/stores/${storeId}/carts`)).body.id;
    await call(server.url, 'POST', `/api/carts/${cartId}/items`, { product_id: 'tee', quantity: 1 });
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('reads a cart with the same body, CORS and security headers on both spellings', async () => {
    for (const origin of [SHOP_ORIGIN, 'https://evil.example']) {
      const fast = await call(server.url, 'GET', `/api/carts/${cartId}`, undefined, { Origin: origin });
      const routed = await call(server.url, 'GET', `/api/carts/${cartId}/`, undefined, { Origin: origin });
      assert.deepEqual(shape(fast), shape(routed));
      assert.deepEqual(fast.body, routed.body);
      assert.equal(fast.headers.get('access-control-allow-origin'), origin === SHOP_ORIGIN ? SHOP_ORIGIN : null);
    }
  });

  it('changes a quantity the same way on both spellings, and an escaped product id is decoded', async () => {
    const fast = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/tee`, { quantity: 3 }, { Origin: SHOP_ORIGIN });
    assert.equal(fast.status, 200);
    assert.deepEqual(
      fast.body.items.map((l: any) => [l.product_id, l.quantity, l.line_total]),
      [['tee', 3, 7500]],
    );
    const routed = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/tee/`, { quantity: 4 }, { Origin: SHOP_ORIGIN });
    assert.deepEqual(shape(fast), shape(routed));
    assert.equal(routed.body.item_count, 4);
    // The hot handlers write their JSON themselves: same type and length as Koa's answer for an object body.
    const added = await call(server.url, 'POST', `/api/carts/${cartId}/items`, { product_id: 'poster', quantity: 1 });
    const read = await call(server.url, 'GET', `/api/carts/${cartId}`);
    assert.equal(read.headers.get('content-type'), added.headers.get('content-type'));
    assert.equal(read.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(read.headers.get('content-length'), String(Buffer.byteLength(read.text)));
    assert.deepEqual(read.body, added.body);
    await call(server.url, 'PATCH', `/api/carts/${cartId}/items/poster`, { quantity: 0 });
    const escaped = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/%74ee`, { quantity: 2 });
    assert.equal(escaped.status, 200);
    assert.equal(escaped.body.items[0].quantity, 2);
  });

  it('refuses in the same order: unknown cart, then bad quantity, then unknown or retired product', async () => {
    const unknownCart = await call(server.url, 'PATCH', `/api/carts/cart_${'A'.repeat(22)}/items/nope`, { quantity: 1 });
    assert.deepEqual([unknownCart.status, unknownCart.body.error.code], [404, 'cart_not_found']);
    const badQty = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/nope`, { quantity: 'x' });
    assert.deepEqual([badQty.status, badQty.body.error.code], [422, 'invalid_quantity']);
    const overMax = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/mug`, { quantity: 6 });
    assert.deepEqual([overMax.status, overMax.body.error.code], [422, 'invalid_quantity']);
    const unknown = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/nope`, { quantity: 1 });
    assert.deepEqual([unknown.status, unknown.body.error.code], [422, 'product_not_found']);
    const badJson = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/tee`, '{');
    assert.deepEqual([badJson.status, badJson.body.error.code], [400, 'invalid_json']);
    await internal(server, 'PUT', `/api/internal/stores/${storeId}/products`, {
      products: [{ id: 'tee', name: 'T-shirt', unit_amount: 2500, currency: 'eur', active: false }],
    });
    const retired = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/tee`, { quantity: 1 });
    assert.deepEqual([retired.status, retired.body.error.code], [422, 'product_not_found']);
    const removed = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/tee`, { quantity: 0 });
    assert.deepEqual([removed.status, removed.body.items], [200, []]);
  });
});
