// Saving Stripe Tax as a store's tax mode: the server asks the merchant's own Stripe account (with the store's
// key) whether Stripe Tax is active before storing anything; a pending account is 409 tax_not_configured, bad
// fields are 422 invalid_tax_settings, and in both cases what was stored stays. On either engine.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { internal, openShop, type TestServer } from '../support/shop';
import { activateStripeTax } from '../support/stripe-tax';

describe('Stripe Tax as the tax mode (internal API)', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const path = () => `/api/internal/stores/${shop.store.id}/tax`;
  const RATES = { mode: 'rates', rates: [{ country: 'DE', percentage: 19, inclusive: true, display_name: 'VAT' }] };
  const settingsReads = () => emu.requests.filter((r) => r.path === '/v1/tax/settings' && r.method === 'GET');

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Stripe Tax Shop');
    assert.equal((await internal(server, 'PUT', path(), RATES)).status, 200);
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it("refuses stripe_tax with 409 tax_not_configured while the merchant's Stripe Tax is pending, asking with the store's key, storing nothing", async () => {
    const stored = (await internal(server, 'GET', path())).body;
    const res = await internal(server, 'PUT', path(), { mode: 'stripe_tax' });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.error.code, 'tax_not_configured');
    assert.match(res.body.error.message, /Stripe Tax is not active .*status pending; missing: head_office.*Settings → Tax/);
    assert.equal(settingsReads().at(-1)?.apiKey, shop.acct.keys.test.secret);
    assert.deepEqual((await internal(server, 'GET', path())).body, stored);
  });

  it('stores stripe_tax with its defaults once the account is active, and reads it back', async () => {
    await activateStripeTax(emu, shop.acct.keys.test.secret);
    const res = await internal(server, 'PUT', path(), { mode: 'stripe_tax' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.tax, { mode: 'stripe_tax', prices_include_tax: false, tax_shipping: true, tax_codes: {} });
    const full = { mode: 'stripe_tax', prices_include_tax: true, tax_shipping: false, tax_codes: { books: 'txcd_35010000' } };
    assert.deepEqual((await internal(server, 'PUT', path(), full)).body.tax, full);
    assert.deepEqual((await internal(server, 'GET', path())).body.tax, full);
  });

  it('refuses bad stripe_tax fields with 422 invalid_tax_settings naming the field, before asking Stripe', async () => {
    const stored = (await internal(server, 'GET', path())).body;
    const reads = settingsReads().length;
    const cases: [unknown, string][] = [
      [{ mode: 'stripe_tax', prices_include_tax: 'yes' }, 'prices_include_tax'],
      [{ mode: 'stripe_tax', tax_shipping: 1 }, 'tax_shipping'],
      [{ mode: 'stripe_tax', tax_codes: { books: 'books' } }, 'tax_codes.books'],
      [{ mode: 'stripe_tax', tax_codes: { Books: 'txcd_35010000' } }, 'tax_codes.Books'],
      [{ mode: 'stripe_tax', tax_codes: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`c${i}`, 'txcd_99999999'])) }, 'tax_codes'],
      [{ mode: 'stripe_tax', rates: [] }, ''],
    ];
    for (const [body, field] of cases) {
      const res = await internal(server, 'PUT', path(), body);
      assert.equal(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.error.code, 'invalid_tax_settings');
      if (field) assert.match(res.body.error.message, new RegExp(`^${field.replace(/\./g, '\\.')}`), res.text);
    }
    assert.equal(settingsReads().length, reads);
    assert.deepEqual((await internal(server, 'GET', path())).body, stored);
  });

  it('answers 409 store_not_connected for a store without Stripe keys', async () => {
    const bare = await server.createStore({ name: 'No keys', allowed_origins: [] });
    const res = await internal(server, 'PUT', `/api/internal/stores/${bare.id}/tax`, { mode: 'stripe_tax' });
    assert.deepEqual([res.status, res.body.error.code], [409, 'store_not_connected']);
    assert.equal((await internal(server, 'GET', `/api/internal/stores/${bare.id}/tax`)).body.tax, null);
  });
});
