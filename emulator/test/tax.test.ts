import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, stripeError } from './helpers';

const BERLIN = { line1: 'Unter den Linden 1', city: 'Berlin', postal_code: '10117', country: 'DE' };
const LA = { line1: '1 Main St', city: 'Los Angeles', postal_code: '90001', state: 'CA', country: 'US' };

describe('stripe emulator: Stripe Tax', () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  let stripe: Stripe;
  const calculate = (params: Partial<Stripe.Tax.CalculationCreateParams> = {}, s = stripe) =>
    s.tax.calculations.create({
      currency: 'eur',
      line_items: [{ amount: 5000, reference: 'tee', tax_behavior: 'exclusive' }],
      customer_details: { address: BERLIN, address_source: 'shipping' },
      ...params,
    });

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Tax');
    stripe = client(emu, acct.keys.test.secret);
    await stripe.tax.settings.update({ head_office: { address: { country: 'DE', postal_code: '10117' } } });
  });
  after(() => emu.close());

  it('starts pending with the head office missing, refuses calculations then, and is active once a head office is set', async () => {
    const fresh = client(emu, emu.createAccount('Fresh').keys.test.secret);
    const pending = await fresh.tax.settings.retrieve();
    assert.deepEqual(
      [pending.object, pending.status, pending.head_office, pending.status_details],
      ['tax.settings', 'pending', null, { pending: { missing_fields: ['head_office'] } }],
    );
    const refused = await stripeError(() => calculate({}, fresh));
    assert.deepEqual([refused.statusCode, refused.code], [400, 'stripe_tax_inactive']);
    const active = await fresh.tax.settings.update({ head_office: { address: { country: 'us', state: 'ca', postal_code: '94080' } } });
    assert.deepEqual([active.status, active.head_office?.address.country, active.head_office?.address.state], ['active', 'US', 'CA']);
    assert.equal((await fresh.tax.settings.retrieve()).status, 'active');
    // The other mode has settings of its own.
    assert.equal((await client(emu, emu.createAccount('Live').keys.live.secret).tax.settings.retrieve()).livemode, true);
  });

  it('adds exclusive tax at the destination rate, taxes shipping at the same rate and breaks it down', async () => {
    const calc = await calculate({ shipping_cost: { amount: 500, tax_behavior: 'exclusive' } });
    assert.match(calc.id!, /^taxcalc_/);
    // 5000 × 19% = 950, 500 × 19% = 95.
    assert.deepEqual([calc.tax_amount_exclusive, calc.tax_amount_inclusive, calc.amount_total], [1045, 0, 6545]);
    assert.deepEqual(calc.shipping_cost, { amount: 500, amount_tax: 95, tax_behavior: 'exclusive', tax_code: 'txcd_92010001' });
    assert.deepEqual(calc.tax_breakdown, [
      {
        amount: 1045,
        inclusive: false,
        taxability_reason: 'standard_rated',
        taxable_amount: 5500,
        tax_rate_details: { country: 'DE', state: null, percentage_decimal: '19.0', tax_type: 'vat', flat_amount: null, rate_type: 'percentage' },
      },
    ]);
    assert.deepEqual(calc.customer_details.address, { ...BERLIN, line2: null, state: null });
    assert.ok(calc.expires_at! > calc.tax_date);
    assert.deepEqual(await stripe.tax.calculations.retrieve(calc.id!), calc);
  });

  it('finds the tax inside inclusive prices, uses US state rates and the reduced rate of books in Germany, 0% elsewhere', async () => {
    const inclusive = await calculate({ line_items: [{ amount: 5000, reference: 'tee', tax_behavior: 'inclusive' }] });
    // 5000 × 19/119 = 798.3 → 798, inside the price.
    assert.deepEqual([inclusive.tax_amount_exclusive, inclusive.tax_amount_inclusive, inclusive.amount_total], [0, 798, 5000]);
    const ca = await calculate({ currency: 'usd', customer_details: { address: LA, address_source: 'shipping' } });
    assert.deepEqual(
      [ca.tax_amount_exclusive, ca.tax_breakdown[0].tax_rate_details.percentage_decimal, ca.tax_breakdown[0].tax_rate_details.state],
      [363, '7.25', 'CA'],
    );
    const ny = await calculate({
      currency: 'usd',
      line_items: [{ amount: 1000, reference: 'a' }],
      customer_details: { address: { ...LA, state: 'NY' }, address_source: 'shipping' },
    });
    assert.equal(ny.tax_amount_exclusive, 89); // 88.75 → 89
    const books = await calculate({
      line_items: [
        { amount: 2000, reference: 'book', tax_code: 'txcd_35010000' },
        { amount: 1000, reference: 'tee' },
      ],
    });
    assert.deepEqual(
      books.tax_breakdown.map((b) => [b.tax_rate_details.percentage_decimal, b.taxability_reason, b.amount]),
      [
        ['7.0', 'reduced_rated', 140],
        ['19.0', 'standard_rated', 190],
      ],
    );
    const jp = await calculate({ customer_details: { address: { country: 'JP', postal_code: '100-0001' }, address_source: 'shipping' } });
    assert.deepEqual([jp.tax_amount_exclusive, jp.tax_breakdown[0].taxability_reason], [0, 'not_collecting']);
  });

  it('refuses what Stripe refuses: no line items, a bad tax code, a US address without a postal code, an unknown calculation', async () => {
    assert.equal((await stripeError(() => calculate({ line_items: [] }))).code, 'parameter_missing');
    assert.equal((await stripeError(() => calculate({ line_items: [{ amount: 1, tax_code: 'books' }] }))).param, 'line_items[0][tax_code]');
    const us = await stripeError(() => calculate({ customer_details: { address: { country: 'US', state: 'CA' }, address_source: 'shipping' } }));
    assert.equal(us.code, 'customer_tax_location_invalid');
    assert.equal((await stripeError(() => stripe.tax.calculations.retrieve('taxcalc_nope'))).code, 'resource_missing');
  });

  it('makes one transaction per reference from a calculation, replays an Idempotency-Key and refuses a reused reference', async () => {
    const calc = await calculate({ shipping_cost: { amount: 500 } });
    const made = await stripe.tax.transactions.createFromCalculation({ calculation: calc.id!, reference: 'ord_1' }, { idempotencyKey: 'tax-ord_1' });
    assert.match(made.id, /^tax_/);
    assert.deepEqual(
      [made.object, made.type, made.reference, made.currency, made.shipping_cost?.amount_tax],
      ['tax.transaction', 'transaction', 'ord_1', 'eur', 95],
    );
    assert.deepEqual(
      made.line_items?.data.map((l) => [l.reference, l.amount, l.amount_tax]),
      [['tee', 5000, 950]],
    );
    const replay = await stripe.tax.transactions.createFromCalculation({ calculation: calc.id!, reference: 'ord_1' }, { idempotencyKey: 'tax-ord_1' });
    assert.equal(replay.id, made.id);
    const again = await stripeError(() => stripe.tax.transactions.createFromCalculation({ calculation: calc.id!, reference: 'ord_1' }));
    assert.deepEqual([again.statusCode, again.param], [400, 'reference']);
    assert.equal((await stripe.tax.transactions.retrieve(made.id)).id, made.id);
    const other = client(emu, emu.createAccount('Other').keys.test.secret);
    assert.equal((await stripeError(() => other.tax.transactions.createFromCalculation({ calculation: calc.id!, reference: 'x' }))).code, 'resource_missing');
  });
});
