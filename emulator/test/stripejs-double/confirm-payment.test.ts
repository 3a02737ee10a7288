// stripe.confirmPayment through the double against the emulator: test cards, 3-D Secure, redirects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { saveScreenshot } from '../../../test/support/browser';
import { confirmInPage, startDoubleFixture, fillCard, type DoubleFixture } from './fixture';

describe('Stripe.js double: confirmPayment against the emulator', () => {
  let fx: DoubleFixture;
  before(async () => {
    fx = await startDoubleFixture();
  });
  after(() => fx?.close());

  it('succeeds with 4242 4242 4242 4242, calling the API with the publishable key, and the emulator agrees', async () => {
    const intent = await fx.createIntent(2500, 'eur');
    const page = await fx.openCheckout(intent);
    await fillCard(page, '4242 4242 4242 4242');
    const sent = page.waitForRequest((req) => req.url().endsWith(`/v1/payment_intents/${intent.id}/confirm`));
    const result = await confirmInPage(page, 'buyer@example.com');
    const body = new URLSearchParams((await sent).postData() ?? '');
    assert.equal((await sent).url(), `https://api.stripe.com/v1/payment_intents/${intent.id}/confirm`);
    assert.equal((await sent).headers()['authorization'], `Bearer ${fx.keys.publishable}`);
    assert.equal(body.get('client_secret'), intent.client_secret);
    assert.equal(body.get('payment_method_data[type]'), 'card');
    assert.equal(body.get('payment_method_data[card][number]'), '4242424242424242');
    assert.equal(body.get('payment_method_data[card][exp_month]'), '12');
    assert.equal(body.get('payment_method_data[card][exp_year]'), '2034');
    assert.equal(body.get('payment_method_data[card][cvc]'), '123');
    assert.equal(body.get('receipt_email'), 'buyer@example.com');
    assert.equal(result.error, undefined);
    assert.equal(result.paymentIntent?.id, intent.id);
    assert.equal(result.paymentIntent?.status, 'succeeded');
    assert.equal(result.paymentIntent?.amount, 2500);
    assert.equal((await fx.stripe.paymentIntents.retrieve(intent.id)).status, 'succeeded');
    const confirm = fx.emu.requests.find((r) => r.path === `/v1/payment_intents/${intent.id}/confirm`);
    assert.equal(confirm?.apiKey, fx.keys.publishable);
    assert.equal(confirm?.status, 200);
  });

  it("answers a declined card with Stripe's card_error, and a retry with 4242 succeeds", async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent);
    await fillCard(page, '4000 0000 0000 0002');
    const declined = await confirmInPage(page);
    assert.equal(declined.paymentIntent, undefined);
    assert.equal(declined.error?.type, 'card_error');
    assert.equal(declined.error?.code, 'card_declined');
    assert.equal(declined.error?.decline_code, 'generic_decline');
    assert.equal(declined.error?.message, 'Your card was declined.');
    assert.equal(declined.error?.payment_intent?.id, intent.id);
    assert.equal(declined.error?.payment_intent?.status, 'requires_payment_method');

    await page.getByLabel('Card number').fill('4242424242424242');
    const retried = await confirmInPage(page);
    assert.equal(retried.paymentIntent?.status, 'succeeded');
    assert.equal((await fx.stripe.paymentIntents.retrieve(intent.id)).status, 'succeeded');
  });

  it('reports a dropped connection as api_connection_error and a 500 as api_error, and a retry then succeeds', async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent);
    await fillCard(page, '4242424242424242');
    const path = `/v1/payment_intents/${intent.id}/confirm`;
    fx.emu.faults.enqueue({ kind: 'reset', method: 'POST', path });
    const dropped = await confirmInPage(page);
    assert.equal(dropped.error?.type, 'api_connection_error');
    fx.emu.faults.enqueue({ kind: '500', method: 'POST', path });
    const failed = await confirmInPage(page);
    assert.equal(failed.error?.type, 'api_error');
    assert.equal(await page.getByLabel('Card number').isEditable(), true); // not left read-only
    const retried = await confirmInPage(page);
    assert.equal(retried.paymentIntent?.status, 'succeeded');
  });

  it('shows a 3-D Secure challenge for 4000 0025 0000 3155 and succeeds when it is completed', async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent);
    await fillCard(page, '4000002500003155');
    const pending = confirmInPage(page);
    const dialog = page.getByRole('dialog', { name: '3D Secure test authentication' });
    await dialog.waitFor();
    await saveScreenshot(page, 'stripejs-double-3ds-modal');
    const complete = page.getByRole('button', { name: 'Complete authentication' });
    assert.equal(await complete.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), true);
    await page.keyboard.press('Enter'); // keyboard only: the primary button has focus
    const result = await pending;
    assert.equal(result.paymentIntent?.status, 'succeeded');
    assert.equal(await dialog.count(), 0);
    assert.equal((await fx.stripe.paymentIntents.retrieve(intent.id)).status, 'succeeded');
  });

  it('answers payment_intent_authentication_failure when the 3-D Secure challenge is failed', async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent);
    await fillCard(page, '4000002500003155');
    const pending = confirmInPage(page);
    await page.getByRole('button', { name: 'Fail authentication' }).click();
    const result = await pending;
    assert.equal(result.paymentIntent, undefined);
    assert.equal(result.error?.code, 'payment_intent_authentication_failure');
    assert.equal(result.error?.payment_intent?.status, 'requires_payment_method');
    const server = await fx.stripe.paymentIntents.retrieve(intent.id);
    assert.equal(server.status, 'requires_payment_method');
    assert.equal(server.last_payment_error?.code, 'payment_intent_authentication_failure');
  });

  it('treats Esc on the 3-D Secure challenge as a failed authentication and returns focus to the card field', async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent);
    await fillCard(page, '4000002500003155');
    const pending = confirmInPage(page);
    await page.getByRole('dialog', { name: '3D Secure test authentication' }).waitFor();
    await page.keyboard.press('Tab'); // the focus stays inside the dialog
    assert.equal(await page.getByRole('button', { name: 'Fail authentication' }).evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), true);
    await page.keyboard.press('Escape');
    const result = await pending;
    assert.equal(result.error?.code, 'payment_intent_authentication_failure');
    assert.equal(await page.getByLabel('Security code').evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), true);
  });

  it('navigates to return_url with payment_intent, its client secret and redirect_status when redirect is not if_required', async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent);
    await fillCard(page, '4242424242424242');
    const returnUrl = `${fx.pages.url}/return?order=42`;
    void page
      .evaluate(
        (url) =>
          window.testApp.stripe!.confirmPayment({
            elements: window.testApp.elements!,
            confirmParams: { return_url: url },
          }),
        returnUrl,
      )
      .catch(() => undefined);
    await page.waitForURL(/\/return\?/);
    const landed = new URL(page.url());
    assert.equal(landed.origin + landed.pathname, `${fx.pages.url}/return`);
    assert.equal(landed.searchParams.get('order'), '42');
    assert.equal(landed.searchParams.get('payment_intent'), intent.id);
    assert.equal(landed.searchParams.get('payment_intent_client_secret'), intent.client_secret);
    assert.equal(landed.searchParams.get('redirect_status'), 'succeeded');
    assert.equal((await fx.stripe.paymentIntents.retrieve(intent.id)).status, 'succeeded');
  });

  it('refuses to confirm without a return_url unless redirect is if_required, as Stripe.js does', async () => {
    const page = await fx.openCheckout(await fx.createIntent());
    await fillCard(page, '4242424242424242');
    const message = await page.evaluate(() =>
      window.testApp.stripe!.confirmPayment({ elements: window.testApp.elements! } as never).then(
        () => 'resolved',
        (error: Error) => `${error.name}: ${error.message}`,
      ),
    );
    assert.match(message, /^IntegrationError: .*return_url/);
  });

  it("works loaded from the emulator's own URL (as the offline demo does), talking to that origin", async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent, { stripeJsUrl: `${fx.emu.url}/endive/stripe.js` });
    const stripeHosts: string[] = [];
    page.on('request', (req) => {
      if (/^https:\/\/[^/]*stripe\.com\//.test(req.url())) stripeHosts.push(req.url());
    });
    const loaded = await page.evaluate(() => ({
      apiBase: (window as unknown as { Stripe: { __double: { apiBase: string } } }).Stripe.__double.apiBase,
      scripts: [...document.scripts].map((s) => s.src),
      warnings: window.testApp.warnings,
      violations: window.testApp.violations,
    }));
    assert.equal(loaded.apiBase, fx.emu.url);
    assert.ok(!loaded.scripts.some((src) => src.includes('stripe.com')), 'loadStripe used the Stripe already on the page');
    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(loaded.violations, []);
    await fillCard(page, '4242424242424242');
    const result = await confirmInPage(page);
    assert.equal(result.paymentIntent?.status, 'succeeded');
    assert.deepEqual(stripeHosts, []);
    assert.equal((await fx.stripe.paymentIntents.retrieve(intent.id)).status, 'succeeded');
  });

  it('retrieves the PaymentIntent with the client secret', async () => {
    const intent = await fx.createIntent(1234, 'usd');
    const page = await fx.openCheckout(intent);
    const result = await page.evaluate((secret) => window.testApp.stripe!.retrievePaymentIntent(secret), intent.client_secret!);
    assert.equal(result.paymentIntent?.id, intent.id);
    assert.equal(result.paymentIntent?.amount, 1234);
    assert.equal(result.paymentIntent?.status, 'requires_payment_method');
  });
});
