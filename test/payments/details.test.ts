// The shopper's email, shipping address and rate on a checkout session. The server prices the rate
// from the store's own settings, updates the session's PaymentIntent before it answers, and the order carries
// everything; the browser's idea of an amount never enters.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { call, checkoutFor, confirmWithCard, internal, openShop, PRODUCTS, transcript, type TestServer } from '../support/shop';

const SHIPPING = {
  countries: ['DE', 'FR', 'US'],
  rates: [
    { id: 'standard', display_name: 'Standard', amount: 490, free_over: 10_000, delivery_estimate: { min_days: 3, max_days: 5 } },
    { id: 'express', display_name: 'Express', amount: 1500, delivery_estimate: { min_days: 1, max_days: 1 } },
    { id: 'us-ground', display_name: 'US Ground', amount: 2000, countries: ['US'] },
    {
      id: 'freight',
      display_name: 'Freight',
      amount: 0,
      countries: ['DE'],
      weight_bands: [
        { min_grams: 0, max_grams: 5000, amount: 5000 },
        { min_grams: 5000, max_grams: null, amount: 9000 },
      ],
    },
  ],
};

const ADDRESS = { name: 'Ada Lovelace', address: { line1: 'Hauptstr. 1', city: 'Berlin', postal_code: '10115', country: 'DE' } };

describe('checkout details: email, shipping address and rate', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  let stripe: Stripe;

  const details = (token: string, body: unknown) => call(server.url, 'POST', `/api/checkout/${token}/details`, body);
  const view = async (token: string) => (await call(server.url, 'GET', `/api/checkout/${token}`)).body;
  const intentOf = async (token: string) => (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Shipping Shop');
    stripe = new Stripe(shop.acct.keys.test.secret, { host: new URL(emu.url).hostname, port: Number(new URL(emu.url).port), protocol: 'http' });
    const products = [
      ...PRODUCTS.map((p) => ({ ...p, weight_grams: 400 })),
      { id: 'gift', name: 'Gift card', unit_amount: 2000, currency: 'eur', shippable: false },
      { id: 'anvil', name: 'Anvil', unit_amount: 3000, currency: 'eur', weight_grams: 6000 },
    ];
    assert.equal((await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/products`, { products })).status, 200);
    const put = await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/shipping`, SHIPPING);
    assert.equal(put.status, 200, put.text);
  });
  after(async () => {
    assertNoSecrets([...transcript, ...server.logs].join('\n'), [shop.acct.keys.test.secret, server.internalSecret]);
    await server.destroy();
    await emu.close();
  });

  it('asks for an address only when the store ships and a line is shippable', async () => {
    const physical = await view(
      (
        await checkoutFor(server, shop.store.id, [
          ['tee', 1],
          ['gift', 1],
        ])
      ).token,
    );
    assert.equal(physical.requires_shipping, true);
    assert.deepEqual(physical.shipping_countries, ['DE', 'FR', 'US']);
    assert.deepEqual(physical.details, {
      email: null,
      shipping: null,
      shipping_rates: [],
      discount: null,
      amounts: { subtotal: 4500, discount: 0, shipping: 0, tax: 0, tax_lines: [], total: 4500 },
      complete: false,
    });

    const { token } = await checkoutFor(server, shop.store.id, [['gift', 2]]);
    const gift = await view(token);
    assert.equal(gift.requires_shipping, false);
    assert.deepEqual(gift.shipping_countries, []);
    // An address sent anyway is not kept, and the email alone completes the session.
    const answer = await details(token, { email: 'ada@example.com', shipping: ADDRESS });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.details.shipping, null);
    assert.equal(answer.body.details.complete, true);
    assert.equal(answer.body.amount, 4000);
  });

  it('prices the cheapest rate for the address, cheapest first, and updates the PaymentIntent before answering', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const intent = await intentOf(token);
    const answer = await details(token, { email: 'ada@example.com', shipping: ADDRESS });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(
      answer.body.details.shipping_rates.map((r: any) => [r.id, r.amount]),
      [
        ['standard', 490],
        ['express', 1500],
        ['freight', 5000],
      ],
    );
    assert.equal(answer.body.details.shipping.rate.id, 'standard');
    assert.deepEqual(answer.body.details.shipping.delivery_estimate, { min_days: 3, max_days: 5 });
    assert.deepEqual(answer.body.details.amounts, { subtotal: 5000, discount: 0, shipping: 490, tax: 0, tax_lines: [], total: 5490 });
    assert.equal(answer.body.amount, 5490);
    assert.equal(answer.body.details.complete, true);

    const pi = await stripe.paymentIntents.retrieve(intent.payment_intent_id);
    assert.equal(pi.amount, 5490);
    assert.equal(pi.receipt_email, 'ada@example.com');
    assert.equal(pi.shipping?.name, 'Ada Lovelace');
    assert.equal(pi.shipping?.address?.country, 'DE');

    const express = await details(token, { shipping_rate_id: 'express' });
    assert.equal(express.status, 200, express.text);
    assert.equal(express.body.amount, 6500);
    assert.equal((await stripe.paymentIntents.retrieve(intent.payment_intent_id)).amount, 6500);
    // A field left out keeps its value: the email and address are still there.
    assert.equal(express.body.details.email, 'ada@example.com');
    assert.equal(express.body.details.shipping.address.city, 'Berlin');
    assert.equal((await view(token)).amount, 6500);
  });

  it('follows the country: a US address gets the US-only rate, the chosen rate goes when it no longer applies', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    await intentOf(token);
    assert.equal((await details(token, { shipping: ADDRESS, shipping_rate_id: 'freight' })).body.amount, 2500 + 5000);
    const us = await details(token, {
      shipping: { name: 'Grace Hopper', address: { line1: '1 Main St', city: 'Arlington', state: 'VA', postal_code: '22201', country: 'us' } },
    });
    assert.equal(us.status, 200, us.text);
    assert.deepEqual(
      us.body.details.shipping_rates.map((r: any) => r.id),
      ['standard', 'express', 'us-ground'],
    );
    assert.equal(us.body.details.shipping.rate.id, 'standard', 'freight does not go to the US: the cheapest rate takes its place');
    assert.equal(us.body.details.shipping.address.country, 'US');
    assert.equal(us.body.amount, 2990);
  });

  it('makes shipping free over the threshold and prices weight bands from the catalog', async () => {
    const big = await checkoutFor(server, shop.store.id, [['tee', 4]]);
    const free = await details(big.token, { shipping: ADDRESS });
    assert.deepEqual(
      free.body.details.shipping_rates.find((r: any) => r.id === 'standard'),
      {
        id: 'standard',
        display_name: 'Standard',
        amount: 0,
        delivery_estimate: { min_days: 3, max_days: 5 },
      },
    );
    assert.equal(free.body.amount, 10_000);

    const heavy = await checkoutFor(server, shop.store.id, [['anvil', 1]]);
    const freight = await details(heavy.token, { shipping: ADDRESS, shipping_rate_id: 'freight' });
    assert.equal(freight.status, 200, freight.text);
    assert.equal(freight.body.details.shipping.rate.amount, 9000);
  });

  it('refuses a country the store does not ship to, and a rate that does not apply, changing nothing', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    await details(token, { email: 'ada@example.com', shipping: ADDRESS });
    const before = await view(token);

    const japan = await details(token, { shipping: { ...ADDRESS, address: { ...ADDRESS.address, country: 'JP' } } });
    assert.equal(japan.status, 422);
    assert.equal(japan.body.error.code, 'shipping_country_unsupported');
    assert.equal(japan.body.error.param, 'shipping.address.country');

    const usOnly = await details(token, { shipping_rate_id: 'us-ground' });
    assert.equal(usOnly.status, 422);
    assert.equal(usOnly.body.error.code, 'shipping_rate_unavailable');
    const unknown = await details(token, { shipping_rate_id: 'teleport' });
    assert.equal(unknown.body.error.code, 'shipping_rate_unavailable');

    assert.deepEqual(await view(token), before);
  });

  it('answers every malformed field with a 4xx naming it, and stores nothing of the request', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    await details(token, { email: 'ada@example.com', shipping: ADDRESS });
    const before = await view(token);
    const cases: [unknown, number, string, string?][] = [
      [{ email: 'not-an-email' }, 422, 'invalid_email', 'email'],
      [{ email: 42 }, 422, 'invalid_email', 'email'],
      [{ email: `${'a'.repeat(250)}@example.com` }, 422, 'invalid_email', 'email'],
      [{ shipping: { ...ADDRESS, name: '' } }, 422, 'invalid_address', 'shipping.name'],
      [{ shipping: { ...ADDRESS, name: 'x'.repeat(201) } }, 422, 'invalid_address', 'shipping.name'],
      [{ shipping: { ...ADDRESS, address: { ...ADDRESS.address, line1: '  ' } } }, 422, 'invalid_address', 'shipping.address.line1'],
      [{ shipping: { ...ADDRESS, address: { ...ADDRESS.address, city: undefined } } }, 422, 'invalid_address', 'shipping.address.city'],
      [{ shipping: { ...ADDRESS, address: { ...ADDRESS.address, country: 'XX' } } }, 422, 'invalid_address', 'shipping.address.country'],
      [{ shipping: { ...ADDRESS, address: { ...ADDRESS.address, country: 'Germany' } } }, 422, 'invalid_address', 'shipping.address.country'],
      [{ shipping: { ...ADDRESS, address: { ...ADDRESS.address, postal_code: 10115 } } }, 422, 'invalid_address', 'shipping.address.postal_code'],
      [{ shipping: { ...ADDRESS, address: { ...ADDRESS.address, planet: 'Mars' } } }, 422, 'invalid_address', 'shipping.address'],
      [{ shipping: 'Hauptstr. 1' }, 422, 'invalid_address', 'shipping'],
      // The browser may not name a price: an amount is not part of the contract.
      [{ shipping_rate_id: 'standard', amount: 1 }, 400, 'invalid_request'],
      [{ shipping_rate_id: 'standard', shipping_amount: 0 }, 400, 'invalid_request'],
      [{ shipping_rate_id: '../../etc' }, 400, 'invalid_request', 'shipping_rate_id'],
      [[], 400, 'invalid_request'],
      ['"text"', 400, 'invalid_request'],
      ['{"email":', 400, 'invalid_json'],
    ];
    for (const [body, status, code, param] of cases) {
      const res = await details(token, body);
      assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.text}`);
      assert.equal(res.body.error.code, code, JSON.stringify(body));
      assert.equal(typeof res.body.error.message, 'string');
      if (param) assert.equal(res.body.error.param, param, JSON.stringify(body));
    }
    const huge = await details(token, { email: 'ada@example.com', shipping: { ...ADDRESS, name: 'x'.repeat(200_000) } });
    assert.ok(huge.status === 413 || huge.status === 422, huge.text);
    assert.deepEqual(await view(token), before);
  });

  it('refuses an unknown token, and a session already paid with 409 details_locked', async () => {
    const missing = await details('A'.repeat(43), { email: 'ada@example.com' });
    assert.equal(missing.status, 404);

    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    const intent = await intentOf(token);
    await details(token, { email: 'ada@example.com', shipping: ADDRESS });
    assert.equal((await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242')).status, 200);
    const complete = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(complete.status, 200, complete.text);
    const locked = await details(token, { shipping_rate_id: 'express' });
    assert.equal(locked.status, 409);
    assert.equal(locked.body.error.code, 'details_locked');
    assert.equal((await stripe.paymentIntents.retrieve(intent.payment_intent_id)).amount, 2990);
  });

  it('records an order with the customer, the address, the rate and the amounts it paid', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [
      ['tee', 1],
      ['mug', 2],
    ]);
    const intent = await intentOf(token);
    await details(token, { email: 'ada@example.com', shipping: { ...ADDRESS, phone: '+49 30 1234567' }, shipping_rate_id: 'express' });
    await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242');
    const { body } = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    const order = body.order;
    assert.equal(order.amount, 2500 + 2400 + 1500);
    assert.deepEqual(order.amounts, { subtotal: 4900, discount: 0, shipping: 1500, tax: 0, tax_lines: [], total: 6400 });
    assert.equal(order.customer.email, 'ada@example.com');
    assert.equal(order.customer_email, 'ada@example.com');
    assert.equal(order.shipping.name, 'Ada Lovelace');
    assert.equal(order.shipping.phone, '+49 30 1234567');
    assert.deepEqual(order.shipping.address, { line1: 'Hauptstr. 1', line2: null, city: 'Berlin', state: null, postal_code: '10115', country: 'DE' });
    assert.deepEqual(order.shipping.rate, { id: 'express', display_name: 'Express', amount: 1500 });
    const listed = await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders`);
    assert.deepEqual(listed.body.data.find((o: any) => o.id === order.id).shipping, order.shipping);
    // Stripe sends the receipt from the merchant's account to the email given at the checkout.
    const receipt = emu.receipts.find((r) => r.payment_intent === intent.payment_intent_id);
    assert.equal(receipt?.email, 'ada@example.com');
    assert.equal(receipt?.amount, 6400);
  });

  it('charges what the order says when a rate change races the card: one intent, its amount the order total', async () => {
    for (let round = 0; round < 6; round++) {
      const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
      const intent = await intentOf(token);
      await details(token, { email: 'ada@example.com', shipping: ADDRESS });
      const [change, confirmed] = await Promise.all([
        details(token, { shipping_rate_id: 'express' }),
        confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242'),
      ]);
      assert.equal(confirmed.status, 200, confirmed.text);
      const complete = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
      assert.equal(complete.status, 200, complete.text);
      const pi = await stripe.paymentIntents.retrieve(intent.payment_intent_id);
      assert.equal(complete.body.order.amount, pi.amount);
      assert.equal(complete.body.order.amounts.total, pi.amount);
      if (change.status === 200) assert.equal(change.body.amount, pi.amount);
      else assert.equal(change.body.error.code, 'details_locked');
      assert.equal(complete.body.order.shipping.rate.id, pi.amount === 4000 ? 'express' : 'standard');
    }
  });

  it('records the order when the instance stopped between updating the intent and saving the session', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    const intent = await intentOf(token);
    await details(token, { email: 'ada@example.com', shipping: ADDRESS });
    // What a crash after Stripe's update leaves: the intent charges express, the session still says standard.
    await stripe.paymentIntents.update(intent.payment_intent_id, { amount: 4000, metadata: { shipping_rate_id: 'express' } });
    await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242');
    const complete = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(complete.status, 200, complete.text);
    assert.equal(complete.body.order.amount, 4000);
    assert.deepEqual(complete.body.order.amounts, { subtotal: 2500, discount: 0, shipping: 1500, tax: 0, tax_lines: [], total: 4000 });
    assert.equal(complete.body.order.shipping.rate.id, 'express');
  });

  it('refuses an intent whose amount no details of the session explain, and records nothing', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    const intent = await intentOf(token);
    await details(token, { email: 'ada@example.com', shipping: ADDRESS });
    await stripe.paymentIntents.update(intent.payment_intent_id, { amount: 100 });
    await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242');
    const complete = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(complete.status, 422, complete.text);
    assert.equal(complete.body.error.code, 'payment_intent_mismatch');
    assert.equal((await view(token)).status, 'open');
  });
});

describe("a store's shipping settings (internal API)", () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const path = () => `/api/internal/stores/${shop.store.id}/shipping`;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Settings Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('starts shipping nothing, stores settings normalised, and DELETE ships nothing again', async () => {
    assert.deepEqual((await internal(server, 'GET', path())).body, { store_id: shop.store.id, shipping: null });
    const cart = await call(server.url, 'POST', `/api/stores/${shop.store.id}/carts`);
    await call(server.url, 'POST', `/api/carts/${cart.body.id}/items`, { product_id: 'tee', quantity: 1 });
    assert.equal((await call(server.url, 'GET', `/api/carts/${cart.body.id}`)).body.requires_shipping, false);

    const put = await internal(server, 'PUT', path(), {
      countries: ['de', 'DE', 'fr'],
      rates: [{ id: 'std', display_name: ' Standard ', amount: 500, free_over: 4000 }],
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.shipping, {
      countries: ['DE', 'FR'],
      rates: [{ id: 'std', display_name: 'Standard', amount: 500, countries: null, free_over: 4000, weight_bands: null, delivery_estimate: null }],
    });
    assert.deepEqual((await internal(server, 'GET', path())).body, put.body);
    const read = (await call(server.url, 'GET', `/api/carts/${cart.body.id}`)).body;
    assert.equal(read.requires_shipping, true);
    assert.equal(read.free_shipping_over, 4000);

    assert.deepEqual((await internal(server, 'DELETE', path())).body, { store_id: shop.store.id, shipping: null });
    assert.equal((await call(server.url, 'GET', `/api/carts/${cart.body.id}`)).body.requires_shipping, false);
  });

  it('refuses bad settings with 422 invalid_shipping_settings naming the field, keeping what was stored', async () => {
    const good = { countries: ['US'], rates: [{ id: 'std', display_name: 'Standard', amount: 500 }] };
    assert.equal((await internal(server, 'PUT', path(), good)).status, 200);
    const rate = good.rates[0];
    const cases: [unknown, string][] = [
      [{ countries: [], rates: [rate] }, 'countries'],
      [{ countries: ['USA'], rates: [rate] }, 'countries.0'],
      [{ countries: ['US'], rates: [] }, 'rates'],
      [{ countries: ['US'], rates: [{ ...rate, amount: -1 }] }, 'rates.0.amount'],
      [{ countries: ['US'], rates: [{ ...rate, amount: 4.5 }] }, 'rates.0.amount'],
      [{ countries: ['US'], rates: [{ ...rate, amount: '500' }] }, 'rates.0.amount'],
      [{ countries: ['US'], rates: [rate, rate] }, 'rates.1.id'],
      [{ countries: ['US'], rates: [{ ...rate, countries: ['DE'] }] }, 'rates.0.countries.0'],
      [{ countries: ['US'], rates: [{ ...rate, delivery_estimate: { min_days: 5, max_days: 2 } }] }, 'rates.0.delivery_estimate.min_days'],
      [
        {
          countries: ['US'],
          rates: [
            {
              ...rate,
              weight_bands: [
                { min_grams: 0, max_grams: 1000, amount: 1 },
                { min_grams: 500, max_grams: null, amount: 2 },
              ],
            },
          ],
        },
        'rates.0.weight_bands',
      ],
      [{ countries: ['US'], rates: [{ ...rate, surprise: true }] }, 'rates.0'],
      [{ countries: ['US'], rates: Array.from({ length: 51 }, (_, i) => ({ ...rate, id: `r${i}` })) }, 'rates'],
    ];
    for (const [body, param] of cases) {
      const res = await internal(server, 'PUT', path(), body);
      assert.equal(res.status, 422, `${JSON.stringify(body).slice(0, 200)} → ${res.text}`);
      assert.equal(res.body.error.code, 'invalid_shipping_settings');
      assert.equal(res.body.error.param, param, JSON.stringify(body).slice(0, 200));
    }
    const thousand = await internal(server, 'PUT', path(), { countries: ['US'], rates: Array.from({ length: 1000 }, (_, i) => ({ ...rate, id: `r${i}` })) });
    assert.ok(thousand.status === 413 || thousand.status === 422, thousand.text.slice(0, 200));
    assert.equal((await internal(server, 'PUT', path(), 'not json')).status, 400);
    assert.equal((await internal(server, 'GET', path())).body.shipping.rates.length, 1);
    assert.equal((await internal(server, 'PUT', '/api/internal/stores/00000000-0000-4000-8000-000000000000/shipping', good)).status, 404);
    assert.equal((await call(server.url, 'PUT', path(), good)).status, 401);
  });
});
