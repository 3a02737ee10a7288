import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, startReceiver, stripeError } from './helpers';

describe('stripe emulator: refunds and balance', () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  let stripe: Stripe;
  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Refunds');
    stripe = client(emu, acct.keys.test.secret);
  });
  after(() => emu.close());

  const paid = () => stripe.paymentIntents.create({ amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });

  it('refunds part of a payment, then the rest, then refuses more', async () => {
    const pi = await paid();
    const part = await stripe.refunds.create({ payment_intent: pi.id, amount: 2000, reason: 'requested_by_customer', metadata: { why: 'size' } });
    assert.match(part.id, /^re_/);
    assert.equal(part.amount, 2000);
    assert.equal(part.status, 'succeeded');
    assert.equal(part.payment_intent, pi.id);
    assert.equal(part.charge, pi.latest_charge);
    assert.equal(part.reason, 'requested_by_customer');
    assert.deepEqual(part.metadata, { why: 'size' });
    const tooMuch = await stripeError(() => stripe.refunds.create({ payment_intent: pi.id, amount: 3001 }));
    assert.equal(tooMuch.code, 'amount_too_large');
    assert.ok(typeof pi.latest_charge === 'string', 'latest_charge is an id unless expanded');
    const rest = await stripe.refunds.create({ charge: pi.latest_charge });
    assert.equal(rest.amount, 3000);
    const again = await stripeError(() => stripe.refunds.create({ payment_intent: pi.id }));
    assert.equal(again.code, 'charge_already_refunded');
    assert.equal((await stripe.refunds.retrieve(part.id)).id, part.id);
    const list = await stripe.refunds.list({ payment_intent: pi.id });
    assert.deepEqual(
      list.data.map((r) => r.id),
      [rest.id, part.id],
    );
  });

  it('refuses to refund an intent that has not succeeded, or an unknown one', async () => {
    const open = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const err = await stripeError(() => stripe.refunds.create({ payment_intent: open.id }));
    assert.equal(err.statusCode, 400);
    assert.equal(err.code, 'charge_not_refundable');
    const missing = await stripeError(() => stripe.refunds.create({ payment_intent: 'pi_nope' }));
    assert.equal(missing.code, 'resource_missing');
    const none = await stripeError(() => stripe.refunds.create({}));
    assert.equal(none.statusCode, 400);
  });

  it('emits refund.created and charge.refunded with the refunded amount', async () => {
    const receiver = await startReceiver();
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['charge.refunded', 'refund.created'] });
    const pi = await paid();
    await stripe.refunds.create({ payment_intent: pi.id, amount: 1500 });
    await emu.webhooks.idle();
    const events = receiver.received.map((r) => stripe.webhooks.constructEvent(r.body, r.signature, endpoint.secret!));
    assert.deepEqual(
      events.map((e) => e.type),
      ['refund.created', 'charge.refunded'],
    );
    const charge = events[1].data.object as Stripe.Charge;
    assert.equal(charge.id, pi.latest_charge);
    assert.equal(charge.amount_refunded, 1500);
    assert.equal(charge.refunded, false);
    assert.equal(charge.payment_intent, pi.id);
    await stripe.webhookEndpoints.del(endpoint.id);
    await receiver.close();
  });

  it('shows payments minus refunds in the balance, per account and mode', async () => {
    const shop = emu.createAccount('Balance');
    const s = client(emu, shop.keys.test.secret);
    const empty = await s.balance.retrieve();
    assert.deepEqual(empty.pending, [{ amount: 0, currency: 'usd', source_types: { card: 0 } }]);
    const pi = await s.paymentIntents.create({ amount: 4000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    await s.paymentIntents.create({ amount: 1000, currency: 'eur', confirm: true, payment_method: 'pm_card_visa' });
    await s.refunds.create({ payment_intent: pi.id, amount: 500 });
    const balance = await s.balance.retrieve();
    assert.equal(balance.object, 'balance');
    assert.equal(balance.livemode, false);
    assert.deepEqual(
      balance.pending.map((b) => [b.currency, b.amount]),
      [
        ['usd', 3500],
        ['eur', 1000],
      ],
    );
    const live = await client(emu, shop.keys.live.secret).balance.retrieve();
    assert.equal(live.livemode, true);
    assert.equal(live.pending[0].amount, 0);
  });
});
