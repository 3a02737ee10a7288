// The pricing rules without HTTP or a database: lines and totals, a stored cart priced from the catalog as
// it is now, and the shipping rates a cart going to a country gets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPaidCart, priceCart } from '../../server/src/payments/carts';
import { checkQuantity, MAX_AMOUNT, priceLine, totals } from '../../server/src/payments/money';
import { freeShippingOver, parseShippingSettings, ratesFor, requiresShipping, shippableWeight } from '../../server/src/payments/shipping';
import { refusal } from '../support/refusal';
import type { CartRecord, LineProduct } from '../../server/src/storage/port';

const product = (over: Partial<LineProduct> = {}): LineProduct => ({
  id: 'tee',
  name: 'Tee',
  unit_amount: 2500,
  currency: 'eur',
  active: true,
  max_quantity: null,
  weight_grams: 300,
  shippable: true,
  ...over,
});

describe('lines and totals', () => {
  it('prices a line as unit amount times quantity and carries whether and how heavy it ships', () => {
    assert.deepEqual(priceLine(product(), 3), {
      product_id: 'tee',
      name: 'Tee',
      unit_amount: 2500,
      quantity: 3,
      line_total: 7500,
      shippable: true,
      weight_grams: 300,
    });
  });

  it('refuses a quantity that is not a whole number from 1 to the product limit', () => {
    for (const q of [0, -1, 1.5, 100, Number.NaN]) assert.equal(refusal(() => checkQuantity(q, product())).code, 'invalid_quantity', `quantity ${q}`);
    assert.equal(refusal(() => checkQuantity(6, product({ max_quantity: 5 }))).code, 'invalid_quantity');
    checkQuantity(99, product());
    checkQuantity(5, product({ max_quantity: 5 }));
  });

  it('adds up subtotal and item count', () => {
    assert.deepEqual(totals([priceLine(product(), 2), priceLine(product({ id: 'mug', unit_amount: 1200 }), 1)]), { subtotal: 6200, item_count: 3 });
    assert.deepEqual(totals([]), { subtotal: 0, item_count: 0 });
    assert.ok(MAX_AMOUNT === 99_999_999, 'Stripe takes at most eight digits');
  });
});

describe('a stored cart priced from the catalog as it is now', () => {
  const now = 1_000_000;
  const record = (lines: CartRecord['lines'], over: Partial<CartRecord> = {}): CartRecord => ({
    id: 'cart_1',
    store_id: 's',
    currency: 'eur',
    status: 'open',
    version: 3,
    created_at: 1,
    updated_at: 2,
    expires_at: now + 1,
    lines,
    store_ships: true,
    free_shipping_over: 4000,
    discount: null,
    allowed_origins: ['https://shop.example'],
    ...over,
  });

  it('drops lines whose product is gone, inactive or in another currency, and caps a lowered limit', () => {
    const cart = priceCart(
      record([
        { product_id: 'tee', quantity: 4, added_at: 0, product: product({ max_quantity: 2 }) },
        { product_id: 'gone', quantity: 1, added_at: 0, product: null },
        { product_id: 'old', quantity: 1, added_at: 0, product: product({ id: 'old', active: false }) },
        { product_id: 'usd', quantity: 1, added_at: 0, product: product({ id: 'usd', currency: 'usd' }) },
      ]),
      now,
    )!;
    assert.deepEqual(
      cart.items.map((l) => [l.product_id, l.quantity]),
      [['tee', 2]],
    );
    assert.equal(cart.subtotal, 5000);
    assert.deepEqual(cart.line_quantities, { tee: 4, gone: 1, old: 1, usd: 1 }, "what is stored, for the session's compare");
  });

  it('is gone once expired', () => {
    assert.equal(priceCart(record([], { expires_at: now }), now), null);
    assert.equal(priceCart(null, now), null);
  });

  it('says shipping is calculated at checkout only when the store ships and a line is shippable', () => {
    const gift = { product_id: 'gift', quantity: 1, added_at: 0, product: product({ id: 'gift', shippable: false }) };
    const tee = { product_id: 'tee', quantity: 1, added_at: 0, product: product() };
    assert.deepEqual([priceCart(record([gift]), now)!.requires_shipping, priceCart(record([gift]), now)!.free_shipping_over], [false, null]);
    assert.deepEqual([priceCart(record([gift, tee]), now)!.requires_shipping, priceCart(record([gift, tee]), now)!.free_shipping_over], [true, 4000]);
    assert.equal(priceCart(record([tee], { store_ships: false, free_shipping_over: null }), now)!.requires_shipping, false);
  });

  it('counts as paid only while it is closed and not yet expired', () => {
    const now = 1_000_000;
    assert.equal(isPaidCart({ status: 'closed', expires_at: now + 1 }, now), true);
    assert.equal(isPaidCart({ status: 'open', expires_at: now + 1 }, now), false);
    assert.equal(isPaidCart({ status: 'closed', expires_at: now }, now), false, 'an expired cart is no cart');
    assert.equal(isPaidCart(null, now), false);
  });
});

describe('shipping rates', () => {
  const settings = parseShippingSettings({
    countries: ['de', 'US', 'DE'],
    rates: [
      { id: 'express', display_name: 'Express', amount: 1500 },
      { id: 'standard', display_name: 'Standard', amount: 490, free_over: 5000, delivery_estimate: { min_days: 2, max_days: 4 } },
      { id: 'us', display_name: 'US Ground', amount: 490, countries: ['US'] },
      {
        id: 'heavy',
        display_name: 'Freight',
        amount: 0,
        weight_bands: [
          { min_grams: 2000, max_grams: null, amount: 9000 },
          { min_grams: 0, max_grams: 2000, amount: 3000 },
        ],
      },
    ],
  });
  const lines = (grams: number, quantity = 1, shippable = true) => [{ quantity, line_total: 1000 * quantity, shippable, weight_grams: grams }];

  it('normalises what the platform sent: upper-case countries once, bands sorted, absent optionals null', () => {
    assert.deepEqual(settings.countries, ['DE', 'US']);
    assert.deepEqual(
      settings.rates[3].weight_bands!.map((b) => b.min_grams),
      [0, 2000],
    );
    assert.deepEqual([settings.rates[0].countries, settings.rates[0].free_over, settings.rates[0].delivery_estimate], [null, null, null]);
  });

  it("offers the rates of the country, cheapest first, the platform's order breaking ties", () => {
    assert.deepEqual(
      ratesFor(settings, 'US', lines(100), 1000).map((r) => [r.id, r.amount]),
      [
        ['standard', 490],
        ['us', 490],
        ['express', 1500],
        ['heavy', 3000],
      ],
    );
    assert.deepEqual(
      ratesFor(settings, 'DE', lines(100), 1000).map((r) => r.id),
      ['standard', 'express', 'heavy'],
    );
    assert.deepEqual(ratesFor(settings, 'FR', lines(100), 1000), [], 'a country the store does not ship to');
  });

  it('makes a rate free from its threshold on, and prices weight bands by the shippable weight only', () => {
    assert.equal(ratesFor(settings, 'DE', lines(100), 4999).find((r) => r.id === 'standard')!.amount, 490);
    assert.equal(ratesFor(settings, 'DE', lines(100), 5000).find((r) => r.id === 'standard')!.amount, 0);
    assert.equal(ratesFor(settings, 'DE', lines(1000, 2), 2000).find((r) => r.id === 'heavy')!.amount, 9000, '2 × 1000 g reaches the 2 kg band');
    assert.equal(shippableWeight([...lines(1000, 2), ...lines(5000, 1, false)]), 2000, 'a gift card weighs nothing for shipping');
    assert.equal(requiresShipping(settings, lines(0, 1, false)), false);
    assert.equal(requiresShipping(null, lines(10)), false);
    assert.equal(freeShippingOver(settings), 5000);
  });

  it('refuses settings a shopper could never be charged right by, naming the field', () => {
    const bad: [unknown, string][] = [
      [{ countries: ['XX'], rates: [{ id: 'a', display_name: 'A', amount: 1 }] }, 'countries.0'],
      [{ countries: ['DE'], rates: [{ id: 'a', display_name: 'A', amount: -1 }] }, 'rates.0.amount'],
      [
        {
          countries: ['DE'],
          rates: [
            { id: 'a', display_name: 'A', amount: 1 },
            { id: 'a', display_name: 'B', amount: 2 },
          ],
        },
        'rates.1.id',
      ],
      [{ countries: ['DE'], rates: [{ id: 'a', display_name: 'A', amount: 1, countries: ['US'] }] }, 'rates.0.countries.0'],
      [
        {
          countries: ['DE'],
          rates: [
            {
              id: 'a',
              display_name: 'A',
              amount: 1,
              weight_bands: [
                { min_grams: 0, max_grams: 600, amount: 1 },
                { min_grams: 500, max_grams: null, amount: 2 },
              ],
            },
          ],
        },
        'rates.0.weight_bands',
      ],
      [
        { countries: ['DE'], rates: [{ id: 'a', display_name: 'A', amount: 1, delivery_estimate: { min_days: 5, max_days: 2 } }] },
        'rates.0.delivery_estimate.min_days',
      ],
      [{ countries: ['DE'], rates: Array.from({ length: 1000 }, (_, i) => ({ id: `r${i}`, display_name: 'R', amount: 1 })) }, 'rates'],
    ];
    for (const [input, param] of bad) {
      const e = refusal(() => parseShippingSettings(input));
      assert.deepEqual([e.code, e.status, e.param], ['invalid_shipping_settings', 422, param], JSON.stringify(input).slice(0, 80));
    }
  });
});
