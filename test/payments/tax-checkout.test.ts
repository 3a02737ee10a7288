// Checkouts apply the store's tax settings once the shopper gives an address: inclusive VAT is shown and
// leaves the total alone, exclusive sales tax is added to the total and to the PaymentIntent, and the paid
// order keeps what was charged. Over HTTP with the real app and the Stripe emulator, on either engine.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, confirmWithCard, internal, openShop, pay, type TestServer } from '../support/shop';

const SHIPPING = { countries: ['DE', 'US', 'JP'], rates: [{ id: 'standard', display_name: 'Standard', amount: 500 }] };
const TAX = {
  mode: 'rates',
  tax_shipping: true,
  rates: [
    { country: 'DE', percentage: 19, inclusive: true, display_name: 'VAT' },
    { country: 'US', state: 'CA', percentage: 7.25, inclusive: false, display_name: 'Sales tax' },
  ],
};

const at = (country: string, state?: string) => ({
  email: 'ada@example.com',
  shipping: { name: 'Ada Lovelace', address: { line1: 'Main St 1', city: 'Somewhere', postal_code: '12345', country, ...(state ? { state } : {}) } },
});

describe('tax at checkout', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;

  const details = (token: string, body: unknown) => call(server.url, 'POST', `/api/checkout/${token}/details`, body);
  const updateIntent = (id: string, form: Record<string, string>) =>
    call(emu.url, 'POST', `/v1/payment_intents/${id}`, new URLSearchParams(form).toString(), {
      Authorization: `Bearer ${shop.acct.keys.test.secret}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    });
  const intentAmount = async (id: string) => {
    const res = await fetch(`${emu.url}/v1/payment_intents/${id}`, { headers: { Authorization: `Bearer ${shop.acct.keys.test.secret}` } });
    return ((await res.json()) as { amount: number }).amount;
  };

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Tax Shop');
    assert.equal((await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/shipping`, SHIPPING)).status, 200);
    const put = await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/tax`, TAX);
    assert.equal(put.status, 200, put.text);
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('shows German VAT inside the prices and leaves the total as it was', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const res = await details(token, at('DE'));
    assert.equal(res.status, 200, res.text);
    // 5000 × 19/119 = 798.3 → 798, shipping 500 × 19/119 = 79.8 → 80.
    assert.deepEqual(res.body.details.amounts, {
      subtotal: 5000,
      discount: 0,
      shipping: 500,
      tax: 0,
      tax_lines: [{ display_name: 'VAT', percentage: 19, inclusive: true, amount: 878 }],
      total: 5500,
    });
    assert.equal(res.body.amount, 5500);
  });

  it('adds a US state sales tax to the total and the PaymentIntent charges it', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const intent = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    const res = await details(token, at('US', 'ca'));
    assert.equal(res.status, 200, res.text);
    // 5000 × 7.25% = 362.5 → 363, shipping 500 × 7.25% = 36.25 → 36.
    assert.deepEqual(res.body.details.amounts, {
      subtotal: 5000,
      discount: 0,
      shipping: 500,
      tax: 399,
      tax_lines: [{ display_name: 'Sales tax', percentage: 7.25, inclusive: false, amount: 399 }],
      total: 5899,
    });
    assert.equal(await intentAmount(intent.payment_intent_id), 5899);
    assert.deepEqual((await call(server.url, 'GET', `/api/checkout/${token}`)).body.details.amounts.tax, 399);
  });

  it('charges no tax where the store has no rate', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const res = await details(token, at('JP'));
    assert.deepEqual(res.body.details.amounts, { subtotal: 5000, discount: 0, shipping: 500, tax: 0, tax_lines: [], total: 5500 });
  });

  it('re-plans the tax when the address moves from California to Germany, and the intent follows', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const intent = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    assert.equal((await details(token, at('US', 'CA'))).body.amount, 5899);
    assert.equal(await intentAmount(intent.payment_intent_id), 5899);
    const moved = await details(token, at('DE'));
    assert.equal(moved.body.amount, 5500);
    assert.deepEqual(moved.body.details.amounts.tax_lines, [{ display_name: 'VAT', percentage: 19, inclusive: true, amount: 878 }]);
    assert.equal(await intentAmount(intent.payment_intent_id), 5500);
  });

  it('records the tax on the paid order, as the internal orders API shows it', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    assert.equal((await details(token, at('US', 'CA'))).status, 200);
    const { intent, confirmed } = await pay(server, emu, token);
    assert.equal(confirmed.body.amount, 5899);
    const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200, done.text);
    const amounts = {
      subtotal: 5000,
      discount: 0,
      shipping: 500,
      tax: 399,
      tax_lines: [{ display_name: 'Sales tax', percentage: 7.25, inclusive: false, amount: 399 }],
      total: 5899,
    };
    assert.deepEqual([done.body.order.amount, done.body.order.amounts], [5899, amounts]);
    const listed = await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders`);
    assert.deepEqual(listed.body.data.find((o: { id: string }) => o.id === done.body.order.id).amounts, amounts);
  });

  it('taxes what the shopper pays after a discount', async () => {
    const made = await internal(server, 'POST', `/api/internal/stores/${shop.store.id}/discounts`, { code: 'TAXTEN', percent_off: 10 });
    assert.equal(made.status, 201, made.text);
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const res = await details(token, { ...at('US', 'CA'), discount_code: 'TAXTEN' });
    assert.equal(res.status, 200, res.text);
    // (5000 − 500) × 7.25% = 326.25 → 326, shipping 36.
    assert.deepEqual([res.body.details.amounts.discount, res.body.details.amounts.tax, res.body.amount], [500, 362, 5362]);
  });

  it('refuses to record a payment of the total without its sales tax', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const intent = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    assert.equal((await details(token, at('US', 'CA'))).body.amount, 5899);
    assert.equal((await updateIntent(intent.payment_intent_id, { amount: '5500' })).status, 200);
    await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242');
    const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 422, done.text);
    assert.equal(done.body.error.code, 'payment_intent_mismatch');
  });

  it('records the taxed order when the instance stopped between updating the intent and saving the session', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const intent = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    assert.equal((await details(token, at('DE'))).body.amount, 5500);
    // What a crash after Stripe's update leaves: the intent ships to California with its sales tax, the session says Germany.
    const moved = await updateIntent(intent.payment_intent_id, {
      amount: '5899',
      'shipping[name]': 'Ada Lovelace',
      'shipping[address][line1]': 'Main St 1',
      'shipping[address][city]': 'Somewhere',
      'shipping[address][postal_code]': '12345',
      'shipping[address][state]': 'CA',
      'shipping[address][country]': 'US',
    });
    assert.equal(moved.status, 200, moved.text);
    await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242');
    const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200, done.text);
    assert.deepEqual([done.body.order.amount, done.body.order.amounts.tax], [5899, 399]);
  });
});
