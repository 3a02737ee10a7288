// Rules of a checkout session without HTTP or a database: what a details change makes of the session's
// total, when the sweep reads an intent again, and how a store's budget lets calls through.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { parseDetailsInput, planDetails } from '../../server/src/payments/details';
import { parseShippingSettings } from '../../server/src/payments/shipping';
import { isDue } from '../../server/src/payments/sweep';
import { burstOf, takeFromStoreBudget } from '../../server/src/security/store-budget';
import { refusal } from '../support/refusal';
import type { BudgetsRepository, Checkout, Store } from '../../server/src/storage/port';

const MINUTE = 60_000;

const store = (shipping: unknown): Store => ({
  id: 's',
  name: 'S',
  allowed_origins: [],
  default_currency: 'eur',
  created_at: 0,
  updated_at: 0,
  shipping: shipping ? parseShippingSettings(shipping) : null,
});
const session = (over: Partial<Checkout> = {}): Checkout => ({
  id: 'chk',
  token_hash: 'h',
  store_id: 's',
  cart_id: 'c',
  amount: 3000,
  subtotal: 3000,
  shipping_amount: 0,
  discount: null,
  discount_amount: 0,
  tax_amount: 0,
  tax_lines: [],
  tax_calculation_id: null,
  currency: 'eur',
  livemode: false,
  lines: [{ product_id: 'tee', name: 'Tee', unit_amount: 1500, quantity: 2, line_total: 3000, shippable: true, weight_grams: 200 }],
  details: { email: null, shipping: null },
  details_version: 0,
  status: 'open',
  payment_intent_id: null,
  client_secret_sealed: null,
  legacy_client_secret: null,
  superseded_at: null,
  account_id: 'acct',
  intent_status: null,
  intent_checked_at: null,
  intent_read_at: null,
  order_id: null,
  created_at: 0,
  expires_at: 30 * MINUTE,
  ...over,
});
const SHIPS = {
  countries: ['DE', 'FR'],
  rates: [
    { id: 'std', display_name: 'Standard', amount: 500, free_over: 5000 },
    { id: 'fast', display_name: 'Fast', amount: 1500, countries: ['DE'] },
  ],
};
const address = (country: string) => ({ name: 'Ada', address: { line1: 'Str. 1', city: 'Berlin', postal_code: '10115', country } });

describe('a details change', () => {
  it('prices the cheapest rate for the address, and keeps a field left out', () => {
    const first = planDetails(store(SHIPS), session(), parseDetailsInput({ email: 'ada@example.com', shipping: address('de') }));
    assert.deepEqual([first.details.shipping?.rate.id, first.shippingAmount, first.amount], ['std', 500, 3500]);
    const chosen = session({ details: first.details, amount: first.amount, shipping_amount: 500 });
    const fast = planDetails(store(SHIPS), chosen, parseDetailsInput({ shipping_rate_id: 'fast' }));
    assert.deepEqual([fast.details.email, fast.details.shipping?.address.city, fast.amount], ['ada@example.com', 'Berlin', 4500]);
  });

  it('drops a chosen rate that no longer applies to a new address, and refuses a country the store does not ship to', () => {
    const onFast = planDetails(store(SHIPS), session(), parseDetailsInput({ shipping: address('DE'), shipping_rate_id: 'fast' }));
    const moved = planDetails(store(SHIPS), session({ details: onFast.details }), parseDetailsInput({ shipping: address('FR') }));
    assert.equal(moved.details.shipping?.rate.id, 'std');
    const e = refusal(() => planDetails(store(SHIPS), session(), parseDetailsInput({ shipping: address('US') })));
    assert.deepEqual([e.code, e.param], ['shipping_country_unsupported', 'shipping.address.country']);
    const asked = refusal(() => planDetails(store(SHIPS), session(), parseDetailsInput({ shipping: address('FR'), shipping_rate_id: 'fast' })));
    assert.deepEqual([asked.code, asked.param], ['shipping_rate_unavailable', 'shipping_rate_id']);
  });

  it('keeps no address for a store that ships nothing, and never takes an amount from the browser', () => {
    const plan = planDetails(store(null), session(), parseDetailsInput({ email: 'a@b.co', shipping: address('DE') }));
    assert.deepEqual([plan.details.shipping, plan.amount], [null, 3000]);
    assert.equal(refusal(() => parseDetailsInput({ email: 'a@b.co', amount: 1 })).code, 'invalid_request');
    assert.deepEqual(
      [refusal(() => parseDetailsInput({ email: 'nope' })).code, refusal(() => parseDetailsInput({ email: 'nope' })).param],
      ['invalid_email', 'email'],
    );
  });
});

describe('when the periodic sweep reads an intent again', () => {
  const interval = 5 * MINUTE;
  it('reads a never-read intent now, then waits as long as the session had lived, at most an hour', () => {
    assert.equal(isDue(session({ intent_status: 'requires_payment_method' }), 5 * MINUTE, interval), true);
    const readAt = (age: number) => session({ intent_status: 'requires_payment_method', intent_checked_at: age });
    assert.equal(isDue(readAt(20 * MINUTE), 30 * MINUTE, interval), false, '10 min after a read at 20 min of age');
    assert.equal(isDue(readAt(20 * MINUTE), 38 * MINUTE, interval), true, '18 min after, within the tick slack');
    assert.equal(isDue(readAt(300 * MINUTE), 340 * MINUTE, interval), false, 'old sessions: hourly');
    assert.equal(isDue(readAt(300 * MINUTE), 358 * MINUTE, interval), true);
  });

  it('reads a processing payment on every sweep for two hours, then about hourly', () => {
    const processing = session({ intent_status: 'processing', intent_checked_at: 50 * MINUTE });
    assert.equal(isDue(processing, 55 * MINUTE, interval), true);
    assert.equal(isDue(processing, 150 * MINUTE, interval), false);
    assert.equal(isDue(processing, 182 * MINUTE, interval), true);
  });
});

describe('a store budget', () => {
  /** A token bucket in memory with the repository's contract. */
  const memoryBudgets = (): BudgetsRepository => {
    const buckets = new Map<string, { tokens: number; at: number }>();
    return {
      take: (key, capacity, perMs, now, keep) => {
        const b = buckets.get(key) ?? { tokens: capacity, at: now };
        const tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.at) * perMs);
        if (tokens < 1 + keep) return Promise.resolve(false);
        buckets.set(key, { tokens: tokens - 1, at: Math.max(b.at, now) });
        return Promise.resolve(true);
      },
    };
  };

  it('allows a tenth of the minute at once, a small budget its whole minute up to 10', () => {
    assert.deepEqual([300, 60, 5, 1].map(burstOf), [30, 10, 5, 1]);
  });

  it('keeps a fifth for carts made before the burst, and refills steadily', async () => {
    const clock = manualClock(10 * MINUTE);
    const deps = { budgets: memoryBudgets(), clock };
    const budget = { name: 'payment-intents', perMinute: 300 };
    const fresh = () => Promise.resolve(clock.now() - 1000);
    const old = () => Promise.resolve(clock.now() - 3 * MINUTE);
    let fromFresh = 0;
    for (let i = 0; i < 40; i++) if (await takeFromStoreBudget(deps, budget, 's', fresh)) fromFresh += 1;
    assert.equal(fromFresh, 24, '30 at once, 6 of them kept');
    assert.equal(await takeFromStoreBudget(deps, budget, 's', old), true, 'an established cart still gets through');
    assert.equal(await takeFromStoreBudget(deps, budget, 'other', fresh), true, 'another store has its own budget');
    clock.advance(1000);
    let refilled = 0;
    for (let i = 0; i < 10; i++) if (await takeFromStoreBudget(deps, budget, 's', old)) refilled += 1;
    assert.equal(refilled, 10, 'five a second refilled, plus the five reserved tokens left');
  });
});
