import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, raw } from './helpers';

describe('stripe emulator: delayed payments (SEPA Direct Debit) stay processing until settled', () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  let stripe: Stripe;
  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Delayed');
    stripe = client(emu, acct.keys.test.secret);
  });
  after(() => emu.close());

  const eventsOf = async (id: string) =>
    (await stripe.events.list({ limit: 100 })).data
      .filter(
        (e) => (e.data.object as { id?: string; payment_intent?: string }).id === id || (e.data.object as { payment_intent?: string }).payment_intent === id,
      )
      .map((e) => e.type)
      .reverse();

  it('goes processing on confirm with the test PaymentMethod and succeeds with a charge when settled', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'eur', confirm: true, payment_method: 'pm_sepaDebit_processing' });
    assert.equal(pi.status, 'processing');
    assert.equal(pi.latest_charge, null);
    const settled = await raw(emu, 'POST', `/_emulator/payment_intents/${pi.id}/settle`, { key: acct.keys.test.secret, form: { outcome: 'succeeded' } });
    assert.equal(settled.status, 200);
    const after = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    assert.equal(after.status, 'succeeded');
    assert.equal(after.amount_received, 1500);
    const charge = after.latest_charge as Stripe.Charge;
    assert.equal(charge.status, 'succeeded');
    assert.equal(charge.payment_method_details?.type, 'sepa_debit');
    assert.equal(charge.payment_method_details?.sepa_debit?.last4, '3201');
    assert.deepEqual(await eventsOf(pi.id), ['payment_intent.created', 'payment_intent.processing', 'charge.succeeded', 'payment_intent.succeeded']);
  });

  it('takes the SEPA test IBAN from Stripe.js (publishable key) and fails back to requires_payment_method when settled as failed', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 900, currency: 'eur' });
    const confirmed = await raw(emu, 'POST', `/v1/payment_intents/${pi.id}/confirm`, {
      key: acct.keys.test.publishable,
      form: {
        client_secret: pi.client_secret!,
        'payment_method_data[type]': 'sepa_debit',
        'payment_method_data[sepa_debit][iban]': 'AT86 1904 3002 3547 3202',
      },
    });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.json));
    assert.equal(confirmed.json.status, 'processing');
    const failed = emu.settlePayment(pi.id, 'failed');
    assert.equal(failed.status, 'requires_payment_method');
    const after = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    assert.equal(after.status, 'requires_payment_method');
    assert.equal(after.last_payment_error?.code, 'insufficient_funds');
    assert.equal((after.latest_charge as Stripe.Charge).status, 'failed');
    assert.deepEqual((await eventsOf(pi.id)).slice(-2), ['charge.failed', 'payment_intent.payment_failed']);
  });

  it('refuses to settle an intent that is not processing, and refuses a publishable key', async () => {
    const card = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', confirm: true, payment_method: 'pm_card_visa' });
    const notProcessing = await raw(emu, 'POST', `/_emulator/payment_intents/${card.id}/settle`, {
      key: acct.keys.test.secret,
      form: { outcome: 'succeeded' },
    });
    assert.equal(notProcessing.status, 400);
    assert.equal(notProcessing.json.error.code, 'payment_intent_unexpected_state');
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', confirm: true, payment_method: 'pm_sepaDebit_processing' });
    const byShopper = await raw(emu, 'POST', `/_emulator/payment_intents/${pi.id}/settle`, {
      key: acct.keys.test.publishable,
      form: { client_secret: pi.client_secret!, outcome: 'succeeded' },
    });
    assert.notEqual(byShopper.status, 200);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'processing');
    const bad = await raw(emu, 'POST', `/_emulator/payment_intents/${pi.id}/settle`, { key: acct.keys.test.secret, form: { outcome: 'maybe' } });
    assert.equal(bad.status, 400);
  });
});
