// Shopper edge cases on the example storefront in headless Chromium: focus after closing, a server that
// answers without JSON, blocked storage, stale carts, a cart paid in another tab, refused cards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { checkoutFrame, drawer, fillCard, openShop, startShop, type ShopFixture } from './storefront-fixture';

let fx: ShopFixture;
before(async () => {
  fx = await startShop();
});
after(async () => {
  await fx?.close();
});

/** Collects uncaught page errors. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The aria-label of the focused element, looking through shadow roots. */
const focusedLabel = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('aria-label') ?? el?.tagName ?? null;
  });

describe('shopper edge cases on the storefront', () => {
  it('returns focus to the floating cart button when the drawer is closed with Esc', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await page.getByRole('button', { name: /open cart/i }).focus();
    await page.keyboard.press('Enter');
    await drawer(page).waitFor();
    await page.keyboard.press('Escape');
    await drawer(page).waitFor({ state: 'hidden' });
    await page.waitForFunction(() => {
      const root = document.querySelector('[data-checkout-best-root]');
      return root?.shadowRoot?.activeElement?.classList.contains('launcher');
    });
    assert.match(String(await focusedLabel(page)), /^Open cart, 0 items in cart$/);
  });

  it('shows a plain message when the server answers 503 without JSON, and the next add works', async () => {
    const page = await fx.newPage();
    const errors = pageErrors(page);
    await openShop(page, `${fx.shop.url}/`);
    await page.route('**/api/stores/*/carts', (r) => r.fulfill({ status: 503, contentType: 'text/html', body: '<h1>down</h1>' }));
    const button = page.locator('[data-checkout-best-add="house-blend"]');
    await button.click();
    await drawer(page).getByRole('alert').filter({ hasText: 'Something went wrong. Please try again.' }).waitFor();
    assert.equal(await button.getAttribute('data-checkout-best-state'), 'error');
    assert.doesNotMatch(await drawer(page).innerText(), /503/);
    await page.unroute('**/api/stores/*/carts');
    await page.keyboard.press('Escape');
    await button.click();
    await drawer(page).getByText('House Blend, 250 g').waitFor();
    assert.equal(await drawer(page).getByRole('alert').count(), 0);
    assert.deepEqual(errors, []);
  });

  it('keeps the cart in memory when localStorage throws, and replaces an unknown remembered cart quietly', async () => {
    const page = await fx.newPage();
    const errors = pageErrors(page);
    await page.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('denied', 'SecurityError');
        },
      });
    });
    await openShop(page, `${fx.shop.url}/`);
    const add = page.locator('[data-checkout-best-add="house-blend"]');
    await add.click();
    await drawer(page).getByText('House Blend, 250 g').waitFor();
    await page.keyboard.press('Escape');
    await add.click();
    await drawer(page).locator('.qty', { hasText: '2' }).waitFor();
    assert.deepEqual(errors, []);

    const other = await fx.newPage();
    await other.goto(`${fx.shop.url}/`);
    await other.evaluate((key) => localStorage.setItem(key, '00000000-0000-4000-8000-000000000000'), `checkout-best:cart:${fx.storeId}`);
    await openShop(other, `${fx.shop.url}/`);
    await other.locator('[data-checkout-best-add="ethiopia-guji"]').click();
    await drawer(other).getByText('Ethiopia Guji, 250 g').waitFor();
    assert.equal(await drawer(other).getByRole('alert').count(), 0);
  });

  it('empties a cart that was paid in another tab when Checkout is pressed, and the next add starts a new cart', async () => {
    const tabA = await fx.newPage();
    await openShop(tabA, `${fx.shop.url}/`);
    await tabA.locator('[data-checkout-best-add="house-blend"]').click();
    await drawer(tabA).getByText('House Blend, 250 g').waitFor();
    const tabB = await tabA.context().newPage();
    await openShop(tabB, `${fx.shop.url}/`);
    await tabB.getByRole('button', { name: /open cart, 1 item in cart/i }).click();
    await drawer(tabB).getByText('House Blend, 250 g').waitFor();

    await drawer(tabA)
      .getByRole('button', { name: /^checkout$/i })
      .click();
    const frame = checkoutFrame(tabA);
    await fillCard(frame, '4242 4242 4242 4242');
    await frame.getByRole('button', { name: 'Pay $14.00' }).click();
    await frame.getByRole('heading', { name: /thank you/i }).waitFor({ timeout: 20_000 });

    await drawer(tabB)
      .getByRole('button', { name: /^checkout$/i })
      .click();
    await drawer(tabB).getByRole('alert').filter({ hasText: 'checked out and paid' }).waitFor();
    await drawer(tabB).getByText('Your cart is empty').waitFor();
    await tabB.keyboard.press('Escape');
    await tabB.locator('[data-checkout-best-add="ethiopia-guji"]').click();
    await drawer(tabB).getByText('Ethiopia Guji, 250 g').waitFor();
    assert.equal(await drawer(tabB).locator('li').count(), 1);
  });

  it('shows "Your card has insufficient funds." for 4000 0000 0000 9995 and names an inactive product clearly', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    assert.equal(await page.evaluate(() => (window as any).CheckoutBest.add('no-such-product')), null);
    await drawer(page).getByRole('alert').filter({ hasText: 'This product is not available any more.' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-checkout-best-add="house-blend"]').click();
    await drawer(page)
      .getByRole('button', { name: /^checkout$/i })
      .click();
    const frame = checkoutFrame(page);
    await fillCard(frame, '4000 0000 0000 9995');
    await frame.getByRole('button', { name: 'Pay $14.00' }).click();
    await frame.getByRole('alert').filter({ hasText: 'Your card has insufficient funds.' }).waitFor({ timeout: 20_000 });
  });

  it('closes only the 3-D Secure challenge (4000 0025 0000 3155) on Esc, keeping the checkout open for a retry that completes', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await page.locator('[data-checkout-best-add="house-blend"]').click();
    await drawer(page)
      .getByRole('button', { name: /^checkout$/i })
      .click();
    const frame = checkoutFrame(page);
    await fillCard(frame, '4000 0025 0000 3155');
    await frame.getByRole('button', { name: 'Pay $14.00' }).click();
    await frame.getByRole('button', { name: 'Complete authentication' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    await frame.getByRole('button', { name: 'Complete authentication' }).waitFor({ state: 'detached' });
    await frame.getByRole('alert').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole('dialog', { name: 'Secure checkout' }).count(), 1);
    await frame.getByRole('button', { name: 'Pay $14.00' }).click();
    await frame.getByRole('button', { name: 'Complete authentication' }).click({ timeout: 10_000 });
    await frame.getByRole('heading', { name: /thank you/i }).waitFor({ timeout: 20_000 });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Secure checkout' }).waitFor({ state: 'hidden' });
  });
});
