import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { linesAfterDiscount } from '../../server/src/payments/checkout-tax';
import { taxLinesOf } from '../../server/src/payments/stripe-tax';
import { parseTaxSettings } from '../../server/src/payments/tax';

type Breakdown = Stripe.Tax.Calculation.TaxBreakdown;
const entry = (amount: number, percentage_decimal: string, over: Partial<Breakdown['tax_rate_details']> = {}, inclusive = false): Breakdown => ({
  amount,
  inclusive,
  taxability_reason: 'standard_rated',
  taxable_amount: 0,
  tax_rate_details: { country: 'DE', state: null, percentage_decimal, tax_type: 'vat', flat_amount: null, rate_type: 'percentage', ...over },
});

describe("a Stripe Tax calculation's breakdown as tax lines", () => {
  it('names each line by tax type and place, sums entries of one rate, and leaves out entries of no tax', () => {
    const lines = taxLinesOf({
      tax_breakdown: [
        entry(950, '19.0'),
        entry(95, '19.0'),
        entry(140, '7.0'),
        entry(0, '0.0', { country: 'JP' }),
        entry(363, '7.25', { country: 'US', state: 'CA', tax_type: 'sales_tax' }),
        entry(12, '5.0', { country: 'CA', state: null, tax_type: 'gst' }, true),
        entry(3, '1.5', { tax_type: 'retail_delivery_fee' }),
      ],
    });
    assert.deepEqual(lines, [
      { display_name: 'VAT DE', percentage: 19, inclusive: false, amount: 1045 },
      { display_name: 'VAT DE', percentage: 7, inclusive: false, amount: 140 },
      { display_name: 'Sales tax US-CA', percentage: 7.25, inclusive: false, amount: 363 },
      { display_name: 'GST CA', percentage: 5, inclusive: true, amount: 12 },
      { display_name: 'Retail delivery fee DE', percentage: 1.5, inclusive: false, amount: 3 },
    ]);
  });

  it('keeps each line its product and category after a discount is spread over the lines', () => {
    const lines = [
      { product_id: 'book', line_total: 2000, tax_category: 'books' },
      { product_id: 'tee', line_total: 2000 },
    ];
    assert.deepEqual(linesAfterDiscount(lines, { product_ids: null }, 1000), [
      { product_id: 'book', amount: 1500, tax_category: 'books' },
      { product_id: 'tee', amount: 1500, tax_category: null },
    ]);
  });
});

describe('stripe_tax settings', () => {
  it('fills in the defaults and keeps the tax codes by category', () => {
    assert.deepEqual(parseTaxSettings({ mode: 'stripe_tax' }), { mode: 'stripe_tax', prices_include_tax: false, tax_shipping: true, tax_codes: {} });
    assert.deepEqual(parseTaxSettings({ mode: 'stripe_tax', tax_codes: { books: 'txcd_35010000' } }).mode, 'stripe_tax');
    assert.throws(() => parseTaxSettings({ mode: 'stripe_tax', tax_codes: { books: 'txcd_3501' } }), {
      code: 'invalid_tax_settings',
      param: 'tax_codes.books',
    });
  });
});
