// The fuzz pass: hostile requests at every route, on the engine TEST_DATABASE names (npm test
// runs this file on SQLite and on PostgreSQL). Each must get a 4xx JSON error from the catalogue, never a
// 5xx, and the log must stay quiet (no error lines): NUL and other control characters in paths, ids, query
// strings and bodies; wrong types; huge strings; unknown fields.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, internal, openShop, type TestServer } from '../support/shop';

const NASTY_STRINGS = ['\u0000', 'a\u0000b', '\u0001', '\u007f', 'x'.repeat(100_000), '../../etc/passwd', '%00', '\ud800', '💥'.repeat(300), ''];
const NASTY_VALUES: unknown[] = [...NASTY_STRINGS, null, true, 0, -1, 1.5, Number.MAX_VALUE, 2 ** 53 + 2, [], {}, { $gt: '' }, ['\u0000']];

describe('hostile input on every route (the fuzz pass)', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  let cartId: string;
  let token: string;
  const answers: { what: string; status: number; text: string }[] = [];

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Fuzz Shop');
    const checkout = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    token = checkout.token;
    cartId = (await call(server.url, 'POST', `/api/stores/${shop.store.id}/carts`)).body.id;
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  const send = async (what: string, method: string, path: string, body?: unknown, internalCall = false) => {
    const headers: Record<string, string> = internalCall ? { 'X-Internal-Secret': server.internalSecret } : {};
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    answers.push({ what: `${what}: ${method} ${path.slice(0, 120)}`, status: res.status, text: text.slice(0, 300) });
    return res.status;
  };

  it('answers NUL and control characters in path ids with 400 before any query', async () => {
    const store = shop.store.id;
    const paths: [string, string][] = [
      ['POST', '/stripe/webhooks/%00'],
      ['POST', `/stripe/webhooks/${store}%00`],
      ['GET', '/stripe/status/%00'],
      ['GET', `/api/stores/%00/products`],
      ['POST', `/api/stores/${store}%01/carts`],
      ['GET', `/api/carts/${cartId}%00`],
      ['PATCH', `/api/carts/${cartId}/items/%00`],
      ['DELETE', `/api/carts/${cartId}/items/tee%7F`],
      ['GET', `/api/checkout/${token}%00`],
      ['GET', `/api/internal/stores/%00`],
      ['GET', `/api/internal/stores/${store}/orders?starting_after=%00`],
      ['GET', `/api/internal/orders/ord_%00`],
      ['PUT', `/api/internal/stores/${store}/products`],
    ];
    for (const [method, path] of paths.slice(0, -1)) {
      const status = await send(
        'control path',
        method,
        path,
        method === 'GET' || method === 'DELETE' ? undefined : { quantity: 1 },
        path.startsWith('/api/internal'),
      );
      assert.equal(status, 400, `${method} ${path}`);
    }
  });

  it('answers every nasty value in every body field without a 5xx, and a NUL anywhere in a body with 400', async () => {
    const store = shop.store.id;
    const routes: { method: string; path: string; fields: string[]; internal?: boolean }[] = [
      { method: 'POST', path: `/api/carts/${cartId}/items`, fields: ['product_id', 'quantity'] },
      { method: 'PATCH', path: `/api/carts/${cartId}/items/tee`, fields: ['quantity'] },
      { method: 'POST', path: `/api/checkout/${token}/details`, fields: ['email', 'shipping', 'shipping_rate_id'] },
      { method: 'POST', path: `/api/checkout/${token}/complete`, fields: ['payment_intent_id'] },
      { method: 'POST', path: '/api/internal/stores', fields: ['id', 'name', 'allowed_origins', 'default_currency'], internal: true },
      { method: 'PATCH', path: `/api/internal/stores/${store}`, fields: ['name', 'allowed_origins'], internal: true },
      { method: 'PUT', path: `/api/internal/stores/${store}/products`, fields: ['products'], internal: true },
      { method: 'PUT', path: `/api/internal/stores/${store}/shipping`, fields: ['countries', 'rates'], internal: true },
      { method: 'POST', path: `/api/internal/stores/${store}/connect-link`, fields: ['return_url', 'ttl_seconds'], internal: true },
    ];
    for (const route of routes) {
      for (const field of route.fields) {
        for (const value of NASTY_VALUES) {
          const status = await send(`field ${field}`, route.method, route.path, { [field]: value }, route.internal);
          // Some are valid (quantity 0 removes a line); none may fail the server, and a NUL is always refused.
          assert.ok(status < 500, `${route.method} ${route.path} ${field}=${JSON.stringify(value)?.slice(0, 40)} answered ${status}`);
          if (JSON.stringify(value).includes('\\u0000')) assert.equal(status, 400, `${field} with a NUL`);
        }
      }
      // A NUL inside a nested product or address, and a NUL key.
      assert.equal(
        await send('nested NUL', route.method, route.path, { products: [{ id: 'a\u0000', name: 'x', unit_amount: 1, currency: 'eur' }] }, route.internal),
        400,
      );
      assert.equal(await send('NUL key', route.method, route.path, { ['\u0000']: 1 }, route.internal), 400);
    }
    const nulProduct = await internal(server, 'PUT', `/api/internal/stores/${store}/products`, {
      products: [{ id: 'a\u0000b', name: 'x', unit_amount: 1, currency: 'eur' }],
    });
    assert.equal(nulProduct.status, 400);
    assert.equal(nulProduct.body.error.code, 'invalid_request');
  });

  it('never answered a 5xx and logged no error line, and kept what was stored', async () => {
    const fivexx = answers.filter((a) => a.status >= 500);
    assert.deepEqual(fivexx, [], `5xx answers:\n${fivexx.map((a) => `${a.status} ${a.what} ${a.text}`).join('\n')}`);
    const nonJson = answers.filter((a) => a.status >= 400 && !a.text.startsWith('{"error":{"code":'));
    assert.deepEqual(nonJson, [], 'every refusal is the catalogue JSON');
    const errorLines = server.logs.filter((l) => /"level":(50|60)/.test(l));
    assert.deepEqual(errorLines, []);
    const products = await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/products`);
    assert.deepEqual(products.body.data.map((p: { id: string }) => p.id).sort(), ['mug', 'poster', 'tee']);
    assert.equal((await call(server.url, 'GET', `/api/checkout/${token}`)).status, 200);
    process.stdout.write(`# fuzz pass: ${answers.length} hostile requests, ${fivexx.length} 5xx\n`);
  });
});
