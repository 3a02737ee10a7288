// A discount code on the checkout page: a code the store does not have is refused next to the field, WELCOME10
// takes 10% off in the summary, Pay and the PaymentIntent at the emulator follow, and the receipt and the order
// carry the code; the page names the code as the store defined it, also when it was applied in the cart before
// the checkout opened. Real server, real checkout.js, the Stripe.js double.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStripeFactory } from '../../server/src/stripe/client';
import type { Order } from '../../server/src/wire';
import { checkAccessibility, saveScreenshot } from '../support/browser';
import { checkoutFrame, drawer, fillCard, openShop, startShop, type ShopFixture } from './storefront-fixture';

let fx: ShopFixture;

before(async () => {
  fx = await startShop();
  const made = await fx.server.internal('POST', `/stores/${fx.storeId}/discounts`, { code: 'WELCOME10', percent_off: 10 });
  assert.equal(made.status, 201, JSON.stringify(made.body));
});
after(async () => {
  await fx?.close();
});

/** A checkout session for these lines, made over the public API as the widget does from the storefront. */
async function checkoutOf(lines: Array<[string, number]>): Promise<{ token: string; url: string }> {
  const headers = { 'Content-Type': 'application/json', Origin: fx.shop.url };
  const post = (path: string, body: unknown) => fetch(`${fx.server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const cart = await (await post(`/api/stores/${fx.storeId}/carts`, {})).json();
  for (const [product_id, quantity] of lines) assert.equal((await post(`/api/carts/${cart.id}/items`, { product_id, quantity })).status, 200);
  const res = await post(`/api/carts/${cart.id}/checkout`, {});
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

/** The session's PaymentIntent as the emulator holds it. */
async function intentAtEmulator(token: string) {
  const res = await fetch(`${fx.server.url}/api/checkout/${token}/payment-intent`, { method: 'POST' });
  const { payment_intent_id } = await res.json();
  const stripe = createStripeFactory({ apiUrl: fx.emu.url, timeoutMs: 5000, maxNetworkRetries: 0 }).forKey(fx.keys.secret);
  return stripe.paymentIntents.retrieve(payment_intent_id);
}

describe('checkout page with a discount code', () => {
  it('refuses an unknown code beside the field, takes WELCOME10 off the total, charges the discounted total and shows it on the receipt', async () => {
    // House blend and a gift card: $39.00, nothing to ship; 10% off is $3.90.
    const { token, url } = await checkoutOf([
      ['house-blend', 1],
      ['gift-card-25', 1],
    ]);
    const page = await fx.newPage();
    await page.goto(url);
    await page.getByLabel('Card number').waitFor({ timeout: 20_000 });
    const field = page.getByRole('textbox', { name: 'Discount code' });

    await field.fill('NOPE');
    await page.getByRole('button', { name: 'Apply' }).click();
    const message = page.locator('#cb-code-msg');
    await message.filter({ hasText: /does not exist/ }).waitFor({ timeout: 20_000 });
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.getAttribute('aria-describedby'), 'cb-code-msg');
    assert.equal(await message.getAttribute('aria-live'), 'polite');
    await checkAccessibility(page, 'checkout, refused discount code');

    await field.fill('welcome10');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('.summary [data-total="3510"]').waitFor({ timeout: 20_000 });
    const discountRow = page.locator('.summary [data-discount]');
    assert.equal(await discountRow.getAttribute('data-discount'), '390');
    assert.equal(await discountRow.innerText(), '−$3.90');
    // Typed in lower case, named as the store defined it: the server's answer carries the code.
    assert.match(await page.locator('.summary .subtotals').innerText(), /Discount \(WELCOME10\)/);
    assert.equal(await page.getByRole('button', { name: 'Remove code WELCOME10' }).innerText(), 'WELCOME10 ×');
    assert.equal(await message.innerText(), '');
    await page.locator('.pay-button', { hasText: 'Pay $35.10' }).waitFor({ timeout: 20_000 });
    assert.equal((await intentAtEmulator(token)).amount, 3510, 'the PaymentIntent follows the discounted total');
    await checkAccessibility(page, 'checkout, discount applied');
    await saveScreenshot(page, 'checkout-discount');

    await fillCard(page, '4242 4242 4242 4242');
    await page.locator('.pay-button').click();
    await page.getByRole('heading', { name: /thank you/i }).waitFor({ timeout: 20_000 });
    assert.match(await page.locator('.receipt').innerText(), /Discount \(WELCOME10\)[\s\S]*−\$3\.90/);
    await checkAccessibility(page, 'receipt with a discount');
    await saveScreenshot(page, 'checkout-discount-receipt');

    const orders = await fx.server.internal<{ data: Order[] }>('GET', `/stores/${fx.storeId}/orders?limit=1`);
    const order = orders.body.data[0];
    assert.equal(order.amount, 3510);
    assert.deepEqual(order.discount, { code: 'WELCOME10', amount: 390 });
    assert.equal((await intentAtEmulator(token)).amount, 3510);
  });

  it('names the code applied in the cart before the checkout opened, as the store defined it, and removes it there', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await page.locator('[data-checkout-best-add="house-blend"]').click();
    await drawer(page).getByText('House Blend, 250 g').waitFor({ timeout: 20_000 });
    // The cart's code, applied over the cart API as the drawer applies it, typed in the shopper's own case.
    const cart = await page.evaluate(() => (window as unknown as { CheckoutBest: { getCart(): { id: string } } }).CheckoutBest.getCart());
    const applied = await fetch(`${fx.server.url}/api/carts/${cart.id}/discount`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: fx.shop.url },
      body: JSON.stringify({ code: 'Welcome10' }),
    });
    assert.equal(applied.status, 200, await applied.clone().text());
    await drawer(page)
      .getByRole('button', { name: /^checkout$/i })
      .click();

    // House Blend $14.00, 10% off: $1.40, before anything is typed on the page.
    const frame = checkoutFrame(page);
    await frame.locator('.summary [data-total="1260"]').waitFor({ timeout: 20_000 });
    const chip = frame.getByRole('button', { name: 'Remove code WELCOME10' });
    assert.equal(await chip.innerText(), 'WELCOME10 ×');
    assert.match(await frame.locator('.summary .subtotals').innerText(), /Discount \(WELCOME10\)\s*−\$1\.40/);
    await frame.getByRole('button', { name: 'Pay $12.60' }).waitFor({ timeout: 20_000 });
    await checkAccessibility(
      page.frames().find((f) => f.url().includes('/checkout/'))!,
      'checkout, code from the cart',
    );
    await saveScreenshot(page, 'checkout-discount-from-cart');

    await chip.click();
    await frame.locator('.summary [data-total="1400"]').waitFor({ timeout: 20_000 });
    assert.equal(await frame.locator('.summary [data-discount]').count(), 0);
    assert.equal(await frame.getByRole('textbox', { name: 'Discount code' }).count(), 1);
    await frame.getByRole('button', { name: 'Pay $14.00' }).waitFor({ timeout: 20_000 });
  });
});
