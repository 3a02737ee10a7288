// What a discount takes off a cart, without HTTP or a database: percent of the eligible lines, an amount
// capped by what those lines are worth, and a total that never falls below zero nor Stripe's minimum charge.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { priceDiscount, totalFloor, type DiscountedCart } from '../../server/src/payments/discount-pricing';

const terms = (over: Partial<Parameters<typeof priceDiscount>[0]> = {}) => ({
  percent_off: null,
  amount_off: null,
  product_ids: null,
  free_shipping: false,
  ...over,
});
const cart = (lines: [string, number][], over: Partial<DiscountedCart> = {}): DiscountedCart => ({
  currency: 'eur',
  lines: lines.map(([product_id, line_total]) => ({ product_id, line_total })),
  ...over,
});

describe('pricing a discount against a cart', () => {
  it('takes a percentage of every line when the discount names no products', () => {
    assert.deepEqual(
      priceDiscount(
        terms({ percent_off: 10 }),
        cart([
          ['tee', 5000],
          ['mug', 1200],
        ]),
      ),
      {
        amount: 620,
        nominal: 620,
        capped: false,
        eligible_subtotal: 6200,
        free_shipping: false,
      },
    );
  });

  it("takes a percentage of the named products' lines only", () => {
    const price = priceDiscount(
      terms({ percent_off: 50, product_ids: ['mug'] }),
      cart([
        ['tee', 5000],
        ['mug', 1200],
      ]),
    );
    assert.equal(price.amount, 600);
    assert.equal(price.eligible_subtotal, 1200);
  });

  it('rounds a percentage half up to a whole minor unit', () => {
    assert.equal(priceDiscount(terms({ percent_off: 15 }), cart([['tee', 1010]])).amount, 152); // 151.5
    assert.equal(priceDiscount(terms({ percent_off: 15 }), cart([['tee', 1003]])).amount, 150); // 150.45
  });

  it('takes a fixed amount once, whatever the quantity', () => {
    assert.deepEqual(
      priceDiscount(
        terms({ amount_off: 500 }),
        cart([
          ['tee', 5000],
          ['mug', 1200],
        ]),
      ),
      {
        amount: 500,
        nominal: 500,
        capped: false,
        eligible_subtotal: 6200,
        free_shipping: false,
      },
    );
  });

  it("caps a fixed amount at what the named products' lines are worth, and says so", () => {
    const price = priceDiscount(
      terms({ amount_off: 2000, product_ids: ['mug'] }),
      cart([
        ['tee', 5000],
        ['mug', 1200],
      ]),
    );
    assert.deepEqual([price.amount, price.nominal, price.capped], [1200, 2000, true]);
  });

  it("never leaves a total under Stripe's minimum charge for the currency, and says it capped", () => {
    assert.equal(totalFloor('eur'), 50);
    const full = priceDiscount(terms({ percent_off: 100 }), cart([['tee', 2500]]));
    assert.deepEqual([full.amount, full.nominal, full.capped], [2450, 2500, true]);
    const big = priceDiscount(terms({ amount_off: 10_000 }), cart([['tee', 2500]], { currency: 'gbp' }));
    assert.deepEqual([big.amount, big.capped], [2500 - 30, true]);
    assert.equal(priceDiscount(terms({ amount_off: 100 }), cart([['x', 400]], { currency: 'jpy' })).amount, 100);
    assert.equal(priceDiscount(terms({ amount_off: 500 }), cart([['x', 400]], { currency: 'jpy' })).amount, 350);
  });

  it('counts the shipping the shopper pays towards the floor, unless the discount makes it free', () => {
    const withShipping = priceDiscount(terms({ percent_off: 100 }), cart([['tee', 2500]], { shipping: 500 }));
    assert.deepEqual([withShipping.amount, withShipping.capped], [2500, false], 'subtotal 0 + shipping 500 is payable');
    const freeShipping = priceDiscount(terms({ percent_off: 100, free_shipping: true }), cart([['tee', 2500]], { shipping: 500 }));
    assert.deepEqual([freeShipping.amount, freeShipping.capped, freeShipping.free_shipping], [2450, true, true]);
  });

  it('takes nothing from a cart already at or below the floor, and never goes negative', () => {
    const tiny = priceDiscount(terms({ amount_off: 100 }), cart([['sticker', 40]]));
    assert.deepEqual([tiny.amount, tiny.capped], [0, true]);
    assert.deepEqual([priceDiscount(terms({ percent_off: 10 }), cart([])).amount, priceDiscount(terms({ percent_off: 10 }), cart([])).capped], [0, false]);
  });

  it('keeps one minor unit where Stripe documents no minimum for the currency', () => {
    assert.equal(totalFloor('isk'), 1);
    assert.equal(priceDiscount(terms({ amount_off: 99_999 }), cart([['x', 5000]], { currency: 'isk' })).amount, 4999);
  });

  it('takes nothing but the shipping for a free-shipping-only code', () => {
    assert.deepEqual(priceDiscount(terms({ free_shipping: true }), cart([['tee', 2500]], { shipping: 500 })), {
      amount: 0,
      nominal: 0,
      capped: false,
      eligible_subtotal: 2500,
      free_shipping: true,
    });
  });
});
