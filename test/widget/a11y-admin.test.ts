// Keyboard-only use, a hostile page stylesheet, a store that is not connected, and the merchant admin
// modal, all on examples/storefront/ through the real script tag in headless Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { saveScreenshot } from '../support/browser';
import { PRODUCTS, checkoutFrame, drawer, eventsNamed, openShop, recordEvents, startShop, type ShopFixture } from './storefront-fixture';

let fx: ShopFixture;
before(async () => {
  fx = await startShop();
});
after(async () => {
  await fx?.close();
});

/** What has focus, looking into shadow roots and frames' owner elements. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? `${el.tagName.toLowerCase()}|${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}` : '';
  });
}

/** Presses Tab until `match` has focus (at most `max` times). */
async function tabTo(page: Page, match: RegExp, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (match.test(await focused(page))) return;
  }
  throw new Error(`never reached ${match} with Tab; last focus: ${await focused(page)}`);
}

describe('widget accessibility, robustness and merchant admin', () => {
  it('works by keyboard alone: Enter adds, focus is trapped in the drawer, Esc closes and returns focus', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await tabTo(page, /^button\|Add to cart$/);
    await page.keyboard.press('Enter');
    const cart = drawer(page);
    await cart.getByText('House Blend, 250 g').waitFor();
    assert.equal(await cart.getAttribute('aria-modal'), 'true');
    assert.match(await focused(page), /^button\|Close$/, 'focus moves into the dialog');
    // Tab far more often than the drawer has controls: focus must never leave it.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await cart.evaluate((d) => d.contains((d.getRootNode() as ShadowRoot).activeElement)), `focus left the drawer after ${i + 1} Tabs`);
    }
    await page.keyboard.press('Escape');
    await cart.waitFor({ state: 'hidden' });
    // Focus goes back to the button that opened the drawer (right after the dialog is gone).
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-checkout-best-add') === 'house-blend', null, { timeout: 2000 });

    // Open the cart from the floating button, go to Checkout, and close the overlay with Esc inside the frame.
    await tabTo(page, /^button\|Open cart/);
    await page.keyboard.press('Enter');
    await tabTo(page, /^button\|Checkout$/);
    await page.keyboard.press('Enter');
    const frame = checkoutFrame(page);
    await frame.getByLabel('Card number').waitFor({ timeout: 20_000 });
    await frame.getByLabel('Card number').focus();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Secure checkout' }).waitFor({ state: 'hidden' });
  });

  it('is not broken by a hostile page stylesheet (* { all: unset })', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await page.addStyleTag({ content: '* { all: unset !important } body * { font: 40px/3 serif !important; color: red !important }' });
    const launcher = page.getByRole('button', { name: /open cart/i });
    const box = (await launcher.boundingBox())!;
    assert.deepEqual([Math.round(box.width), Math.round(box.height)], [60, 60]);
    await page.evaluate(() => (window as any).CheckoutBest.add('pour-over-kit'));
    const cart = drawer(page);
    await cart.getByText('Pour-over kit').waitFor();
    const look = await cart.evaluate((d) => {
      const s = getComputedStyle(d);
      const title = getComputedStyle(d.querySelector('h2')!);
      return { position: s.position, width: d.getBoundingClientRect().width, font: title.fontSize, color: title.color };
    });
    assert.deepEqual(look, { position: 'fixed', width: 420, font: '18px', color: 'rgb(26, 31, 54)' });
    await saveScreenshot(page, 'shopper-hostile-css');
  });

  it("shows the seed's message when the store is not connected, and the admin modal connects it", async () => {
    const store = await fx.server.createStore({ name: 'Unconnected Tea Shop', allowed_origins: [fx.shop.url] });
    await fx.server.internal('PUT', `/stores/${store.id}/products`, { products: PRODUCTS });
    fx.useStore(store.id);
    try {
      const page = await fx.newPage();
      await openShop(page, `${fx.shop.url}/api.html`);
      await recordEvents(page);
      assert.equal(await page.getByRole('button', { name: /open cart/i }).count(), 0, 'the page has its own cart button');
      await page.getByRole('button', { name: "add('ethiopia-guji', 2)" }).click();
      await page.locator('[data-checkout-best-count]', { hasText: '2' }).first().waitFor();
      await page.locator('[data-checkout-best-cart]').click();
      await drawer(page)
        .getByRole('button', { name: /^checkout$/i })
        .click();
      await drawer(page).getByRole('alert').filter({ hasText: 'Store not connected to Stripe' }).waitFor();
      await saveScreenshot(page, 'shopper-not-connected');
      const [failure] = (await eventsNamed(page, 'checkout:failed')) as Array<{ code: string }>;
      assert.equal(failure?.code, 'store_not_connected');
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Merchant admin' }).click();
      const modal = page.getByRole('dialog', { name: 'Connect payments' });
      await modal.waitFor();
      const form = page.frameLocator('iframe[src*="/stripe/connect"]');
      const keys = fx.emu.createAccount('Unconnected Tea Shop').keys.test;
      await form.getByLabel('Publishable key').fill(keys.publishable);
      await form.getByLabel('Secret key').fill(keys.secret);
      await saveScreenshot(page, 'merchant-admin-modal');
      await form.getByRole('button', { name: 'Verify and connect' }).click();
      await page.waitForFunction(() => (window as any).__events.some(([n]: [string]) => n === 'stripe:connected'), null, { timeout: 20_000 });
      const [connected] = (await eventsNamed(page, 'stripe:connected')) as Array<{ store_id: string; is_live_mode: boolean }>;
      assert.deepEqual(connected, { store_id: store.id, is_live_mode: false });
      await saveScreenshot(page, 'merchant-admin-connected');
      await modal.getByRole('button', { name: 'Close' }).click();

      await page.evaluate(() => (window as any).CheckoutBest.checkout());
      await checkoutFrame(page).getByLabel('Card number').waitFor({ timeout: 20_000 });
    } finally {
      fx.useStore(fx.storeId);
    }
  });

  it('never throws into the page: calls for an unknown store resolve to null and log [checkout-best] lines', async () => {
    fx.useStore('00000000-0000-4000-8000-000000000000');
    try {
      const page = await fx.newPage();
      const problems: string[] = [];
      const warnings: string[] = [];
      page.on('pageerror', (err) => problems.push(err.message));
      page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
      await page.addInitScript(() => window.addEventListener('unhandledrejection', (e) => console.error('unhandled', String(e.reason))));
      page.on('console', (m) => m.type() === 'error' && m.text().startsWith('unhandled') && problems.push(m.text()));
      await openShop(page, `${fx.shop.url}/`);
      const results = await page.evaluate(async () => {
        const cb = (window as any).CheckoutBest;
        return [await cb.add('house-blend'), await cb.checkout(), await cb('fly'), await cb.add(42)];
      });
      assert.deepEqual(results, [null, null, null, null]);
      await page.keyboard.press('Escape'); // the drawer opened to show why adding failed
      await page.locator('[data-checkout-best-add="house-blend"]').click();
      await page.locator('[data-checkout-best-state="error"]').waitFor();
      assert.deepEqual(problems, []);
      assert.ok(warnings.length >= 4 && warnings.every((w) => w.startsWith('[checkout-best]')), warnings.join('\n'));
    } finally {
      fx.useStore(fx.storeId);
    }
  });

  it('refuses an admin link that is not on the checkout-best origin', async () => {
    const page = await fx.newPage();
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await openShop(page, `${fx.shop.url}/`);
    await page.evaluate(() => (window as any).CheckoutBest.openAdmin({ connectUrl: 'https://evil.example/stripe/connect' }));
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.ok(
      warnings.some((w) => w.startsWith('[checkout-best] openAdmin() needs a connectUrl on')),
      warnings.join('\n'),
    );
  });
});
