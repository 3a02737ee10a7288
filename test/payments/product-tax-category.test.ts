// Products carry an optional tax category through the catalog upsert: a rate for that category (reduced VAT
// on books) taxes only that product's lines; an upsert that leaves the field out keeps it; a malformed one is
// refused and changes nothing. Over HTTP with the real app and the Stripe emulator, on either engine.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, internal, openShop, PRODUCTS, type TestServer } from '../support/shop';

const SHIPPING = { countries: ['DE'], rates: [{ id: 'standard', display_name: 'Standard', amount: 0 }] };
const TAX = {
  mode: 'rates',
  rates: [
    { country: 'DE', percentage: 19, inclusive: false, display_name: 'VAT' },
    { country: 'DE', percentage: 7, inclusive: false, display_name: 'VAT (reduced)', tax_category: 'books' },
  ],
};
const BOOK = { id: 'book', name: 'Book', unit_amount: 2000, currency: 'eur', tax_category: 'books' };
const IN_BERLIN = {
  email: 'ada@example.com',
  shipping: { name: 'Ada', address: { line1: 'Unter den Linden 1', city: 'Berlin', postal_code: '10117', country: 'DE' } },
};

describe('product tax categories', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const products = async () =>
    (await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/products`)).body.data as { id: string; tax_category: string | null }[];
  const categoryOf = async (id: string) => (await products()).find((p) => p.id === id)?.tax_category;
  const upsert = (body: unknown) => internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/products`, body);

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Book Shop');
    assert.equal((await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/shipping`, SHIPPING)).status, 200);
    assert.equal((await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/tax`, TAX)).status, 200);
    const put = await upsert({ products: [BOOK] });
    assert.equal(put.status, 200, put.text);
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('shows the category in the internal catalog, null for products without one, and not to the widget', async () => {
    assert.equal(await categoryOf('book'), 'books');
    assert.equal(await categoryOf('tee'), null);
    const pub = await call(server.url, 'GET', `/api/stores/${shop.store.id}/products`);
    assert.equal(pub.status, 200, pub.text);
    assert.ok(pub.body.data.every((p: object) => !('tax_category' in p)));
  });

  it("taxes a book at its category's reduced rate and the rest at the standard rate", async () => {
    const { token } = await checkoutFor(server, shop.store.id, [
      ['book', 1],
      ['tee', 2],
    ]);
    const res = await call(server.url, 'POST', `/api/checkout/${token}/details`, IN_BERLIN);
    assert.equal(res.status, 200, res.text);
    // book 2000 × 7% = 140; tees 5000 × 19% = 950.
    assert.deepEqual(res.body.details.amounts.tax_lines, [
      { display_name: 'VAT (reduced)', percentage: 7, inclusive: false, amount: 140 },
      { display_name: 'VAT', percentage: 19, inclusive: false, amount: 950 },
    ]);
    assert.deepEqual([res.body.details.amounts.tax, res.body.amount], [1090, 8090]);
  });

  it('keeps the category when an upsert leaves it out, and drops it for null', async () => {
    const { tax_category: _omitted, ...renamed } = BOOK;
    assert.equal((await upsert({ products: [{ ...renamed, name: 'Big book' }] })).status, 200);
    assert.equal(await categoryOf('book'), 'books');
    assert.equal((await upsert({ products: [{ ...BOOK, tax_category: null }] })).status, 200);
    assert.equal(await categoryOf('book'), null);
    const { token } = await checkoutFor(server, shop.store.id, [['book', 1]]);
    const res = await call(server.url, 'POST', `/api/checkout/${token}/details`, IN_BERLIN);
    assert.deepEqual(res.body.details.amounts.tax_lines, [{ display_name: 'VAT', percentage: 19, inclusive: false, amount: 380 }]);
    assert.equal((await upsert({ products: [BOOK] })).status, 200);
  });

  it('refuses a malformed category naming the field, and stores nothing of the upload', async () => {
    const before = await products();
    for (const bad of ['Books', 'with space', 'x'.repeat(41), 7, '']) {
      const res = await upsert({
        products: [
          { ...PRODUCTS[0], name: 'Renamed' },
          { ...BOOK, tax_category: bad },
        ],
      });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'invalid_request');
      assert.match(res.body.error.message, /^products\.1\.tax_category: /);
      assert.equal(res.body.error.param, 'products.1.tax_category');
    }
    assert.deepEqual(await products(), before);
  });
});
