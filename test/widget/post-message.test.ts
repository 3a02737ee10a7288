// Our frames post to exactly the page that framed them: a store with several allowed_origins gets no
// "target origin does not match" console line through a pay flow and an admin connect, a foreign
// parent_origin gets no message at all, and a superseded checkout offers "Start again" back to the cart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { saveScreenshot } from '../support/browser';
import { PRODUCTS, checkoutFrame, drawer, eventsNamed, fillCard, openShop, recordEvents, startShop, type ShopFixture } from './storefront-fixture';

let fx: ShopFixture;
before(async () => {
  fx = await startShop();
});
after(async () => {
  await fx?.close();
});

/** Another allowed origin of the stores below that is never the parent here. */
const OTHER = 'https://other-shop.example';

/** Collects console errors and warnings about postMessage targets, from the page and its frames. */
function watchPostMessage(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && /postMessage|target origin/i.test(m.text())) lines.push(m.text());
  });
  return lines;
}

/** Makes a store allowed on OTHER and on the storefront, with the catalog; the widget pages use it. */
async function multiOriginStore(name: string): Promise<string> {
  const store = await fx.server.createStore({ name, allowed_origins: [OTHER, fx.shop.url] });
  await fx.server.internal('PUT', `/stores/${store.id}/products`, { products: PRODUCTS });
  fx.useStore(store.id);
  return store.id;
}

/** Frames `url` on the page and returns the types of the messages our origin sends it within `ms`. */
async function messagesFromFrame(page: Page, url: string, ms: number): Promise<string[]> {
  return page.evaluate(
    ([src, from, wait]) =>
      new Promise<string[]>((resolve) => {
        const got: string[] = [];
        addEventListener('message', (e) => e.origin === from && got.push((e.data as { type: string }).type));
        const f = document.createElement('iframe');
        f.src = src;
        f.onload = () => setTimeout(() => resolve(got), wait);
        document.body.append(f);
      }),
    [url, new URL(fx.server.url).origin, ms] as const,
  );
}

describe('postMessage to exactly the framing page', () => {
  it('pays and connects a store with several allowed origins without a postMessage console error', async () => {
    const page = await fx.newPage();
    const problems = watchPostMessage(page);
    try {
      const storeId = await multiOriginStore('Two Origins Coffee');
      await fx.server.connectStore(storeId, fx.emu.createAccount('Two Origins Coffee').keys.test);
      await openShop(page, `${fx.shop.url}/`);
      await recordEvents(page);
      await page.locator('[data-checkout-best-add="house-blend"]').click();
      await drawer(page)
        .getByRole('button', { name: /^checkout$/i })
        .click();
      const frame = checkoutFrame(page);
      await fillCard(frame, '4242 4242 4242 4242');
      await frame.getByRole('button', { name: 'Pay $14.00' }).click();
      await frame.getByRole('heading', { name: 'Thank you! Your payment was received.' }).waitFor({ timeout: 20_000 });
      assert.equal((await eventsNamed(page, 'checkout:completed')).length, 1, 'the message reached the widget');
      await frame.getByRole('button', { name: 'Continue shopping' }).click();
      await page.getByRole('dialog', { name: 'Secure checkout' }).waitFor({ state: 'hidden' });

      const unconnected = await multiOriginStore('Two Origins Tea');
      await openShop(page, `${fx.shop.url}/api.html`);
      await recordEvents(page);
      await page.getByRole('button', { name: 'Merchant admin' }).click();
      const form = page.frameLocator('iframe[src*="/stripe/connect"]');
      const keys = fx.emu.createAccount('Two Origins Tea').keys.test;
      await form.getByLabel('Publishable key').fill(keys.publishable);
      await form.getByLabel('Secret key').fill(keys.secret);
      await form.getByRole('button', { name: 'Verify and connect' }).click();
      await page.waitForFunction(() => (window as any).__events.some(([n]: [string]) => n === 'stripe:connected'), null, { timeout: 20_000 });
      assert.deepEqual(await eventsNamed(page, 'stripe:connected'), [{ store_id: unconnected, is_live_mode: false }]);
      await form.getByRole('heading', { name: 'Stripe is connected' }).waitFor();
      // Framed, the success page has no "Back to …" button: the modal's own Close ends it.
      assert.equal(await form.getByRole('link', { name: /^Back to/ }).count(), 0);
      await saveScreenshot(page, 'merchant-admin-connected-framed');
      assert.deepEqual(problems, []);

      // The watcher does see a mismatch when there is one (so the empty list above means something).
      await page
        .frames()
        .find((f) => f.url().includes('/stripe/success/'))!
        .evaluate((o) => parent.postMessage({}, o), OTHER);
      await page.waitForTimeout(200);
      assert.equal(problems.length, 1, 'a wrong target origin is reported on the console');
    } finally {
      fx.useStore(fx.storeId);
    }
  });

  it('sends nothing to a page whose parent_origin is not one of the store origins', async () => {
    const page = await fx.newPage();
    const problems = watchPostMessage(page);
    await openShop(page, `${fx.shop.url}/`);
    await page.locator('[data-checkout-best-add="house-blend"]').click();
    await page.keyboard.press('Escape');
    const session = await page.evaluate(() => (window as any).CheckoutBest.checkout());
    await page.getByRole('button', { name: 'Close' }).click();
    const url = (parent: string) => `${session.url}?parent_origin=${encodeURIComponent(parent)}`;
    assert.deepEqual(await messagesFromFrame(page, url('https://evil.example'), 1500), []);
    assert.deepEqual(await messagesFromFrame(page, url(fx.shop.url), 1500), ['checkout-best:ready'], 'the control: the declared parent hears');
    assert.deepEqual(problems, []);
  });

  it('offers "Start again" when another tab replaced the checkout, and it goes back to the cart', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await recordEvents(page);
    await page.locator('[data-checkout-best-add="ethiopia-guji"]').click();
    await drawer(page)
      .getByRole('button', { name: /^checkout$/i })
      .click();
    const frame = checkoutFrame(page);
    await fillCard(frame, '4242 4242 4242 4242');
    // "Another tab": a newer checkout of the same cart creates its PaymentIntent, cancelling this one's.
    const cart = await page.evaluate(() => (window as any).CheckoutBest.getCart());
    const newer = await (
      await fetch(`${fx.server.url}/api/carts/${cart.id}/checkout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json();
    const intent = await fetch(`${fx.server.url}/api/checkout/${newer.token}/payment-intent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(intent.status, 200);
    // Pay by keyboard: it may be marked disabled already (the email went to the server after the other tab took
    // over, and the page said so), and pressing it must still end in the same words and event.
    await frame.getByRole('button', { name: 'Pay $18.50' }).focus();
    await page.keyboard.press('Enter');
    const alert = frame.getByRole('alert').filter({ hasText: 'replaced by a newer one' });
    await alert.waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'shopper-checkout-superseded');
    const [failure] = (await eventsNamed(page, 'checkout:failed')) as Array<{ code: string }>;
    assert.equal(failure?.code, 'checkout_superseded');
    await alert.getByRole('button', { name: 'Start again' }).click();
    await page.getByRole('dialog', { name: 'Secure checkout' }).waitFor({ state: 'hidden' });
    await drawer(page).getByText('Ethiopia Guji, 250 g').waitFor();
    await drawer(page)
      .getByRole('button', { name: /^checkout$/i })
      .click();
    await frame.getByRole('button', { name: 'Pay $18.50' }).waitFor({ timeout: 20_000 });
  });
});
