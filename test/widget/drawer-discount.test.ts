// A discount code in the cart drawer: a code the store does not have is refused next to the field, WELCOME10
// (typed in lower case) adds the Discount row and the new total, and the checkout opened from the drawer charges
// that total: the PaymentIntent at the emulator and the order carry the discount. Real server, real widget.js,
// the Stripe.js double.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStripeFactory } from '../../server/src/stripe/client';
import type { Order } from '../../server/src/wire';
import { checkAccessibility } from '../support/browser';
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

/** The session's PaymentIntent as the emulator holds it. */
async function intentAtEmulator(token: string) {
  const res = await fetch(`${fx.server.url}/api/checkout/${token}/payment-intent`, { method: 'POST' });
  const { payment_intent_id } = await res.json();
  const stripe = createStripeFactory({ apiUrl: fx.emu.url, timeoutMs: 5000, maxNetworkRetries: 0 }).forKey(fx.keys.secret);
  return stripe.paymentIntents.retrieve(payment_intent_id);
}

describe('discount code in the cart drawer', () => {
  it('refuses an unknown code beside the field, applies welcome10 with its Discount row and total, and checks out at that total', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await page.locator('[data-checkout-best-add="house-blend"]').click();
    const cart = drawer(page);
    await cart.getByText('House Blend, 250 g').waitFor({ timeout: 20_000 });
    const field = cart.getByRole('textbox', { name: 'Discount code' });
    const message = cart.locator('#cb-code-msg');

    // A code the store does not have: refused next to the field, the field pointing at the refusal.
    await field.fill('NOPE');
    await cart.getByRole('button', { name: 'Apply' }).click();
    await message.filter({ hasText: /does not exist/ }).waitFor({ timeout: 20_000 });
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.getAttribute('aria-describedby'), 'cb-code-msg');
    assert.equal(await message.getAttribute('aria-live'), 'polite');
    assert.equal(await cart.locator('[data-total]').count(), 0, 'no Total row without a code');
    await checkAccessibility(page, 'drawer, refused discount code');

    // House Blend $14.00, 10% off: $1.40 off, $12.60 to pay.
    await field.fill('welcome10');
    await cart.getByRole('button', { name: 'Apply' }).click();
    await cart.locator('[data-total]', { hasText: '$12.60' }).waitFor({ timeout: 20_000 });
    const chip = cart.getByRole('button', { name: 'Remove WELCOME10' });
    assert.equal(await chip.innerText(), 'WELCOME10 ×', 'named as the store defined it');
    assert.equal(await cart.locator('.row.off .num').innerText(), '−$1.40');
    assert.equal(await cart.locator('[data-subtotal]').innerText(), '$14.00');
    assert.equal(await field.count(), 0, 'an applied code replaces the field');
    await checkAccessibility(page, 'drawer, discount applied');
    await page.screenshot({ path: '/tmp/drawer-code.png' });

    // The chip removes the code and brings the field back; applied again, the checkout follows.
    await chip.click();
    await field.waitFor({ timeout: 20_000 });
    assert.equal(await cart.locator('[data-total]').count(), 0);
    await field.fill('welcome10');
    await cart.getByRole('button', { name: 'Apply' }).click();
    await cart.locator('[data-total]', { hasText: '$12.60' }).waitFor({ timeout: 20_000 });

    await cart.getByRole('button', { name: /^checkout$/i }).click();
    const frame = checkoutFrame(page);
    await frame.locator('.summary [data-total="1260"]').waitFor({ timeout: 20_000 });
    const src = await page.locator('iframe[src*="/checkout/"]').getAttribute('src');
    const token = /\/checkout\/([^/?#]+)/.exec(src ?? '')![1];
    assert.equal((await intentAtEmulator(token)).amount, 1260, 'the PaymentIntent follows the discounted total');
    await fillCard(frame, '4242 4242 4242 4242');
    await frame.getByRole('button', { name: 'Pay $12.60' }).click();
    await frame.getByRole('heading', { name: 'Thank you! Your payment was received.' }).waitFor({ timeout: 20_000 });
    assert.match(await frame.locator('.receipt').innerText(), /Discount \(WELCOME10\)[\s\S]*−\$1\.40/);

    const orders = await fx.server.internal<{ data: Order[] }>('GET', `/stores/${fx.storeId}/orders?limit=1`);
    const order = orders.body.data[0];
    assert.equal(order.amount, 1260);
    assert.deepEqual(order.discount, { code: 'WELCOME10', amount: 140 });
    assert.equal((await intentAtEmulator(token)).amount, order.amount);
  });
});
