// A store's tax settings through the platform's API: stored whole and normalised, read back, removed, and
// every bad field refused with the field named while what was stored stays.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, internal, openShop, type TestServer } from '../support/shop';

describe("a store's tax settings (internal API)", () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const path = () => `/api/internal/stores/${shop.store.id}/tax`;
  const rate = { country: 'DE', percentage: 19, inclusive: true, display_name: 'VAT' };

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Tax Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('starts with none, stores rates normalised, reads them back, and DELETE removes them', async () => {
    assert.deepEqual((await internal(server, 'GET', path())).body, { store_id: shop.store.id, tax: null });
    const put = await internal(server, 'PUT', path(), {
      mode: 'rates',
      tax_shipping: true,
      rates: [rate, { country: 'us', state: 'ca', percentage: 7.25, inclusive: false, display_name: ' Sales tax ' }],
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.tax, {
      mode: 'rates',
      tax_shipping: true,
      rates: [
        { ...rate, state: null, tax_category: null },
        { country: 'US', state: 'CA', percentage: 7.25, inclusive: false, display_name: 'Sales tax', tax_category: null },
      ],
    });
    assert.deepEqual((await internal(server, 'GET', path())).body, put.body);
    assert.deepEqual((await internal(server, 'PUT', path(), { mode: 'included' })).body.tax, { mode: 'included' });
    assert.deepEqual((await internal(server, 'DELETE', path())).body, { store_id: shop.store.id, tax: null });
    assert.deepEqual((await internal(server, 'GET', path())).body.tax, null);
  });

  it('refuses bad settings with 422 invalid_tax_settings naming the field, keeping what was stored', async () => {
    const good = { mode: 'rates', rates: [rate] };
    assert.equal((await internal(server, 'PUT', path(), good)).status, 200);
    const cases: [unknown, string | undefined][] = [
      [{ mode: 'stripe_magic' }, 'mode'],
      [{ rates: [rate] }, 'mode'],
      [{ mode: 'rates' }, 'rates'],
      [{ mode: 'rates', rates: [] }, 'rates'],
      [{ mode: 'rates', tax_shipping: 'yes', rates: [rate] }, 'tax_shipping'],
      [{ mode: 'rates', rates: [{ ...rate, country: 'Germany' }] }, 'rates.0.country'],
      [{ mode: 'rates', rates: [{ ...rate, state: 'BY' }] }, 'rates.0.state'],
      [{ mode: 'rates', rates: [{ ...rate, percentage: -5 }] }, 'rates.0.percentage'],
      [{ mode: 'rates', rates: [{ ...rate, percentage: '19' }] }, 'rates.0.percentage'],
      [{ mode: 'rates', rates: [{ ...rate, inclusive: 1 }] }, 'rates.0.inclusive'],
      [{ mode: 'rates', rates: [{ ...rate, display_name: '' }] }, 'rates.0.display_name'],
      [{ mode: 'rates', rates: [{ ...rate, tax_category: 'x'.repeat(41) }] }, 'rates.0.tax_category'],
      [{ mode: 'rates', rates: [rate, { ...rate, percentage: 7 }] }, 'rates.1.country'],
      [{ mode: 'rates', rates: [{ ...rate, surprise: true }] }, 'rates.0'],
      [{ mode: 'rates', rates: Array.from({ length: 301 }, (_, i) => ({ ...rate, tax_category: `c${i}` })) }, 'rates'],
    ];
    for (const [body, param] of cases) {
      const res = await internal(server, 'PUT', path(), body);
      assert.equal(res.status, 422, `${JSON.stringify(body).slice(0, 200)} → ${res.text}`);
      assert.equal(res.body.error.code, 'invalid_tax_settings');
      assert.equal(res.body.error.param, param, JSON.stringify(body).slice(0, 200));
    }
    assert.equal((await internal(server, 'PUT', path(), 'not json')).status, 400);
    assert.deepEqual((await internal(server, 'GET', path())).body.tax, {
      mode: 'rates',
      tax_shipping: false,
      rates: [{ ...rate, state: null, tax_category: null }],
    });
    assert.equal((await internal(server, 'PUT', '/api/internal/stores/00000000-0000-4000-8000-000000000000/tax', good)).status, 404);
    assert.equal((await call(server.url, 'PUT', path(), good)).status, 401);
  });
});
