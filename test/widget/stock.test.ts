// Stock on the example storefront: "Only 2 left" under a button, a purchase that sells the rest, and the
// page then saying "Sold out" with the add button disabled; also the German texts, fetched as their own asset.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { checkoutFrame, drawer, fillCard, openShop, PRODUCTS, startShop, type ShopFixture } from './storefront-fixture';

const SHOTS = process.env.STOCK_SHOTS ?? '/tmp';
let fx: ShopFixture;
before(async () => {
  fx = await startShop();
});
after(async () => {
  await fx?.close();
});

/** What is left of Ethiopia Guji, null while unlimited (the tests of this file run in order; a sale takes its part). */
let guji: number | null = null;

/** Sets what is left of Ethiopia Guji: first with the catalog upsert, then by the internal API's adjustment. */
async function setStock(n: number): Promise<void> {
  const res =
    guji !== null
      ? await fx.server.internal('POST', `/stores/${fx.storeId}/products/ethiopia-guji/stock`, { adjust: n - guji })
      : await fx.server.internal('PUT', `/stores/${fx.storeId}/products`, { products: [{ ...PRODUCTS[1], stock: n }] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  guji = n;
}

/**
 * The storefront as a German shop would serve it, `<html lang="de">`. Set as the element arrives rather than by
 * rewriting the response: Chromium treats a fulfilled document as public and blocks its requests to loopback.
 */
async function openGermanShop(page: Page): Promise<void> {
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.documentElement) return;
      document.documentElement.lang = 'de';
      observer.disconnect();
    }).observe(document, { childList: true });
  });
  await openShop(page, `${fx.shop.url}/`);
}

const stockOf = (page: Page, id: string) => page.locator(`[data-checkout-best-stock="${id}"]`);
const addButton = (page: Page, id: string) => page.locator(`[data-checkout-best-add="${id}"]`);

describe('stock on the example storefront', () => {
  it('shows "Only 2 left", and after a shopper buys both, "Sold out" and a disabled add button', async () => {
    await setStock(2);
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    const add = addButton(page, 'ethiopia-guji');
    await page.waitForFunction(() => document.querySelector('[data-checkout-best-stock="ethiopia-guji"]')?.textContent === 'Only 2 left');
    assert.equal(await stockOf(page, 'house-blend').textContent(), '', 'unlimited stock says nothing');
    await page.screenshot({ path: `${SHOTS}/stock-only-2-left.png` });

    await add.click();
    const cart = drawer(page);
    await cart.getByText('Ethiopia Guji, 250 g').waitFor();
    await cart.getByRole('button', { name: 'Increase quantity of Ethiopia Guji, 250 g' }).click();
    await cart.getByText('$37.00').first().waitFor();
    await cart.getByRole('button', { name: /^checkout$/i }).click();
    const frame = checkoutFrame(page);
    await frame.getByLabel('Card number').waitFor({ timeout: 20_000 });
    await fillCard(frame, '4242 4242 4242 4242');
    await frame.getByRole('button', { name: /^Pay \$/ }).click();
    await frame.getByRole('heading', { name: 'Thank you! Your payment was received.' }).waitFor({ timeout: 20_000 });
    await frame.getByRole('button', { name: 'Continue shopping' }).click();
    await page.getByRole('dialog', { name: 'Secure checkout' }).waitFor({ state: 'hidden' });

    await page.waitForFunction(() => document.querySelector('[data-checkout-best-stock="ethiopia-guji"]')?.textContent === 'Sold out');
    assert.equal(await add.isDisabled(), true);
    assert.equal(await add.getAttribute('data-checkout-best-state'), 'sold-out');
    assert.equal(await add.getAttribute('aria-disabled'), 'true');
    assert.equal(await add.getAttribute('aria-label'), 'Add to cart (Sold out)');
    await page.screenshot({ path: `${SHOTS}/stock-sold-out.png` });
    guji = 0; // both sold

    // Stock back in: a fresh page offers it again.
    await setStock(3);
    await page.reload();
    await openShop(page, page.url());
    await page.waitForFunction(() => document.querySelector('[data-checkout-best-stock="ethiopia-guji"]')?.textContent === 'Only 3 left');
    assert.equal(await add.isDisabled(), false);
    assert.equal(await add.getAttribute('aria-label'), null);
  });

  it('speaks German on a German page, with the texts fetched as their own asset', async () => {
    await setStock(0);
    const page = await fx.newPage();
    const fetched: string[] = [];
    page.on('request', (r) => void (r.url().includes('/assets/widget-') && fetched.push(r.url())));
    await openGermanShop(page);
    await page.waitForFunction(() => document.querySelector('[data-checkout-best-stock="ethiopia-guji"]')?.textContent === 'Ausverkauft');
    assert.match(fetched.join(' '), /\/assets\/widget-de\.[0-9a-f]{10}\.json/);
    assert.equal(await addButton(page, 'ethiopia-guji').getAttribute('aria-label'), 'Add to cart (Ausverkauft)');
    await addButton(page, 'house-blend').click();
    await page.getByRole('dialog', { name: 'Ihr Warenkorb' }).getByText('Zwischensumme').waitFor();
    await page.screenshot({ path: `${SHOTS}/stock-german.png` });
  });

  it('falls back to English on a German page when the German texts cannot be fetched', async () => {
    await setStock(1);
    const page = await fx.newPage();
    await page.route('**/assets/widget-de.*.json', (route) => route.abort());
    await openGermanShop(page);
    await page.waitForFunction(() => document.querySelector('[data-checkout-best-stock="ethiopia-guji"]')?.textContent === 'Only 1 left');
    await addButton(page, 'house-blend').click();
    await page.getByRole('dialog', { name: 'Your cart' }).getByText('Subtotal').waitFor();
  });

  it('downloads no German texts on an English page', async () => {
    const page = await fx.newPage();
    const fetched: string[] = [];
    page.on('request', (r) => void fetched.push(r.url()));
    await openShop(page, `${fx.shop.url}/`);
    await page.waitForFunction(() => document.querySelector('[data-checkout-best-stock="ethiopia-guji"]')?.textContent === 'Only 1 left');
    assert.ok(!fetched.some((u) => u.includes('widget-de')), 'an English page downloads no German');
  });
});
