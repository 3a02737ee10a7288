// What a shopper does on the demo storefront, in Playwright terms: used by the demo test and the screenshot
// script. Locators pierce the widget's open shadow root; the checkout runs in the overlay's iframe.
import type { FrameLocator, Page } from 'playwright-core';

/** Waits until the widget has mounted (its cart button or drawer is on the page). */
export async function waitForWidget(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: /open cart/i })
    .or(page.locator('[data-checkout-best-cart]'))
    .or(page.getByRole('dialog', { name: /cart/i }))
    .first()
    .waitFor();
}

async function itemCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const api = (window as unknown as { CheckoutBest: { getCart(): Promise<{ item_count: number } | null> } }).CheckoutBest;
    return (await api.getCart())?.item_count ?? 0;
  });
}

/** Clicks the storefront's add button for a product and waits until the server cart counts it. */
export async function addToCart(page: Page, productId: string): Promise<void> {
  await waitForWidget(page);
  // The drawer opens on add (data-open-on-add) and is modal: close it before pressing the page's next button.
  const drawer = page.getByRole('dialog', { name: /cart/i });
  if (await drawer.isVisible()) {
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  }
  const before = await itemCount(page);
  await page.locator(`[data-checkout-best-add="${productId}"]`).first().click();
  for (let i = 0; i < 100 && (await itemCount(page)) <= before; i++) await page.waitForTimeout(100);
  if ((await itemCount(page)) <= before) throw new Error(`Adding ${productId} did not change the cart`);
}

/** Opens the cart drawer (the widget's launcher, or the page's own cart button). */
export async function openCart(page: Page) {
  const drawer = page.getByRole('dialog', { name: /cart/i });
  if (!(await drawer.isVisible())) {
    const own = page.locator('[data-checkout-best-cart]');
    if (await own.count()) await own.first().click();
    else await page.getByRole('button', { name: /open cart|items? in cart/i }).click();
  }
  await drawer.waitFor({ state: 'visible' });
  return drawer;
}

/** Presses Checkout in the drawer and returns the checkout overlay's frame once its Pay button shows. */
export async function startCheckout(page: Page): Promise<FrameLocator> {
  const drawer = await openCart(page);
  await drawer.getByRole('button', { name: /^checkout$/i }).click();
  const frame = page.frameLocator('iframe[src*="/checkout/"]');
  await frame.getByRole('button', { name: /^pay /i }).waitFor({ state: 'visible', timeout: 20_000 });
  await frame.getByLabel('Card number').waitFor({ state: 'visible', timeout: 20_000 });
  return frame;
}

export { fillCard } from '../support/browser';

/** Types an address into the Address Element (the Stripe.js double's fields); Berlin unless told otherwise. */
export async function fillAddress(
  frame: FrameLocator,
  a: { name?: string; country?: string; line1?: string; city?: string; postal_code?: string } = {},
): Promise<void> {
  const country = a.country ?? 'DE';
  await frame.getByLabel('Country or region').selectOption(country);
  await frame.getByLabel('Full name').fill(a.name ?? 'Ada Lovelace');
  await frame.getByLabel('Address line 1').fill(a.line1 ?? 'Unter den Linden 1');
  await frame.getByLabel('City').fill(a.city ?? 'Berlin');
  await frame.getByLabel(country === 'US' ? 'ZIP' : 'Postal code').fill(a.postal_code ?? '10117');
}

/** Presses Pay. */
export async function pay(frame: FrameLocator): Promise<void> {
  await frame.getByRole('button', { name: /^pay /i }).click();
}
