// The Stripe.js double's Link Authentication and Address Elements: their DOM, change events, getValue,
// elements.submit() validation across the group, and confirmPayment sending the shipping address.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { StripeAddressElementOptions } from '@stripe/stripe-js';
import { saveScreenshot } from '../../../test/support/browser';
import { confirmInPage, fillCard, startDoubleFixture, type DoubleFixture } from './fixture';

const SHIPPING: StripeAddressElementOptions = { mode: 'shipping', allowedCountries: ['DE', 'AT'] };

/** The change events an Element emitted so far, without their `type` key. */
function changes(page: Page, which: 'linkEvents' | 'addressEvents') {
  return page.evaluate((key) => window.testApp[key].filter((e) => e.type === 'change').map(({ type: _, ...rest }) => rest), which);
}

async function fillAddress(page: Page, address: { name: string; line1: string; city: string; postal: string }) {
  await page.getByLabel('Full name').fill(address.name);
  await page.getByLabel('Address line 1').fill(address.line1);
  await page.getByLabel('City').fill(address.city);
  await page.getByLabel('Postal code').fill(address.postal);
}

/** Which input has the focus inside its Element's shadow root, by its label's text. */
function focusedLabel(page: Page) {
  return page.evaluate(() => {
    for (const host of document.querySelectorAll('.__PrivateStripeElement')) {
      const active = host.shadowRoot?.activeElement;
      if (active) return host.shadowRoot.querySelector(`label[for="${active.id}"]`)?.textContent ?? null;
    }
    return null;
  });
}

describe('Stripe.js double: the Link Authentication and Address Elements', () => {
  let fx: DoubleFixture;
  before(async () => {
    fx = await startDoubleFixture();
  });
  after(() => fx?.close());

  it('renders a labelled Email input that emits ready, focus, escape, blur and change events shaped like Stripe.js', async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { link: {} });
    const email = page.getByLabel('Email');
    assert.equal(await email.getAttribute('type'), 'email');
    assert.equal(await email.getAttribute('autocomplete'), 'email');
    await email.click();
    await page.keyboard.type('ada@');
    await page.keyboard.press('Escape');
    const all = await changes(page, 'linkEvents');
    assert.deepEqual(all.at(-1), { elementType: 'linkAuthentication', empty: false, complete: false, value: { email: 'ada@' } });
    await page.keyboard.type('example.com');
    assert.deepEqual((await changes(page, 'linkEvents')).at(-1), {
      elementType: 'linkAuthentication',
      empty: false,
      complete: true,
      value: { email: 'ada@example.com' },
    });
    await email.fill('');
    assert.deepEqual((await changes(page, 'linkEvents')).at(-1), { elementType: 'linkAuthentication', empty: true, complete: false, value: { email: '' } });
    await page.getByLabel('Card number').focus();
    const kinds = await page.evaluate(() => window.testApp.linkEvents.filter((e) => e.type !== 'change'));
    assert.deepEqual(kinds, [
      { type: 'ready', elementType: 'linkAuthentication' },
      { type: 'focus', elementType: 'linkAuthentication' },
      { type: 'escape', elementType: 'linkAuthentication' },
      { type: 'blur', elementType: 'linkAuthentication' },
    ]);
    // Stripe.js has no getValue() on this Element (see link-authentication.d.ts), so the double has none either.
    assert.equal(await page.evaluate(() => typeof (window.testApp.link as unknown as { getValue?: unknown }).getValue), 'undefined');
  });

  it('shows an invalid email once the field loses focus, and the message follows the value', async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { link: {} });
    await page.getByLabel('Email').fill('ada@example');
    assert.equal(await page.getByText('Your email address is invalid.').count(), 0, 'not while typing');
    await page.getByLabel('Card number').focus();
    await page.getByText('Your email address is invalid.').waitFor();
    assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Email').fill('ada@example.com');
    assert.equal(await page.getByText('Your email address is invalid.').count(), 0);
    assert.ok(await page.locator('#link-authentication-element.StripeElement--complete').count());
  });

  it("renders labelled address inputs and emits change events with the address in Stripe's shape", async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { address: SHIPPING });
    for (const label of ['Full name', 'Country or region', 'Address line 1', 'Address line 2', 'City', 'Region', 'Postal code']) {
      await page.getByLabel(label, { exact: true }).waitFor();
    }
    assert.equal(await page.getByLabel('Phone number').count(), 0, 'no phone field unless fields.phone is always');
    assert.deepEqual(await page.evaluate(() => window.testApp.addressEvents), [{ type: 'ready', elementType: 'address' }]);
    await page.getByLabel('Full name').fill('Ada Lovelace');
    assert.deepEqual((await changes(page, 'addressEvents')).at(-1), {
      elementType: 'address',
      elementMode: 'shipping',
      empty: false,
      complete: false,
      isNewAddress: false,
      value: { name: 'Ada Lovelace', address: { line1: '', line2: null, city: '', state: '', postal_code: '', country: 'DE' } },
    });
    await fillAddress(page, { name: 'Ada Lovelace', line1: 'Unter den Linden 1', city: 'Berlin', postal: '10117' });
    assert.deepEqual((await changes(page, 'addressEvents')).at(-1), {
      elementType: 'address',
      elementMode: 'shipping',
      empty: false,
      complete: true,
      isNewAddress: false,
      value: { name: 'Ada Lovelace', address: { line1: 'Unter den Linden 1', line2: null, city: 'Berlin', state: '', postal_code: '10117', country: 'DE' } },
    });
    assert.ok(await page.locator('#address-element.StripeElement--complete').count());
    assert.equal(await page.getByLabel('Address line 1').getAttribute('autocomplete'), 'shipping address-line1');
  });

  it('offers only the allowed countries, and falls back to the first one for a default country that is not allowed', async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { address: { ...SHIPPING, defaultValues: { name: 'Ada', address: { country: 'US' } } } });
    const select = page.getByLabel('Country or region');
    assert.deepEqual(await select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)), ['DE', 'AT']);
    assert.equal(await select.inputValue(), 'DE');
    await assert.rejects(select.selectOption('US', { timeout: 1000 }));
    assert.equal(await select.inputValue(), 'DE');
    await select.selectOption('AT');
    const last = (await changes(page, 'addressEvents')).at(-1) as { value: { address: { country: string } } };
    assert.equal(last.value.address.country, 'AT');
  });

  it('prefills defaultValues, reports them in a change event after ready, and labels state and ZIP for the US', async () => {
    const page = await fx.openCheckout(await fx.createIntent(), {
      link: { defaultValues: { email: 'ada@example.com' } },
      address: {
        mode: 'shipping',
        fields: { phone: 'always' },
        validation: { phone: { required: 'always' } },
        defaultValues: {
          name: 'Ada Lovelace',
          phone: '+1 555 0100',
          address: { line1: '1 Main St', line2: 'Apt 2', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' },
        },
      },
    });
    assert.equal(await page.getByLabel('Email').inputValue(), 'ada@example.com');
    assert.equal(await page.getByLabel('Full name').inputValue(), 'Ada Lovelace');
    assert.equal(await page.getByLabel('Country or region').inputValue(), 'US');
    assert.equal(await page.getByLabel('State', { exact: true }).inputValue(), 'IL');
    assert.equal(await page.getByLabel('ZIP', { exact: true }).inputValue(), '62701');
    assert.equal(await page.getByLabel('Phone number').inputValue(), '+1 555 0100');
    assert.deepEqual(await page.evaluate(() => window.testApp.linkEvents.map((e) => e.type)), ['ready', 'change']);
    assert.deepEqual((await changes(page, 'linkEvents'))[0], {
      elementType: 'linkAuthentication',
      empty: false,
      complete: true,
      value: { email: 'ada@example.com' },
    });
    assert.deepEqual(await page.evaluate(() => window.testApp.addressEvents.map((e) => e.type)), ['ready', 'change']);
    assert.deepEqual((await changes(page, 'addressEvents'))[0], {
      elementType: 'address',
      elementMode: 'shipping',
      empty: false,
      complete: true,
      isNewAddress: false,
      value: {
        name: 'Ada Lovelace',
        phone: '+1 555 0100',
        address: { line1: '1 Main St', line2: 'Apt 2', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' },
      },
    });
    // In the US the state is required (the double's guess: US, CA and AU), and so is the phone when asked for.
    await page.getByLabel('State', { exact: true }).fill('');
    await page.getByLabel('Phone number').fill('');
    const result = await page.evaluate(() => window.testApp.address!.getValue());
    assert.equal(result.complete, false);
    await page.getByText('Your state is incomplete.').waitFor();
    await page.getByText('Your phone number is incomplete.').waitFor();
  });

  it("resolves getValue() with complete, isNewAddress and the value, showing the missing fields' messages", async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { address: SHIPPING });
    await page.getByLabel('Full name').fill('Ada Lovelace');
    const partial = await page.evaluate(() => window.testApp.address!.getValue());
    assert.deepEqual(partial, {
      complete: false,
      isNewAddress: false,
      value: { name: 'Ada Lovelace', address: { line1: '', line2: null, city: '', state: '', postal_code: '', country: 'DE' } },
    });
    await page.getByText('Your address is incomplete.').waitFor();
    await page.getByText('Your city is incomplete.').waitFor();
    await page.getByText('Your postal code is incomplete.').waitFor();
    await fillAddress(page, { name: 'Ada Lovelace', line1: 'Ring 1', city: 'Wien', postal: '1010' });
    await page.getByLabel('Address line 2').fill('Top 3');
    assert.equal(await page.getByText('Your address is incomplete.').count(), 0);
    assert.deepEqual(await page.evaluate(() => window.testApp.address!.getValue()), {
      complete: true,
      isNewAddress: false,
      value: { name: 'Ada Lovelace', address: { line1: 'Ring 1', line2: 'Top 3', city: 'Wien', state: '', postal_code: '1010', country: 'DE' } },
    });
  });

  it('finds each mounted Element with getElement and answers null for the others', async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { address: SHIPPING });
    const found = await page.evaluate(() => {
      const { elements, payment, address } = window.testApp;
      return {
        payment: elements!.getElement('payment') === payment,
        address: elements!.getElement('address') === address,
        shipping: elements!.getElement('address', { mode: 'shipping' }) === address,
        billing: elements!.getElement('address', { mode: 'billing' }),
        link: elements!.getElement('linkAuthentication'),
      };
    });
    assert.deepEqual(found, { payment: true, address: true, shipping: true, billing: null, link: null });
  });

  it('makes elements.submit() refuse an empty email, then an incomplete address, showing the message and focusing the field', async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { link: {}, address: SHIPPING });
    await fillCard(page, '4242424242424242');
    const noEmail = await page.evaluate(() => window.testApp.elements!.submit());
    assert.deepEqual(noEmail, {
      error: { type: 'validation_error', code: 'incomplete_email', message: 'Your email address is incomplete.' },
    });
    await page.getByText('Your email address is incomplete.').waitFor();
    await page.getByText('Your full name is incomplete.').waitFor(); // every Element shows its errors
    assert.equal(await focusedLabel(page), 'Email');
    await saveScreenshot(page.locator('#form'), 'stripejs-double-address-validation');

    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Full name').fill('Ada Lovelace');
    const noStreet = await page.evaluate(() => window.testApp.elements!.submit());
    assert.deepEqual(noStreet, {
      error: { type: 'validation_error', code: 'incomplete_line1', message: 'Your address is incomplete.' },
    });
    assert.equal(await page.getByText('Your email address is incomplete.').count(), 0);
    assert.equal(await focusedLabel(page), 'Address line 1');

    await fillAddress(page, { name: 'Ada Lovelace', line1: 'Unter den Linden 1', city: 'Berlin', postal: '10117' });
    assert.deepEqual(await page.evaluate(() => window.testApp.elements!.submit()), { selectedPaymentMethod: 'card' });
  });

  it('does not confirm while the address is incomplete', async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent, { address: SHIPPING });
    await fillCard(page, '4242424242424242');
    const before = fx.emu.requests.length;
    const result = await confirmInPage(page);
    assert.equal(result.error?.type, 'validation_error');
    assert.equal(result.error?.code, 'incomplete_name');
    assert.equal(fx.emu.requests.slice(before).filter((r) => r.path.includes('/confirm')).length, 0);
  });

  it('sends the shipping Address Element as shipping on confirmPayment, and the PaymentIntent keeps it', async () => {
    const intent = await fx.createIntent(4200, 'eur');
    const page = await fx.openCheckout(intent, {
      link: { defaultValues: { email: 'ada@example.com' } },
      address: { mode: 'shipping', allowedCountries: ['DE', 'AT'], fields: { phone: 'always' } },
    });
    await fillAddress(page, { name: 'Ada Lovelace', line1: 'Unter den Linden 1', city: 'Berlin', postal: '10117' });
    await page.getByLabel('Phone number').fill('+49 30 1234567');
    await fillCard(page, '4242424242424242');
    await saveScreenshot(page, 'stripejs-double-link-address-payment');
    const sent = page.waitForRequest((req) => req.url().endsWith(`/v1/payment_intents/${intent.id}/confirm`));
    const result = await confirmInPage(page);
    const body = new URLSearchParams((await sent).postData() ?? '');
    assert.equal(body.get('shipping[name]'), 'Ada Lovelace');
    assert.equal(body.get('shipping[phone]'), '+49 30 1234567');
    assert.equal(body.get('shipping[address][line1]'), 'Unter den Linden 1');
    assert.equal(body.get('shipping[address][city]'), 'Berlin');
    assert.equal(body.get('shipping[address][postal_code]'), '10117');
    assert.equal(body.get('shipping[address][country]'), 'DE');
    assert.equal(body.has('shipping[address][line2]'), false, 'empty fields are left out');
    assert.equal(body.has('receipt_email'), false, "the Link Authentication Element's email is not sent as receipt_email");
    assert.equal(result.paymentIntent?.status, 'succeeded');
    assert.equal(result.paymentIntent?.shipping?.name, 'Ada Lovelace');
    const server = await fx.stripe.paymentIntents.retrieve(intent.id);
    assert.equal(server.status, 'succeeded');
    assert.deepEqual(server.shipping, {
      name: 'Ada Lovelace',
      phone: '+49 30 1234567',
      carrier: null,
      tracking_number: null,
      address: { line1: 'Unter den Linden 1', line2: null, city: 'Berlin', state: null, postal_code: '10117', country: 'DE' },
    });
  });

  it('keeps the shipping address on the PaymentIntent when the card is declined', async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent, { address: SHIPPING });
    await fillAddress(page, { name: 'Ada Lovelace', line1: 'Ring 1', city: 'Wien', postal: '1010' });
    await page.getByLabel('Country or region').selectOption('AT');
    await fillCard(page, '4000000000000002');
    const declined = await confirmInPage(page);
    assert.equal(declined.error?.code, 'card_declined');
    const server = await fx.stripe.paymentIntents.retrieve(intent.id);
    assert.equal(server.shipping?.address?.country, 'AT');
    assert.equal(server.shipping?.address?.city, 'Wien');
  });

  it("sends a billing Address Element as the payment method's billing details instead of shipping", async () => {
    const intent = await fx.createIntent();
    const page = await fx.openCheckout(intent, { address: { mode: 'billing', allowedCountries: ['DE'] } });
    assert.equal(await page.getByLabel('Address line 1').getAttribute('autocomplete'), 'billing address-line1');
    await fillAddress(page, { name: 'Ada Lovelace', line1: 'Unter den Linden 1', city: 'Berlin', postal: '10117' });
    await fillCard(page, '4242424242424242');
    const sent = page.waitForRequest((req) => req.url().endsWith(`/v1/payment_intents/${intent.id}/confirm`));
    const result = await confirmInPage(page);
    const body = new URLSearchParams((await sent).postData() ?? '');
    assert.equal(body.has('shipping[name]'), false);
    assert.equal(body.get('payment_method_data[billing_details][name]'), 'Ada Lovelace');
    assert.equal(body.get('payment_method_data[billing_details][address][line1]'), 'Unter den Linden 1');
    assert.equal(body.get('payment_method_data[billing_details][address][country]'), 'DE');
    assert.equal(result.paymentIntent?.status, 'succeeded');
    assert.equal((await fx.stripe.paymentIntents.retrieve(intent.id)).shipping, null);
  });

  it('speaks German when Stripe is created with locale de', async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { locale: 'de', link: {}, address: SHIPPING });
    for (const label of ['E-Mail', 'Vollständiger Name', 'Land oder Region', 'Adresszeile 1', 'Ort', 'Postleitzahl']) {
      await page.getByLabel(label, { exact: true }).waitFor();
    }
    await page.getByLabel('E-Mail').fill('ada@example.com');
    const result = await page.evaluate(() => window.testApp.elements!.submit());
    assert.equal(result.error?.message, 'Ihr Name ist unvollständig.', 'the address comes before the empty card fields');
    await page.getByText('Ihr Name ist unvollständig.').waitFor();
  });

  it('refuses an Address Element without a mode and a second one in the same mode, as Stripe.js does', async () => {
    const page = await fx.openCheckout(await fx.createIntent(), { address: SHIPPING });
    const messages = await page.evaluate(() =>
      [{} as never, { mode: 'shipping' }, { mode: 'billing' }].map((options) => {
        try {
          window.testApp.elements!.create('address', options as never);
          return 'created';
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      }),
    );
    assert.match(messages[0], /^IntegrationError: .*mode/);
    assert.match(messages[1], /^IntegrationError: Can only create one Element of type address/);
    assert.equal(messages[2], 'created');
  });
});
