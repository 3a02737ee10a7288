import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, stripeError } from './helpers';

describe('stripe emulator: charges, expand and search', () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  let stripe: Stripe;
  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Charges');
    stripe = client(emu, acct.keys.test.secret);
  });
  after(() => emu.close());

  it('retrieves the charge behind a paid intent and lists charges by intent', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1200, currency: 'usd', confirm: true, payment_method: 'pm_card_mastercard' });
    assert.ok(typeof pi.latest_charge === 'string', 'latest_charge is an id unless expanded');
    const charge = await stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.payment_intent, pi.id);
    assert.equal(charge.amount, 1200);
    assert.equal(charge.paid, true);
    assert.equal(charge.status, 'succeeded');
    assert.equal(charge.payment_method_details?.card?.brand, 'mastercard');
    assert.equal(charge.payment_method_details?.card?.last4, '4444');
    const list = await stripe.charges.list({ payment_intent: pi.id });
    assert.deepEqual(
      list.data.map((c) => c.id),
      [charge.id],
    );
    const missing = await stripeError(() => stripe.charges.retrieve('ch_nope'));
    assert.equal(missing.code, 'resource_missing');
  });

  it('records a failed charge for a decline', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const err = await stripeError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' }));
    const charge = await stripe.charges.retrieve(String(err.charge));
    assert.equal(charge.status, 'failed');
    assert.equal(charge.failure_code, 'card_declined');
    assert.equal(charge.failure_message, 'Your card has insufficient funds.');
  });

  it('expands latest_charge and payment_method on request', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', expand: ['latest_charge'] });
    assert.equal((pi.latest_charge as Stripe.Charge).object, 'charge');
    const again = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge', 'payment_method'] });
    assert.equal((again.latest_charge as Stripe.Charge).amount, 1000);
    assert.equal((again.payment_method as Stripe.PaymentMethod).card?.last4, '4242');
    assert.equal(typeof (await stripe.paymentIntents.retrieve(pi.id)).latest_charge, 'string');
  });

  it('searches intents by metadata and status', async () => {
    const a = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { order_id: 'ord_A' } });
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { order_id: 'ord_B' } });
    const found = await stripe.paymentIntents.search({ query: "metadata['order_id']:'ord_A'" });
    assert.deepEqual(
      found.data.map((p) => p.id),
      [a.id],
    );
    const both = await stripe.paymentIntents.search({ query: "metadata['order_id']:'ord_A' AND status:'requires_payment_method'" });
    assert.deepEqual(
      both.data.map((p) => p.id),
      [a.id],
    );
    const none = await stripe.paymentIntents.search({ query: "metadata['order_id']:'ord_A' AND status:'succeeded'" });
    assert.equal(none.data.length, 0);
  });

  it('lets a restricted key read charges only with the charges permission', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const chargeId = pi.latest_charge;
    assert.ok(typeof chargeId === 'string', 'latest_charge is an id unless expanded');
    const without = client(emu, emu.createRestrictedKey(acct.id, 'test', { payment_intents: 'read' }));
    const err = await stripeError(() => without.charges.retrieve(chargeId));
    assert.match(err.message, /rak_charge_read/);
    const withIt = client(emu, emu.createRestrictedKey(acct.id, 'test', { charges: 'read' }));
    assert.equal((await withIt.charges.retrieve(chargeId)).id, chargeId);
  });
});
