// The widget on examples/storefront/ through the real script tag, in headless Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccessibility, saveScreenshot } from '../support/browser';
import { checkoutFrame, drawer, eventsNamed, fillCard, openShop, recordEvents, startShop, type ShopFixture } from './storefront-fixture';

let fx: ShopFixture;
before(async () => {
  fx = await startShop();
});
after(async () => {
  await fx?.close();
});

describe('widget on the example storefront', () => {
  it('adds from buttons, including one inserted after load, and keeps the cart across a reload', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await saveScreenshot(page, 'shopper-storefront');
    await page.locator('[data-checkout-best-add="house-blend"]').click();
    const cart = drawer(page);
    await cart.getByText('House Blend, 250 g').waitFor();
    await page.keyboard.press('Escape');
    await cart.waitFor({ state: 'hidden' });

    await page.evaluate(() => {
      const b = document.createElement('button');
      b.textContent = 'Late button';
      b.setAttribute('data-checkout-best-add', 'pour-over-kit');
      b.setAttribute('data-quantity', '2');
      document.querySelector('main')!.append(b);
    });
    await page.getByRole('button', { name: 'Late button' }).click();
    await cart.getByText('Pour-over kit').waitFor();
    assert.match(await cart.locator('[data-subtotal]').innerText(), /\$98\.00/);

    await page.reload();
    await openShop(page, page.url());
    await page.getByRole('button', { name: /open cart, 3 items in cart/i }).click();
    await cart.getByText('Pour-over kit').waitFor();
    assert.equal(await cart.locator('li').count(), 2);
    await saveScreenshot(page, 'shopper-cart-open');
  });

  it('changes a quantity with the stepper and removes a line, announcing each change', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await page.locator('[data-checkout-best-add="ethiopia-guji"]').click();
    const cart = drawer(page);
    await cart.getByRole('button', { name: 'Increase quantity of Ethiopia Guji, 250 g' }).click();
    await cart.locator('[data-subtotal]', { hasText: '$37.00' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Cart updated. 2 items in cart.' }).waitFor({ state: 'attached' });
    await cart.getByRole('button', { name: 'Remove Ethiopia Guji, 250 g from cart' }).click();
    await cart.getByText('Your cart is empty').waitFor();
    await saveScreenshot(page, 'shopper-cart-empty');
    const cartOnServer = await page.evaluate(() => (window as any).CheckoutBest.getCart());
    assert.equal(cartOnServer.item_count, 0);
  });

  it('pays with 4242 in the overlay, emits checkout:completed and leaves the cart empty', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await recordEvents(page);
    await page.locator('[data-checkout-best-add="house-blend"]').click();
    await drawer(page)
      .getByRole('button', { name: /^checkout$/i })
      .click();
    const frame = checkoutFrame(page);
    await frame.getByLabel('Card number').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole('dialog', { name: 'Secure checkout' }).count(), 1);
    await frame.getByText('Test mode').first().waitFor();
    await fillCard(frame, '4242 4242 4242 4242');
    await saveScreenshot(page, 'shopper-checkout-overlay');
    await frame.getByRole('button', { name: 'Pay $14.00' }).click();
    await frame.getByRole('heading', { name: 'Thank you! Your payment was received.' }).waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'shopper-receipt');

    const [order] = (await eventsNamed(page, 'checkout:completed')) as Array<{ id: string; amount: number; status: string }>;
    assert.equal(order?.amount, 1400);
    assert.equal(order?.status, 'paid');
    assert.equal(await frame.locator('[data-order-id]').innerText(), order.id);
    await frame.getByRole('button', { name: 'Continue shopping' }).click();
    await page.getByRole('dialog', { name: 'Secure checkout' }).waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: /open cart, 0 items/i }).waitFor();
    await page.reload();
    await openShop(page, page.url());
    assert.equal(await page.evaluate(() => (window as any).CheckoutBest.getCart()), null);
  });

  it('shows "Your card was declined." for 4000 0000 0000 0002 and a retry with 4242 succeeds', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await recordEvents(page);
    await page.locator('[data-checkout-best-add="gift-card-25"]').click();
    await drawer(page)
      .getByRole('button', { name: /^checkout$/i })
      .click();
    const frame = checkoutFrame(page);
    await fillCard(frame, '4000 0000 0000 0002');
    await frame.getByRole('button', { name: 'Pay $25.00' }).click();
    await frame.getByRole('alert').filter({ hasText: 'Your card was declined.' }).waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'shopper-decline');
    await checkAccessibility(
      page.frames().find((f) => f.url().includes('/checkout/'))!,
      'checkout in the overlay, card declined',
    );
    const [failure] = (await eventsNamed(page, 'checkout:failed')) as Array<{ code: string; message: string }>;
    assert.equal(failure?.message, 'Your card was declined.');

    await fillCard(frame, '4242 4242 4242 4242');
    await frame.getByRole('button', { name: 'Pay $25.00' }).click();
    await frame.getByRole('heading', { name: /thank you/i }).waitFor({ timeout: 20_000 });
    assert.equal((await eventsNamed(page, 'checkout:completed')).length, 1);
  });

  it('works as an ES module in a single-page app: init() mounts it and the API adds and emits', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/spa.html`);
    await page.getByText('The basket is empty').waitFor();
    await page.getByRole('button', { name: 'Add House Blend' }).click();
    await page.getByText('1 item(s) in the basket').waitFor();
    assert.equal(await drawer(page).count(), 0, 'openOnAdd: false keeps the drawer closed');
    const cart = await page.evaluate(() => (window as any).spa.add('ethiopia-guji', 2));
    assert.equal(cart.subtotal, 1400 + 3700);
    await page.evaluate(() => (window as any).spa.destroy());
    assert.equal(await page.locator('[data-checkout-best-root]').count(), 0);
  });
});
