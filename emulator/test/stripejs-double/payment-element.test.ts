// The Stripe.js double as @stripe/stripe-js sees it: loading, the Payment Element's DOM and events, validation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { saveScreenshot } from '../../../test/support/browser';
import { startDoubleFixture, fillCard, type DoubleFixture } from './fixture';

describe('Stripe.js double: loading and the Payment Element', () => {
  let fx: DoubleFixture;
  before(async () => {
    fx = await startDoubleFixture();
  });
  after(() => fx?.close());

  it('is what loadStripe resolves to, loaded from js.stripe.com/endive/stripe.js without a version warning', async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent);
    const seen = await page.evaluate(() => ({
      script: [...document.scripts].map((s) => s.src).find((src) => src.includes('stripe.com')),
      double: Boolean((window as unknown as { Stripe: { __double?: unknown } }).Stripe.__double),
      version: (window as unknown as { Stripe: { version: unknown } }).Stripe.version,
      wrappers: (window.testApp.stripe as unknown as { _wrappers: unknown[] })._wrappers,
      warnings: window.testApp.warnings,
      violations: window.testApp.violations,
    }));
    assert.equal(seen.script, 'https://js.stripe.com/endive/stripe.js');
    assert.equal(seen.double, true);
    assert.equal(seen.version, 'endive');
    assert.deepEqual(
      seen.wrappers.map((w) => (w as { name: string }).name),
      ['stripe-js'],
    );
    assert.deepEqual(seen.warnings, []);
    assert.deepEqual(seen.violations, []);
  });

  it('mounts labelled card inputs and emits ready, then change events shaped like Stripe.js', async () => {
    const page = await fx.openCheckout(await fx.createIntent());
    for (const label of ['Card number', 'Expiration date', 'Security code', 'Country']) {
      await page.getByLabel(label).waitFor();
    }
    assert.equal(await page.getByLabel('Expiration date').getAttribute('placeholder'), 'MM / YY');
    assert.deepEqual(await page.evaluate(() => window.testApp.events[0]), { type: 'ready', elementType: 'payment' });

    await page.getByLabel('Card number').click();
    await page.keyboard.type('4242');
    const firstChange = await page.evaluate(() => window.testApp.events.find((e) => e.type === 'change'));
    assert.deepEqual(firstChange, {
      type: 'change',
      elementType: 'payment',
      empty: false,
      complete: false,
      collapsed: false,
      value: { type: 'card' },
    });
    await page.keyboard.type('424242424242');
    await page.keyboard.type('1234123'); // auto-advanced: expiry then CVC
    assert.equal(await page.getByLabel('Card number').inputValue(), '4242 4242 4242 4242');
    assert.equal(await page.getByLabel('Expiration date').inputValue(), '12 / 34');
    assert.equal(await page.getByLabel('Security code').inputValue(), '123');
    const last = await page.evaluate(() => window.testApp.events.filter((e) => e.type === 'change').at(-1));
    assert.equal(last?.complete, true);
    assert.equal(last?.empty, false);
    assert.ok(await page.locator('#payment-element.StripeElement--complete').count());
    // The page's CSP has style-src 'self' (no inline styles), like the checkout page: the element is styled anyway.
    assert.equal(await page.getByLabel('Card number').evaluate((el) => getComputedStyle(el).borderTopLeftRadius), '5px');
    assert.deepEqual(await page.evaluate(() => window.testApp.violations), []);
    await page.evaluate(() => window.testApp.elements!.update({ appearance: { variables: { borderRadius: '10px' } } }));
    assert.equal(await page.getByLabel('Card number').evaluate((el) => getComputedStyle(el).borderTopLeftRadius), '10px');
    await saveScreenshot(page.locator('#payment-element'), 'stripejs-double-payment-element');
  });

  it('emits focus and blur once when focus enters and leaves the whole element', async () => {
    const page = await fx.openCheckout(await fx.createIntent());
    await page.getByLabel('Card number').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab'); // number → expiry → cvc → country
    await page.evaluate(() => window.testApp.payment!.blur());
    const kinds = await page.evaluate(() => window.testApp.events.filter((e) => e.type === 'focus' || e.type === 'blur').map((e) => e.type));
    assert.deepEqual(kinds, ['focus', 'blur']);
  });

  it("keeps keystrokes inside like Stripe's iframe, and reports Escape as an escape event", async () => {
    const page = await fx.openCheckout(await fx.createIntent());
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { pageSaw: string[] }).pageSaw = seen;
      for (const type of ['keydown', 'keyup', 'input']) document.addEventListener(type, () => seen.push(type));
    });
    await page.getByLabel('Card number').click();
    await page.keyboard.type('42');
    await page.keyboard.press('Escape');
    const pageSaw = await page.evaluate(() => (window as unknown as { pageSaw: string[] }).pageSaw);
    assert.deepEqual(pageSaw, []); // bubbling listeners only: capture listeners on the page still see them
    assert.equal(await page.getByLabel('Card number').inputValue(), '42');
    const escapes = await page.evaluate(() => window.testApp.events.filter((e) => e.type === 'escape').length);
    assert.equal(escapes, 1);
  });

  it('answers elements.submit() with a validation error while fields are incomplete, and shows it', async () => {
    const page = await fx.openCheckout(await fx.createIntent());
    const empty = await page.evaluate(() => window.testApp.elements!.submit());
    assert.deepEqual(empty, {
      error: { type: 'validation_error', code: 'incomplete_number', message: 'Your card number is incomplete.' },
    });
    await page.getByText('Your card number is incomplete.').waitFor();
    await page.getByText("Your card's expiration date is incomplete.").waitFor();
    await saveScreenshot(page.locator('#payment-element'), 'stripejs-double-validation-errors');

    await fillCard(page, '4242424242424242', '12 / 34', '');
    const noCvc = await page.evaluate(() => window.testApp.elements!.submit());
    assert.equal(noCvc.error?.code, 'incomplete_cvc');
    assert.equal(noCvc.error?.message, "Your card's security code is incomplete.");

    await page.getByLabel('Security code').fill('123');
    assert.deepEqual(await page.evaluate(() => window.testApp.elements!.submit()), { selectedPaymentMethod: 'card' });
  });

  it('rejects a number that fails the Luhn check and an expiry in the past', async () => {
    const page = await fx.openCheckout(await fx.createIntent());
    await fillCard(page, '4242424242424241', '01 / 20', '123');
    await page.getByText('Your card number is invalid.').waitFor();
    assert.equal(await page.getByLabel('Card number').getAttribute('aria-invalid'), 'true');
    const result = await page.evaluate(() => window.testApp.elements!.submit());
    assert.equal(result.error?.code, 'invalid_number');
    await page.getByLabel('Card number').fill('4242424242424242');
    const past = await page.evaluate(() => window.testApp.elements!.submit());
    assert.equal(past.error?.code, 'invalid_expiry_year_past');
  });

  it('unmounts and re-mounts with the typed values kept, and after destroy lets a new Payment Element be created', async () => {
    const page = await fx.openCheckout(await fx.createIntent());
    await page.getByLabel('Card number').fill('4242424242424242');
    await page.evaluate(() => window.testApp.payment!.unmount());
    assert.equal(await page.getByLabel('Card number').count(), 0);
    assert.equal(await page.locator('#payment-element.StripeElement').count(), 0);
    await page.evaluate(() => window.testApp.payment!.mount('#payment-element'));
    assert.equal(await page.getByLabel('Card number').inputValue(), '4242 4242 4242 4242');
    const twice = await page.evaluate(() => {
      try {
        window.testApp.elements!.create('payment');
        return 'created';
      } catch (e) {
        return (e as Error).message;
      }
    });
    assert.equal(twice, 'Can only create one Element of type payment.');
    await page.evaluate(() => window.testApp.payment!.destroy());
    assert.equal(await page.getByLabel('Card number').count(), 0);
    await page.evaluate(() => window.testApp.elements!.create('payment').mount('#payment-element'));
    assert.equal(await page.getByLabel('Card number').inputValue(), '');
  });

  it('speaks German when Stripe is created with locale de', async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { locale: 'de' });
    await page.getByLabel('Kartennummer').waitFor();
    assert.equal(await page.getByLabel('Ablaufdatum').getAttribute('placeholder'), 'MM / JJ');
    const result = await page.evaluate(() => window.testApp.elements!.submit());
    assert.equal(result.error?.code, 'incomplete_number');
    assert.equal(result.error?.message, 'Ihre Kartennummer ist unvollständig.');
    await page.getByText('Ihre Kartennummer ist unvollständig.').waitFor();
  });

  it('does not call the API when confirmPayment finds incomplete fields', async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent);
    const before = fx.emu.requests.length;
    const result = await page.evaluate(() =>
      window.testApp.stripe!.confirmPayment({
        elements: window.testApp.elements!,
        redirect: 'if_required',
      }),
    );
    assert.equal(result.error?.type, 'validation_error');
    assert.equal(result.error?.code, 'incomplete_number');
    assert.equal(fx.emu.requests.slice(before).filter((r) => r.path.includes('/confirm')).length, 0);
  });

  it('fires loaderror instead of ready for a client secret the account does not know', async () => {
    const intent = await fx.createIntent();
    const forged = { ...intent, client_secret: 'pi_000000000000000000000000_secret_nope' };
    const page = await fx.openCheckout(forged);
    const event = await page.evaluate(() => window.testApp.events.find((e) => e.type === 'loaderror'));
    assert.equal((event?.error as { type?: string } | undefined)?.type, 'invalid_request_error');
    assert.equal(await page.getByLabel('Card number').count(), 0);
  });
});
