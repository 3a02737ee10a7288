// The hosted checkout page on its own: 3-D Secure in the overlay, the return from a redirect-based
// payment method, and another language, with the Stripe.js double against the emulator.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStripeFactory } from '../../server/src/stripe/client';
import { openCheckout } from '../support/app';
import { checkoutFrame, drawer, eventsNamed, fillCard, openShop, recordEvents, startShop, type ShopFixture } from './storefront-fixture';

let fx: ShopFixture;
before(async () => {
  fx = await startShop();
});
after(async () => {
  await fx?.close();
});

/** A checkout session for one product, made over the public API as the widget does. */
const checkoutFor = (productId: string) => openCheckout(fx.server.url, fx.storeId, { origin: fx.shop.url, productId });

describe('hosted checkout page', () => {
  it('finishes a 3-D Secure card in the overlay and reports the order to the page', async () => {
    const page = await fx.newPage();
    await openShop(page, `${fx.shop.url}/`);
    await recordEvents(page);
    await page.locator('[data-checkout-best-add="ethiopia-guji"]').click();
    await drawer(page)
      .getByRole('button', { name: /^checkout$/i })
      .click();
    const frame = checkoutFrame(page);
    await fillCard(frame, '4000 0025 0000 3155');
    await frame.getByRole('button', { name: 'Pay $18.50' }).click();
    await frame.getByRole('button', { name: /complete/i }).click({ timeout: 20_000 });
    await frame.getByRole('heading', { name: /thank you/i }).waitFor({ timeout: 20_000 });
    const [order] = (await eventsNamed(page, 'checkout:completed')) as Array<{ amount: number }>;
    assert.equal(order?.amount, 1850);
  });

  it('completes the order when a redirect-based payment comes back to the page', async () => {
    const { token, url } = await checkoutFor('pour-over-kit');
    const intent = await (await fetch(`${fx.server.url}/api/checkout/${token}/payment-intent`, { method: 'POST' })).json();
    // What the bank's page does before it sends the shopper back: the PaymentIntent succeeds.
    // Webhooks held back, so the page itself must record the order through /complete.
    fx.emu.webhooks.pause();
    const page = await fx.newPage();
    try {
      const stripe = createStripeFactory({ apiUrl: fx.emu.url, timeoutMs: 5000, maxNetworkRetries: 0 }).forKey(fx.keys.secret);
      await stripe.paymentIntents.confirm(intent.payment_intent_id, { payment_method: 'pm_card_visa' });
      const back = new URLSearchParams({
        payment_intent: intent.payment_intent_id,
        payment_intent_client_secret: intent.client_secret,
        redirect_status: 'succeeded',
      });
      await page.goto(`${url}?${back}`);
      await page.getByRole('heading', { name: /thank you/i }).waitFor({ timeout: 20_000 });
    } finally {
      fx.emu.webhooks.resume();
    }
    const view = await (await fetch(`${fx.server.url}/api/checkout/${token}`)).json();
    assert.equal(view.status, 'paid');
    assert.match(await page.locator('[data-paid]').innerText(), /\$42\.00/);
    assert.doesNotMatch(page.url(), /payment_intent/, 'the return parameters are removed from the address bar');
    await page.getByRole('button', { name: 'Continue shopping' }).click();
    await page.waitForURL(`${fx.shop.url}/`);
  });

  it("speaks the shopper's language and formats money for their locale", async () => {
    const { url } = await checkoutFor('house-blend');
    const page = await fx.newPage();
    await page.goto(`${url}?locale=de-DE`);
    await page.getByRole('button', { name: /14,00\s\$ bezahlen/ }).waitFor({ timeout: 20_000 });
    await page.getByText('Testmodus').first().waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
  });
});
