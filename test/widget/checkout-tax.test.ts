// Tax on the checkout page: a Californian address adds sales tax as its own line ("Sales tax (7.25%)"), the total,
// Pay and the PaymentIntent include it, and the receipt and the order show what was charged; a German address shows
// the VAT inside the prices ("Includes VAT 19%") and leaves the total alone. Real server, real checkout.js, the
// Stripe.js double.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createStripeFactory } from '../../server/src/stripe/client';
import type { Order } from '../../server/src/wire';
import { checkAccessibility, saveScreenshot } from '../support/browser';
import { fillCard, startShop, type ShopFixture } from './storefront-fixture';

let fx: ShopFixture;

const SHIPPING = { countries: ['US', 'DE'], rates: [{ id: 'standard', display_name: 'Standard', amount: 500 }] };
const TAX = {
  mode: 'rates',
  tax_shipping: true,
  rates: [
    { country: 'US', state: 'CA', percentage: 7.25, inclusive: false, display_name: 'Sales tax' },
    { country: 'DE', percentage: 19, inclusive: true, display_name: 'VAT' },
  ],
};

before(async () => {
  fx = await startShop();
  for (const [path, body] of [
    ['shipping', SHIPPING],
    ['tax', TAX],
  ] as const) {
    const put = await fx.server.internal('PUT', `/stores/${fx.storeId}/${path}`, body);
    assert.equal(put.status, 200, JSON.stringify(put.body));
  }
});
after(async () => {
  await fx?.close();
});

/** A checkout session of House Blend and Ethiopia Guji ($32.50; shipping $5), made as the widget makes it. */
async function checkout(): Promise<{ token: string; url: string }> {
  const headers = { 'Content-Type': 'application/json', Origin: fx.shop.url };
  const post = (path: string, body: unknown) => fetch(`${fx.server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const cart = await (await post(`/api/stores/${fx.storeId}/carts`, {})).json();
  for (const product_id of ['house-blend', 'ethiopia-guji']) assert.equal((await post(`/api/carts/${cart.id}/items`, { product_id, quantity: 1 })).status, 200);
  const res = await post(`/api/carts/${cart.id}/checkout`, {});
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

/** The checkout page with email and address typed, once the summary shows `total` and Pay is ready. */
async function openAt(url: string, a: { country: string; line1: string; city: string; state?: string; postal: string }, total: number): Promise<Page> {
  const page = await fx.newPage();
  await page.goto(url);
  await page.getByLabel('Card number').waitFor({ timeout: 20_000 });
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Country or region').selectOption(a.country);
  await page.getByLabel('Full name').fill('Ada Lovelace');
  await page.getByLabel('Address line 1').fill(a.line1);
  await page.getByLabel('City').fill(a.city);
  if (a.state) await page.getByLabel('State').fill(a.state);
  await page.getByLabel(a.country === 'US' ? 'ZIP' : 'Postal code').fill(a.postal);
  await page.locator(`.summary [data-total="${total}"]`).waitFor({ timeout: 20_000 });
  await page.locator('.pay-button:not(:disabled):not([aria-disabled])').waitFor({ timeout: 20_000 });
  return page;
}

/** The session's PaymentIntent as the emulator holds it. */
async function intentAtEmulator(token: string) {
  const res = await fetch(`${fx.server.url}/api/checkout/${token}/payment-intent`, { method: 'POST' });
  const { payment_intent_id } = await res.json();
  const stripe = createStripeFactory({ apiUrl: fx.emu.url, timeoutMs: 5000, maxNetworkRetries: 0 }).forKey(fx.keys.secret);
  return stripe.paymentIntents.retrieve(payment_intent_id);
}

/** The summary's rows as the shopper reads them, label and amount on lines of their own (dt, dd). */
const rows = (page: Page, scope: string) => page.locator(`${scope} .subtotals > div`).allInnerTexts();

describe('checkout page with tax', () => {
  it('adds Californian sales tax as its own line, charges the total that includes it and shows it on the receipt', async () => {
    const { token, url } = await checkout();
    // 7.25% of $14.00, $18.50 and $5.00 shipping: $1.02 + $1.34 + $0.36 = $2.72 on top of $37.50.
    const page = await openAt(url, { country: 'US', line1: '1 Grand Ave', city: 'Los Angeles', state: 'CA', postal: '90012' }, 4022);
    assert.deepEqual(await rows(page, '.summary'), ['Subtotal\n$32.50', 'Shipping · Standard\n$5.00', 'Sales tax (7.25%)\n$2.72', 'Total\n$40.22']);
    assert.equal(await page.locator('.summary [data-tax]').getAttribute('data-tax'), '272');
    assert.equal(await page.locator('[data-announcement]').innerText(), 'Shipping $5.00. Sales tax (7.25%) $2.72. Total $40.22.');
    assert.equal(await page.locator('.summary .amount').innerText(), '$40.22');
    assert.equal(await page.locator('.pay-button').innerText(), 'Pay $40.22');
    assert.equal((await intentAtEmulator(token)).amount, 4022, 'the PaymentIntent charges the total the page shows');
    await checkAccessibility(page, 'checkout, sales tax');
    await saveScreenshot(page, 'checkout-tax-sales');

    await fillCard(page, '4242 4242 4242 4242', null);
    await page.locator('.pay-button').click();
    await page.getByRole('heading', { name: /thank you/i }).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('[data-paid]').innerText(), '$40.22');
    assert.deepEqual(await rows(page, '.receipt'), ['Subtotal\n$32.50', 'Shipping · Standard\n$5.00', 'Sales tax (7.25%)\n$2.72', 'Total\n$40.22']);
    await checkAccessibility(page, 'receipt with sales tax');
    await saveScreenshot(page, 'checkout-tax-receipt');

    const order = (await fx.server.internal<{ data: Order[] }>('GET', `/stores/${fx.storeId}/orders?limit=1`)).body.data[0];
    assert.equal(order.amount, 4022);
    assert.deepEqual(order.amounts, {
      subtotal: 3250,
      discount: 0,
      shipping: 500,
      tax: 272,
      tax_lines: [{ display_name: 'Sales tax', percentage: 7.25, inclusive: false, amount: 272 }],
      total: 4022,
    });
    const pi = await intentAtEmulator(token);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount, 4022);
  });

  it('shows German VAT as included in the prices and leaves the total as it was', async () => {
    const { token, url } = await checkout();
    // 19/119 of $14.00, $18.50 and $5.00 shipping: $2.24 + $2.95 + $0.80 = $5.99, already inside $37.50.
    const page = await openAt(url, { country: 'DE', line1: 'Unter den Linden 1', city: 'Berlin', postal: '10117' }, 3750);
    assert.deepEqual(await rows(page, '.summary'), ['Subtotal\n$32.50', 'Shipping · Standard\n$5.00', 'Includes VAT 19%\n$5.99', 'Total\n$37.50']);
    assert.equal(await page.locator('.pay-button').innerText(), 'Pay $37.50');
    assert.equal(await page.locator('[data-announcement]').innerText(), 'Shipping $5.00. Includes VAT 19% $5.99. Total $37.50.');
    assert.equal((await intentAtEmulator(token)).amount, 3750);
    await checkAccessibility(page, 'checkout, VAT included');
    await saveScreenshot(page, 'checkout-tax-vat');
  });
});
