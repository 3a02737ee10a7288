import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, raw, stripeError } from './helpers';

describe('stripe emulator: PaymentIntents', () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  let stripe: Stripe;
  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Shop');
    stripe = client(emu, acct.keys.test.secret);
  });
  after(() => emu.close());

  it('creates an intent with amount, currency, metadata and a client secret', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 2599,
      currency: 'EUR',
      metadata: { order: 'o_1', cart: 'c 2' },
      description: 'Order o_1',
      receipt_email: 'a@example.com',
      automatic_payment_methods: { enabled: true },
    });
    assert.match(pi.id, /^pi_/);
    assert.equal(pi.object, 'payment_intent');
    assert.equal(pi.amount, 2599);
    assert.equal(pi.currency, 'eur');
    assert.equal(pi.status, 'requires_payment_method');
    assert.deepEqual(pi.metadata, { order: 'o_1', cart: 'c 2' });
    assert.equal(pi.description, 'Order o_1');
    assert.equal(pi.receipt_email, 'a@example.com');
    assert.ok(pi.client_secret?.startsWith(`${pi.id}_secret_`));
    assert.equal(pi.livemode, false);
    assert.deepEqual(pi.automatic_payment_methods, { allow_redirects: 'always', enabled: true });
    const again = await stripe.paymentIntents.retrieve(pi.id);
    assert.deepEqual(again, pi);
  });

  it('marks live-mode intents livemode', async () => {
    const pi = await client(emu, acct.keys.live.secret).paymentIntents.create({ amount: 1000, currency: 'usd' });
    assert.equal(pi.livemode, true);
  });

  it('refuses a create without amount or currency with parameter_missing', async () => {
    const noAmount = await stripeError(() => stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams));
    assert.equal(noAmount.statusCode, 400);
    assert.equal(noAmount.type, 'StripeInvalidRequestError');
    assert.equal(noAmount.code, 'parameter_missing');
    assert.equal(noAmount.param, 'amount');
    assert.equal(noAmount.message, 'Missing required param: amount.');
    const noCurrency = await stripeError(() => stripe.paymentIntents.create({ amount: 1000 } as Stripe.PaymentIntentCreateParams));
    assert.equal(noCurrency.code, 'parameter_missing');
    assert.equal(noCurrency.param, 'currency');
  });

  it('refuses amounts below the currency minimum with amount_too_small', async () => {
    for (const [currency, amount, text] of [
      ['usd', 49, '$0.50 usd'],
      ['eur', 49, '€0.50 eur'],
      ['gbp', 29, '£0.30 gbp'],
    ] as const) {
      const err = await stripeError(() => stripe.paymentIntents.create({ amount, currency }));
      assert.equal(err.code, 'amount_too_small');
      assert.equal(err.param, 'amount');
      assert.equal(err.message, `Amount must be at least ${text}`);
    }
    assert.equal((await stripe.paymentIntents.create({ amount: 30, currency: 'gbp' })).amount, 30);
  });

  it('refuses a non-integer amount, an unknown currency and an unknown parameter', async () => {
    const res = await raw(emu, 'POST', '/v1/payment_intents', { key: acct.keys.test.secret, form: { amount: '10.5', currency: 'usd' } });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'parameter_invalid_integer');
    const currency = await stripeError(() => stripe.paymentIntents.create({ amount: 1000, currency: 'xyz' }));
    assert.equal(currency.param, 'currency');
    const unknown = await stripeError(() => stripe.paymentIntents.create({ amount: 1000, currency: 'usd', colour: 'red' } as Stripe.PaymentIntentCreateParams));
    assert.equal(unknown.code, 'parameter_unknown');
    assert.equal(unknown.message, 'Received unknown parameter: colour');
  });

  it('updates amount, metadata (merging, empty value deletes) and receipt_email', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { a: '1', b: '2' } });
    const updated = await stripe.paymentIntents.update(pi.id, { amount: 1500, metadata: { b: '', c: '3' }, receipt_email: 'x@example.com' });
    assert.equal(updated.amount, 1500);
    assert.deepEqual(updated.metadata, { a: '1', c: '3' });
    assert.equal(updated.receipt_email, 'x@example.com');
    const tooSmall = await stripeError(() => stripe.paymentIntents.update(pi.id, { amount: 10 }));
    assert.equal(tooSmall.code, 'amount_too_small');
  });

  it('refuses to change the amount of a succeeded intent but still updates its metadata', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    assert.equal(pi.status, 'succeeded');
    const err = await stripeError(() => stripe.paymentIntents.update(pi.id, { amount: 2000 }));
    assert.equal(err.code, 'payment_intent_unexpected_state');
    const updated = await stripe.paymentIntents.update(pi.id, { metadata: { order: 'o_9' } });
    assert.deepEqual(updated.metadata, { order: 'o_9' });
  });

  it("keeps shipping and receipt_email in Stripe's shapes, clears them with empty strings, and copies them to the charge", async () => {
    const shipping: Stripe.PaymentIntentUpdateParams.Shipping = {
      name: 'Ada Lovelace',
      phone: '+49 30 1234',
      address: { line1: 'Unter den Linden 1', line2: '', city: 'Berlin', state: '', postal_code: '10117', country: 'de' },
    };
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', shipping });
    assert.deepEqual(pi.shipping, {
      address: { city: 'Berlin', country: 'DE', line1: 'Unter den Linden 1', line2: null, postal_code: '10117', state: null },
      carrier: null,
      name: 'Ada Lovelace',
      phone: '+49 30 1234',
      tracking_number: null,
    });
    const cleared = await stripe.paymentIntents.update(pi.id, { shipping: '', receipt_email: '' });
    assert.equal(cleared.shipping, null);
    assert.equal(cleared.receipt_email, null);
    await stripe.paymentIntents.update(pi.id, { shipping, receipt_email: 'ada@example.com' });
    const paid = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    const charge = await stripe.charges.retrieve(paid.latest_charge as string);
    assert.equal(charge.receipt_email, 'ada@example.com');
    assert.equal(charge.shipping?.address?.city, 'Berlin');
    const missing = await stripeError(() =>
      stripe.paymentIntents.update(pi.id, { metadata: { a: '1' }, shipping: { name: 'X' } as Stripe.PaymentIntentUpdateParams.Shipping }),
    );
    assert.equal(missing.code, 'payment_intent_unexpected_state', 'shipping is fixed once paid');
    const badEmail = await stripeError(() => stripe.paymentIntents.create({ amount: 1000, currency: 'eur', receipt_email: 'not-an-email' }));
    assert.equal(badEmail.code, 'email_invalid');
    const noLine1 = await stripeError(() => stripe.paymentIntents.create({ amount: 1000, currency: 'eur', shipping: { name: 'A', address: { city: 'B' } } }));
    assert.equal(noLine1.code, 'parameter_missing');
  });

  it('records a receipt for a payment with a receipt_email, and none without', async () => {
    const before = emu.receipts.length;
    const pi = await stripe.paymentIntents.create({
      amount: 1200,
      currency: 'usd',
      receipt_email: 'grace@example.com',
      confirm: true,
      payment_method: 'pm_card_visa',
    });
    await stripe.paymentIntents.create({ amount: 1300, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    assert.equal(emu.receipts.length, before + 1);
    const receipt = emu.receipts.at(-1)!;
    assert.deepEqual(
      {
        account: receipt.account,
        payment_intent: receipt.payment_intent,
        charge: receipt.charge,
        email: receipt.email,
        amount: receipt.amount,
        currency: receipt.currency,
        livemode: receipt.livemode,
      },
      { account: acct.id, payment_intent: pi.id, charge: pi.latest_charge, email: 'grace@example.com', amount: 1200, currency: 'usd', livemode: false },
    );
  });

  it('refuses every update of a canceled intent', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await stripe.paymentIntents.cancel(pi.id);
    const err = await stripeError(() => stripe.paymentIntents.update(pi.id, { metadata: { a: '1' } }));
    assert.equal(err.code, 'payment_intent_unexpected_state');
  });

  it('confirms with a test PaymentMethod id and records a charge', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const done = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    assert.equal(done.status, 'succeeded');
    assert.equal(done.amount_received, 1000);
    assert.ok(typeof done.latest_charge === 'string' && typeof done.payment_method === 'string', 'ids unless expanded');
    assert.match(done.latest_charge, /^ch_/);
    assert.match(done.payment_method, /^pm_/);
    assert.equal(done.last_payment_error, null);
  });

  it('confirms like Stripe.js: publishable key, client_secret and card details in payment_method_data', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const res = await raw(emu, 'POST', `/v1/payment_intents/${pi.id}/confirm`, {
      key: acct.keys.test.publishable,
      form: {
        client_secret: pi.client_secret!,
        'payment_method_data[type]': 'card',
        'payment_method_data[card][number]': '4242 4242 4242 4242',
        'payment_method_data[card][exp_month]': '12',
        'payment_method_data[card][exp_year]': '34',
        'payment_method_data[card][cvc]': '123',
        return_url: 'http://127.0.0.1/done',
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.status, 'succeeded');
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'succeeded');
  });

  it('lets a publishable key retrieve and confirm only with the matching client_secret', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const pk = client(emu, acct.keys.test.publishable);
    const seen = await pk.paymentIntents.retrieve(pi.id, { client_secret: pi.client_secret! });
    assert.equal(seen.id, pi.id);
    const wrong = await stripeError(() => pk.paymentIntents.retrieve(pi.id, { client_secret: `${pi.id}_secret_nope` }));
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.param, 'client_secret');
    const none = await stripeError(() => pk.paymentIntents.retrieve(pi.id));
    assert.match(none.message, /publishable API key/);
    const confirmed = await pk.paymentIntents.confirm(pi.id, {
      client_secret: pi.client_secret!,
      payment_method: 'pm_card_visa',
    } as Stripe.PaymentIntentConfirmParams);
    assert.equal(confirmed.status, 'succeeded');
  });

  it('refuses to confirm without a payment method, or twice', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const missing = await stripeError(() => stripe.paymentIntents.confirm(pi.id));
    assert.equal(missing.code, 'payment_intent_unexpected_state');
    await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    const twice = await stripeError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' }));
    assert.equal(twice.code, 'payment_intent_unexpected_state');
    assert.match(twice.message, /already succeeded/);
    assert.equal((twice.raw as { payment_intent?: { id: string } }).payment_intent?.id, pi.id);
  });

  it('confirms an intent created with a payment method in one step, and with confirm=true', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_mastercard' });
    assert.equal(pi.status, 'requires_confirmation');
    assert.equal((await stripe.paymentIntents.confirm(pi.id)).status, 'succeeded');
  });

  it('refuses an unknown PaymentMethod id with resource_missing', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const err = await stripeError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_nope' }));
    assert.equal(err.code, 'resource_missing');
    assert.equal(err.param, 'payment_method');
  });

  it('cancels an open intent and refuses to cancel a succeeded one', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const canceled = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'abandoned' });
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.cancellation_reason, 'abandoned');
    assert.equal(typeof canceled.canceled_at, 'number');
    const confirmCanceled = await stripeError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' }));
    assert.equal(confirmCanceled.code, 'payment_intent_unexpected_state');
    const paid = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const err = await stripeError(() => stripe.paymentIntents.cancel(paid.id));
    assert.equal(err.code, 'payment_intent_unexpected_state');
    assert.match(err.message, /status of succeeded/);
  });

  it('answers 404 resource_missing for an unknown intent', async () => {
    const err = await stripeError(() => stripe.paymentIntents.retrieve('pi_doesnotexist'));
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'resource_missing');
  });

  it('lists newest first with limit, starting_after, ending_before and created filters', async () => {
    const shop = emu.createAccount('Lister');
    const s = client(emu, shop.keys.test.secret);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await s.paymentIntents.create({ amount: 1000 + i, currency: 'usd' })).id);
    const first = await s.paymentIntents.list({ limit: 2 });
    assert.equal(first.object, 'list');
    assert.equal(first.url, '/v1/payment_intents');
    assert.deepEqual(
      first.data.map((p) => p.id),
      [made[4], made[3]],
    );
    assert.equal(first.has_more, true);
    const second = await s.paymentIntents.list({ limit: 2, starting_after: made[3] });
    assert.deepEqual(
      second.data.map((p) => p.id),
      [made[2], made[1]],
    );
    const last = await s.paymentIntents.list({ limit: 2, starting_after: made[1] });
    assert.deepEqual(
      last.data.map((p) => p.id),
      [made[0]],
    );
    assert.equal(last.has_more, false);
    const back = await s.paymentIntents.list({ limit: 2, ending_before: made[1] });
    assert.deepEqual(
      back.data.map((p) => p.id),
      [made[3], made[2]],
    );
    const all: string[] = [];
    for await (const pi of s.paymentIntents.list({ limit: 2 })) all.push(pi.id);
    assert.deepEqual(all, [...made].reverse());
    const created = (await s.paymentIntents.retrieve(made[0])).created;
    assert.equal((await s.paymentIntents.list({ created: { gte: created }, limit: 100 })).data.length, 5);
    assert.equal((await s.paymentIntents.list({ created: { gt: created + 1000 } })).data.length, 0);
    const badLimit = await stripeError(() => s.paymentIntents.list({ limit: 101 }));
    assert.equal(badLimit.param, 'limit');
  });
});
