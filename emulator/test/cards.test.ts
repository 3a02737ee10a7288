import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startStripeEmulator, TEST_CARDS, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, raw, stripeError } from './helpers';

const DECLINES = [
  { number: '4000000000000002', pm: 'pm_card_chargeDeclined', code: 'card_declined', decline: 'generic_decline', message: 'Your card was declined.' },
  {
    number: '4000000000009995',
    pm: 'pm_card_chargeDeclinedInsufficientFunds',
    code: 'card_declined',
    decline: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  { number: '4000000000009987', pm: 'pm_card_chargeDeclinedLostCard', code: 'card_declined', decline: 'lost_card', message: 'Your card was declined.' },
  { number: '4000000000009979', pm: 'pm_card_chargeDeclinedStolenCard', code: 'card_declined', decline: 'stolen_card', message: 'Your card was declined.' },
  { number: '4000000000000069', pm: 'pm_card_chargeDeclinedExpiredCard', code: 'expired_card', decline: 'expired_card', message: 'Your card has expired.' },
  {
    number: '4000000000000127',
    pm: 'pm_card_chargeDeclinedIncorrectCvc',
    code: 'incorrect_cvc',
    decline: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
  },
  {
    number: '4000000000000119',
    pm: 'pm_card_chargeDeclinedProcessingError',
    code: 'processing_error',
    decline: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
];

describe('stripe emulator: test cards', () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  let stripe: Stripe;
  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Cards');
    stripe = client(emu, acct.keys.test.secret);
  });
  after(() => emu.close());

  /** Confirms a new intent the way the Stripe.js double does, with the card number. */
  async function confirmWithNumber(number: string, extra: Record<string, string> = {}) {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const res = await raw(emu, 'POST', `/v1/payment_intents/${pi.id}/confirm`, {
      key: acct.keys.test.publishable,
      form: {
        client_secret: pi.client_secret!,
        'payment_method_data[type]': 'card',
        'payment_method_data[card][number]': number,
        'payment_method_data[card][exp_month]': '12',
        'payment_method_data[card][exp_year]': '2034',
        'payment_method_data[card][cvc]': '123',
        ...extra,
      },
    });
    return { pi, res };
  }

  it('knows every test card both by number and by PaymentMethod id', () => {
    assert.equal(new Set(TEST_CARDS.map((c) => c.number)).size, TEST_CARDS.length);
    assert.ok(TEST_CARDS.length >= 14);
  });

  for (const card of TEST_CARDS.filter((c) => c.outcome.kind === 'succeed')) {
    it(`pays with ${card.brand} ${card.number} / ${card.paymentMethod}`, async () => {
      const byPm = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: card.paymentMethod });
      assert.equal(byPm.status, 'succeeded');
      const { res } = await confirmWithNumber(card.number);
      assert.equal(res.status, 200);
      assert.equal(res.json.status, 'succeeded');
    });
  }

  for (const d of DECLINES) {
    it(`declines ${d.number} / ${d.pm} with ${d.code} (${d.decline}) and leaves the intent requires_payment_method`, async () => {
      const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
      const err = await stripeError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: d.pm }));
      assert.equal(err.type, 'StripeCardError');
      assert.equal(err.statusCode, 402);
      assert.equal(err.code, d.code);
      assert.equal(err.decline_code, d.decline);
      assert.equal(err.message, d.message);
      assert.match(String(err.charge), /^ch_/);
      const after = await stripe.paymentIntents.retrieve(pi.id);
      assert.equal(after.status, 'requires_payment_method');
      assert.equal(after.payment_method, null);
      assert.equal(after.last_payment_error?.type, 'card_error');
      assert.equal(after.last_payment_error?.code, d.code);
      assert.equal(after.last_payment_error?.decline_code, d.decline);
      assert.equal(after.last_payment_error?.message, d.message);
      assert.equal(after.latest_charge, err.charge);
      const byNumber = await confirmWithNumber(d.number);
      assert.equal(byNumber.res.status, 402);
      assert.equal(byNumber.res.json.error.code, d.code);
      assert.equal(byNumber.res.json.error.payment_intent.status, 'requires_payment_method');
      // A declined intent can be paid afterwards with another card, as on Stripe.
      assert.equal((await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' })).status, 'succeeded');
    });
  }

  it('refuses a card number that fails the Luhn check with incorrect_number', async () => {
    const { res } = await confirmWithNumber('4242424242424241');
    assert.equal(res.status, 402);
    assert.equal(res.json.error.code, 'incorrect_number');
    assert.equal(res.json.error.message, 'Your card number is incorrect.');
  });

  it('refuses an expiry in the past', async () => {
    const { res } = await confirmWithNumber('4242424242424242', { 'payment_method_data[card][exp_year]': '2001' });
    assert.equal(res.status, 402);
    assert.equal(res.json.error.code, 'invalid_expiry_year');
  });

  it('declines a real (non-test) card number in test mode', async () => {
    const { res } = await confirmWithNumber('4111111111111111'.replace(/1$/, '1'));
    assert.equal(res.status, 402);
    assert.equal(res.json.error.decline_code, 'test_mode_live_card');
  });

  for (const number of ['4000002500003155', '4000002760003184', '4000000000003220']) {
    it(`asks for 3-D Secure with ${number} and completes it through the emulator endpoint`, async () => {
      const { pi, res } = await confirmWithNumber(number);
      assert.equal(res.status, 200);
      assert.equal(res.json.status, 'requires_action');
      assert.equal(res.json.next_action.type, 'use_stripe_sdk');
      assert.equal(res.json.next_action.use_stripe_sdk.type, 'three_d_secure_redirect');
      assert.equal(res.json.next_action.use_stripe_sdk.stripe_js, `${emu.url}/_emulator/3ds/${pi.id}`);
      const done = await raw(emu, 'POST', `/_emulator/payment_intents/${pi.id}/authenticate`, {
        key: acct.keys.test.publishable,
        form: { client_secret: pi.client_secret!, outcome: 'complete' },
      });
      assert.equal(done.status, 200);
      assert.equal(done.json.status, 'succeeded');
      assert.equal(done.json.next_action, null);
    });
  }

  it('sends a failed 3-D Secure back to requires_payment_method with payment_intent_authentication_failure', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_authenticationRequired' });
    assert.equal(pi.status, 'requires_action');
    const failed = await raw(emu, 'POST', `/_emulator/payment_intents/${pi.id}/authenticate`, {
      key: acct.keys.test.publishable,
      form: { client_secret: pi.client_secret!, outcome: 'fail' },
    });
    assert.equal(failed.status, 200);
    const after = await stripe.paymentIntents.retrieve(pi.id);
    assert.equal(after.status, 'requires_payment_method');
    assert.equal(after.last_payment_error?.code, 'payment_intent_authentication_failure');
    const again = await raw(emu, 'POST', `/_emulator/payment_intents/${pi.id}/authenticate`, {
      key: acct.keys.test.publishable,
      form: { client_secret: pi.client_secret!, outcome: 'complete' },
    });
    assert.equal(again.status, 400);
    assert.equal(again.json.error.code, 'payment_intent_unexpected_state');
  });

  it('serves a 3-D Secure test page at the next_action URL', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_threeDSecure2Required' });
    const res = await fetch(`${emu.url}/_emulator/3ds/${pi.id}`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Complete authentication/);
  });
});
