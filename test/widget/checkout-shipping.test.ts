// The checkout page with shipping: email through the Link Authentication Element, the Address Element
// limited to the store's countries, the rates, a summary that follows the server's repricing (and the PaymentIntent
// at the emulator with it), and the order that comes out. Real server, real checkout.js, the Stripe.js double.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { createStripeFactory } from '../../server/src/stripe/client';
import type { Order } from '../../server/src/wire';
import { checkAccessibility, saveScreenshot } from '../support/browser';
import { checkoutFrame, drawer, fillCard, openShop, startShop, type ShopFixture } from './storefront-fixture';

let fx: ShopFixture;

/** The store ships to the US, Canada and Germany: Standard everywhere (free over $40), Express in the US only. */
const SHIPPING = {
  countries: ['US', 'CA', 'DE'],
  rates: [
    { id: 'standard', display_name: 'Standard', amount: 500, free_over: 4000, delivery_estimate: { min_days: 3, max_days: 5 } },
    { id: 'express', display_name: 'Express', amount: 1500, countries: ['US'], delivery_estimate: { min_days: 1, max_days: 2 } },
  ],
};

before(async () => {
  fx = await startShop();
  const put = await fx.server.internal('PUT', `/stores/${fx.storeId}/shipping`, SHIPPING);
  assert.equal(put.status, 200, JSON.stringify(put.body));
});
after(async () => {
  await fx?.close();
});

/** A checkout session for these lines, made over the public API as the widget does from the storefront. */
async function checkoutOf(lines: Array<[string, number]>, storeId = fx.storeId): Promise<{ token: string; url: string }> {
  const headers = { 'Content-Type': 'application/json', Origin: fx.shop.url };
  const post = (path: string, body: unknown) => fetch(`${fx.server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const cart = await (await post(`/api/stores/${storeId}/carts`, {})).json();
  for (const [product_id, quantity] of lines) {
    const added = await post(`/api/carts/${cart.id}/items`, { product_id, quantity });
    assert.equal(added.status, 200, await added.text());
  }
  const res = await post(`/api/carts/${cart.id}/checkout`, {});
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

/** The checkout page on its own (not framed), once its Payment Element is there. */
async function openPage(url: string, query = ''): Promise<Page> {
  const page = await fx.newPage();
  await page.goto(url + query);
  await page.getByLabel('Card number').waitFor({ timeout: 20_000 });
  return page;
}

type Scope = Page | FrameLocator;

interface AddressInput {
  name?: string;
  country: string;
  line1?: string;
  city?: string;
  state?: string;
  postal?: string;
}

/** Types an address into the Address Element. */
async function fillAddress(scope: Scope, a: AddressInput): Promise<void> {
  await scope.getByLabel('Country or region').selectOption(a.country);
  await scope.getByLabel('Full name').fill(a.name ?? 'Ada Lovelace');
  await scope.getByLabel('Address line 1').fill(a.line1 ?? '1 Main St');
  await scope.getByLabel('City').fill(a.city ?? 'Arlington');
  if (a.state) await scope.getByLabel(a.country === 'CA' ? 'Province' : 'State').fill(a.state);
  await scope.getByLabel(a.country === 'US' ? 'ZIP' : 'Postal code').fill(a.postal ?? '22201');
}

const US = { country: 'US', state: 'VA' };
const DE = { country: 'DE', line1: 'Unter den Linden 1', city: 'Berlin', postal: '10117' };
const CA = { country: 'CA', line1: '1 Rue Sainte-Catherine', city: 'Montréal', state: 'QC', postal: 'H2X 1K4' };

/** The summary's numbers, as data attributes (minor units). */
async function summary(page: Page) {
  const s = page.locator('.summary');
  return {
    subtotal: Number(await s.locator('[data-subtotal]').getAttribute('data-subtotal')),
    shipping: await s.locator('[data-shipping]').getAttribute('data-shipping'),
    shippingText: await s.locator('[data-shipping]').innerText(),
    total: Number(await s.locator('[data-total]').getAttribute('data-total')),
  };
}

/** Waits until the summary's total is `total` and nothing is being repriced. */
async function waitForTotal(page: Page, total: number): Promise<void> {
  await page.locator(`.summary [data-total="${total}"]`).waitFor({ timeout: 20_000 });
  await page.locator('.pay-button:not(:disabled)').waitFor({ timeout: 20_000 });
}

/** The session's PaymentIntent as the emulator holds it (its id from the idempotent payment-intent call). */
async function intentAtEmulator(token: string) {
  const res = await fetch(`${fx.server.url}/api/checkout/${token}/payment-intent`, { method: 'POST' });
  const { payment_intent_id } = await res.json();
  const stripe = createStripeFactory({ apiUrl: fx.emu.url, timeoutMs: 5000, maxNetworkRetries: 0 }).forKey(fx.keys.secret);
  return stripe.paymentIntents.retrieve(payment_intent_id);
}

/** The store's newest order, from the internal orders API. */
async function newestOrder(storeId = fx.storeId): Promise<Order> {
  const res = await fx.server.internal<{ data: Order[] }>('GET', `/stores/${storeId}/orders?limit=1`);
  assert.equal(res.status, 200);
  return res.body.data[0];
}

const payButton = (scope: Scope) => scope.locator('.pay-button');

describe('checkout page with shipping', () => {
  it('takes email, address and rate, charges subtotal plus shipping and records them on the order', async () => {
    const { token, url } = await checkoutOf([
      ['house-blend', 1],
      ['gift-card-25', 1],
    ]);
    const page = await openPage(url);
    // Focus order: email, the address fields, (the rates), the card, Pay.
    assert.equal(
      await page
        .locator('h2.step')
        .allInnerTexts()
        .then((h) => h.join(' | ')),
      'Contact | Shipping address | Payment',
    );
    assert.match((await payButton(page).getAttribute('aria-disabled')) ?? '', /true/, 'Pay is marked disabled without email and address');
    assert.match(await page.locator('#cb-pay-hint').innerText(), /email and shipping address/);
    assert.equal((await summary(page)).shippingText, 'Enter your address');
    await checkAccessibility(page, 'checkout, empty');
    // Pressing the (aria-)disabled Pay says what is missing, by the fields, and takes focus to the first one.
    await payButton(page).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Your email address is incomplete.').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByLabel('Email').evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el), true);
    await checkAccessibility(page, 'checkout, missing details shown by their fields');

    // Only the store's countries are offered.
    const offered = await page
      .getByLabel('Country or region')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual([...offered].sort(), ['CA', 'DE', 'US']);

    await page.getByLabel('Email').fill('ada@example.com');
    await fillAddress(page, US);
    // Rates for a US address: Standard ($5, the cheapest, chosen) and Express ($15).
    const rates = page.getByRole('group', { name: 'Shipping method' });
    await rates.getByRole('radio', { name: /Express/ }).waitFor({ timeout: 20_000 });
    await waitForTotal(page, 3900 + 500);
    assert.equal(await rates.getByRole('radio', { name: /Standard/ }).isChecked(), true);
    assert.match(await rates.innerText(), /Standard[\s\S]*3–5 business days[\s\S]*\$5\.00[\s\S]*Express[\s\S]*1–2 business days[\s\S]*\$15\.00/);
    assert.equal(await page.locator('[data-announcement]').innerText(), 'Shipping $5.00. Total $44.00.');
    await checkAccessibility(page, 'checkout, address and rates');

    // Keyboard: the rate is a radio group; arrow down picks Express and reprices.
    await rates.getByRole('radio', { name: /Standard/ }).focus();
    await page.keyboard.press('ArrowDown');
    await waitForTotal(page, 3900 + 1500);
    assert.deepEqual(await summary(page), { subtotal: 3900, shipping: '1500', shippingText: '$15.00', total: 5400 });
    assert.equal(await page.locator('[data-announcement]').innerText(), 'Shipping $15.00. Total $54.00.');
    assert.equal((await intentAtEmulator(token)).amount, 5400, 'the PaymentIntent follows the total');
    assert.equal(await payButton(page).innerText(), 'Pay $54.00');
    assert.equal(await payButton(page).getAttribute('aria-disabled'), null);
    await fillCard(page, '4242 4242 4242 4242', null);
    await saveScreenshot(page, 'checkout-shipping');
    await payButton(page).click();
    await page.getByRole('heading', { name: /thank you/i }).waitFor({ timeout: 20_000 });
    assert.match(await page.locator('[data-receipt-email]').innerText(), /ada@example\.com/);
    assert.match(await page.locator('[data-ship-to]').innerText(), /Ada Lovelace[\s\S]*1 Main St[\s\S]*Arlington, VA 22201[\s\S]*United States/);
    await checkAccessibility(page, 'receipt');
    await saveScreenshot(page, 'checkout-shipping-receipt');

    const order = await newestOrder();
    assert.equal(order.amount, 5400);
    assert.deepEqual(order.amounts, { subtotal: 3900, discount: 0, shipping: 1500, tax: 0, tax_lines: [], total: 5400 });
    assert.deepEqual(order.customer, { email: 'ada@example.com', name: 'Ada Lovelace', phone: null });
    assert.equal(order.customer_email, 'ada@example.com');
    assert.deepEqual(order.shipping, {
      name: 'Ada Lovelace',
      phone: null,
      address: { line1: '1 Main St', line2: null, city: 'Arlington', state: 'VA', postal_code: '22201', country: 'US' },
      rate: { id: 'express', display_name: 'Express', amount: 1500 },
      delivery_estimate: { min_days: 1, max_days: 2 },
    });
    const pi = await intentAtEmulator(token);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount, 5400);
    assert.equal(pi.shipping?.address?.country, 'US');
  });

  it('reprices when the country changes: the summary, the Pay button and the PaymentIntent follow', async () => {
    const { token, url } = await checkoutOf([['ethiopia-guji', 1]]);
    const page = await openPage(url);
    await page.getByLabel('Email').fill('grace@example.com');
    await fillAddress(page, US);
    await waitForTotal(page, 1850 + 500);
    await page.getByRole('radio', { name: /Express/ }).check();
    await waitForTotal(page, 1850 + 1500);
    assert.equal((await intentAtEmulator(token)).amount, 3350);

    // To Germany: Express does not go there, so the chosen rate falls back to Standard.
    await page.getByLabel('Country or region').selectOption('DE');
    await page.getByLabel('Postal code').fill('10117');
    await waitForTotal(page, 1850 + 500);
    assert.equal(await page.getByRole('radio').count(), 1, 'only Standard applies to Germany');
    assert.equal(await page.getByRole('radio', { name: /Standard/ }).isChecked(), true);
    assert.equal(await payButton(page).innerText(), 'Pay $23.50');
    assert.equal((await intentAtEmulator(token)).amount, 2350);
    assert.equal(await page.locator('[data-announcement]').innerText(), 'Shipping $5.00. Total $23.50.');
  });

  it('says so next to the address when the store does not ship to the country, and holds Pay back', async () => {
    const { url } = await checkoutOf([['house-blend', 1]]);
    const page = await openPage(url);
    await page.getByLabel('Email').fill('alan@example.com');
    await fillAddress(page, US);
    await waitForTotal(page, 1400 + 500);
    // The platform stops shipping to Canada while the page is open (the page offered it when it loaded).
    const put = await fx.server.internal('PUT', `/stores/${fx.storeId}/shipping`, { ...SHIPPING, countries: ['US', 'DE'] });
    assert.equal(put.status, 200);
    try {
      await fillAddress(page, CA);
      const alert = page.locator('.element-address + .form-error[role="alert"]');
      await alert.waitFor({ timeout: 20_000 });
      assert.equal(await alert.getAttribute('data-error-code'), 'shipping_country_unsupported');
      assert.match(await alert.innerText(), /does not ship to that country/);
      assert.equal(await payButton(page).getAttribute('aria-disabled'), 'true');
      assert.equal(await page.getByRole('radio').count(), 0, 'no rates for an address the store does not ship to');
      await checkAccessibility(page, 'checkout, unsupported country');
      await saveScreenshot(page, 'checkout-shipping-unsupported');
      // Pressing Pay anyway (it stays focusable) charges nothing: the server is asked again and refuses again.
      await fillCard(page, '4242 4242 4242 4242', null);
      await payButton(page).focus();
      // The alert is already on screen: wait for the server's second refusal and for the attempt to end, or the
      // address typed next would reach that attempt's flush and be paid for.
      const refusedAgain = page.waitForResponse((r) => r.url().endsWith('/details') && r.request().method() === 'POST' && r.status() === 422);
      await page.keyboard.press('Enter');
      await refusedAgain;
      await page.locator('.pay-form[aria-busy="false"]').waitFor();
      await page.locator('.element-address + .form-error[role="alert"]').waitFor();
      assert.equal(await page.getByRole('heading', { name: /thank you/i }).count(), 0);
      // Back to a country it ships to: the message goes, Pay comes back.
      await fillAddress(page, DE);
      await waitForTotal(page, 1400 + 500);
      assert.equal(await page.locator('.form-error').count(), 0);
      assert.equal(await payButton(page).getAttribute('aria-disabled'), null);
    } finally {
      await fx.server.internal('PUT', `/stores/${fx.storeId}/shipping`, SHIPPING);
    }
  });

  it('asks no address for a cart of only unshippable products, nor in a store without shipping', async () => {
    const gift = await checkoutOf([['gift-card-25', 2]]);
    const page = await openPage(gift.url);
    assert.equal(await page.getByLabel('Full name').count(), 0);
    assert.equal(await page.locator('.summary [data-shipping]').count(), 0, 'no shipping row');
    assert.equal(
      await page
        .locator('h2.step')
        .allInnerTexts()
        .then((h) => h.join(' | ')),
      'Contact | Payment',
    );
    assert.match(await page.locator('#cb-pay-hint').innerText(), /Enter your email to pay/);
    await checkAccessibility(page, 'checkout, nothing ships');
    await page.getByLabel('Email').fill('gift@example.com');
    await page.locator('.pay-button:not([aria-disabled])').waitFor({ timeout: 20_000 });
    await fillCard(page, '4242 4242 4242 4242', null);
    await payButton(page).click();
    await page.getByRole('heading', { name: /thank you/i }).waitFor({ timeout: 20_000 });
    const order = await newestOrder();
    assert.equal(order.shipping, null);
    assert.deepEqual(order.amounts, { subtotal: 5000, discount: 0, shipping: 0, tax: 0, tax_lines: [], total: 5000 });
    assert.equal(order.customer.email, 'gift@example.com');

    const plain = await fx.server.createStore({ name: 'No Shipping Books', allowed_origins: [fx.shop.url] });
    await fx.server.internal('PUT', `/stores/${plain.id}/products`, { products: [{ id: 'book', name: 'Book', unit_amount: 1200, currency: 'usd' }] });
    await fx.server.connectStore(plain.id, fx.emu.createAccount('No Shipping Books').keys.test);
    const { url } = await checkoutOf([['book', 1]], plain.id);
    const other = await openPage(url);
    assert.equal(await other.getByLabel('Full name').count(), 0);
    assert.equal(await other.getByLabel('Email').count(), 1);
    assert.equal(await payButton(other).innerText(), 'Pay $12.00');
  });

  it('shows Free past the free-shipping threshold, in the drawer and at the checkout', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await page.locator('[data-checkout-best-add="house-blend"]').click();
    const cart = drawer(page);
    await cart.getByText('Add $26.00 for free shipping.').waitFor({ timeout: 20_000 });
    await checkAccessibility(page, 'drawer, free-shipping progress');
    await saveScreenshot(page, 'drawer-free-shipping');
    // Past $40 the progress goes (whether shipping is free depends on the address: the checkout says), and the
    // checkout shows Free for an address the free-over rate applies to.
    await cart.getByRole('button', { name: /Increase quantity of House Blend/ }).click();
    await cart.getByRole('button', { name: /Increase quantity of House Blend/ }).click();
    await cart.getByText('Shipping calculated at checkout.').waitFor({ timeout: 20_000 });
    await cart.getByRole('button', { name: /^checkout$/i }).click();
    const frame = checkoutFrame(page);
    await frame.getByLabel('Email').fill('linus@example.com');
    await fillAddress(frame, DE);
    await frame.locator('.summary [data-shipping="0"]').waitFor({ timeout: 20_000 });
    assert.equal(await frame.locator('.summary [data-shipping]').innerText(), 'Free');
    assert.match(
      await frame
        .getByRole('radio', { name: /Standard/ })
        .locator('xpath=ancestor::label')
        .innerText(),
      /Free/,
    );
    await frame.locator('.pay-button:not(:disabled):not([aria-disabled])').waitFor({ timeout: 20_000 });
    assert.equal(await frame.locator('.pay-button').innerText(), 'Pay $42.00');
    await checkAccessibility(page, 'storefront under the checkout overlay');
    await checkAccessibility(
      page.frames().find((f) => f.url().includes('/checkout/'))!,
      'checkout in the overlay, free shipping',
    );
  });

  it('says "Shipping calculated at checkout" in the drawer of a store without a free-shipping rate', async () => {
    await fx.server.internal('PUT', `/stores/${fx.storeId}/shipping`, { countries: ['US'], rates: [{ id: 'flat', display_name: 'Flat', amount: 700 }] });
    try {
      const page = await fx.newPage();
      await openShop(page, `${fx.shop.url}/`);
      await page.locator('[data-checkout-best-add="ethiopia-guji"]').click();
      await drawer(page).getByText('Shipping calculated at checkout.').waitFor({ timeout: 20_000 });
      await checkAccessibility(page, 'drawer, shipping at checkout');
      // A gift card alone ships nothing: no shipping line at all.
      await drawer(page)
        .getByRole('button', { name: /Remove Ethiopia Guji/ })
        .click();
      await page.keyboard.press('Escape');
      await page.locator('[data-checkout-best-add="gift-card-25"]').click();
      await drawer(page).getByText('Gift card, $25').waitFor();
      await drawer(page).locator('[data-subtotal]').filter({ hasText: '$25.00' }).waitFor();
      assert.equal(
        await drawer(page)
          .getByText(/shipping/i)
          .count(),
        0,
      );
    } finally {
      await fx.server.internal('PUT', `/stores/${fx.storeId}/shipping`, SHIPPING);
    }
  });
});
