// Shape conformance: every object the emulator returns has the top-level fields of Stripe's own example object
// (fixture-keys.json, extracted from ../shared/stripe/fixtures3.json), with values of the same kind.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, raw } from './helpers';

type Kind = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';
const FIXTURE_KEYS = JSON.parse(readFileSync(new URL('./fixture-keys.json', import.meta.url), 'utf8')) as {
  resources: Record<string, Record<string, Kind>>;
};
const SHARED = new URL('../../../shared/stripe/fixtures3.json', import.meta.url);

// Fields newer than the fixture file that stripe 23's TypeScript types require; the emulator includes them.
const NEWER_FIELDS: Record<string, string[]> = {
  payment_intent: ['allowed_payment_method_types', 'payment_record'],
  webhook_endpoint: ['secret'],
};
// `list` and `error` are not in the fixture file; these are the fields of Stripe's API reference.
const LIST_KEYS = ['object', 'data', 'has_more', 'url'];
const ERROR_KEYS = [
  'advice_code',
  'charge',
  'code',
  'decline_code',
  'doc_url',
  'message',
  'network_advice_code',
  'network_decline_code',
  'param',
  'payment_intent',
  'payment_method',
  'payment_method_type',
  'request_log_url',
  'setup_intent',
  'source',
  'type',
];

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as Kind;
}

/** Asserts `object` has exactly Stripe's top-level fields (plus the known newer ones) with matching kinds. */
function assertShape(name: string, object: object): void {
  const expected = FIXTURE_KEYS.resources[name];
  assert.ok(expected, `no fixture keys for ${name}`);
  const actual = Object.keys(object).filter((k) => k !== 'lastResponse');
  const missing = Object.keys(expected).filter((k) => !actual.includes(k));
  const extra = actual.filter((k) => !(k in expected) && !(NEWER_FIELDS[name] ?? []).includes(k));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${name} fields differ from Stripe's`);
  for (const [key, kind] of Object.entries(expected)) {
    const ours = kindOf((object as Record<string, unknown>)[key]);
    if (kind === 'null' || ours === 'null') continue;
    assert.equal(ours, kind, `${name}.${key} is ${ours}, Stripe's is ${kind}`);
  }
}

describe("stripe emulator: object shapes match Stripe's", () => {
  let emu: StripeEmulator;
  let acct: AccountInfo;
  let stripe: Stripe;
  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    acct = emu.createAccount('Shapes');
    stripe = client(emu, acct.keys.test.secret);
  });
  after(() => emu.close());

  it('uses field lists that match ../shared/stripe/fixtures3.json where that file is present', (t) => {
    if (!existsSync(SHARED)) {
      t.skip('../shared/stripe/fixtures3.json is absent here; fixture-keys.json holds the extracted field lists');
      return;
    }
    const shared = JSON.parse(readFileSync(SHARED, 'utf8')) as { resources: Record<string, Record<string, unknown>> };
    for (const [name, keys] of Object.entries(FIXTURE_KEYS.resources)) {
      const fromShared = Object.fromEntries(Object.entries(shared.resources[name]).map(([k, v]) => [k, kindOf(v)]));
      assert.deepEqual(keys, fromShared, name);
    }
  });

  it("returns payment_intent objects in every state with Stripe's fields", async () => {
    const open = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    assertShape('payment_intent', open);
    assertShape('payment_intent', await stripe.paymentIntents.confirm(open.id, { payment_method: 'pm_card_visa' }));
    const threeDs = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_authenticationRequired' });
    assertShape('payment_intent', threeDs);
    const declined = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await stripe.paymentIntents.confirm(declined.id, { payment_method: 'pm_card_chargeDeclined' }).catch(() => undefined);
    assertShape('payment_intent', await stripe.paymentIntents.retrieve(declined.id));
    assertShape('payment_intent', await stripe.paymentIntents.cancel(open.id).catch(() => stripe.paymentIntents.cancel(threeDs.id)));
  });

  it("returns account, balance, webhook_endpoint, event, refund and charge objects with Stripe's fields", async () => {
    assertShape('account', await stripe.accounts.retrieveCurrent());
    assertShape('balance', await stripe.balance.retrieve());
    const endpoint = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:1/hook', enabled_events: ['*'] });
    assertShape('webhook_endpoint', endpoint);
    assertShape('webhook_endpoint', await stripe.webhookEndpoints.retrieve(endpoint.id));
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    assertShape('refund', refund);
    const events = await stripe.events.list({ limit: 100 });
    for (const event of events.data) assertShape('event', event);
    const refunded = events.data.find((e) => e.type === 'charge.refunded');
    assert.ok(refunded);
    assertShape('charge', refunded.data.object);
    await stripe.webhookEndpoints.del(endpoint.id);
  });

  it("returns tax.settings, tax.calculation and tax.transaction objects with Stripe's fields", async () => {
    assertShape('tax.settings', await stripe.tax.settings.retrieve());
    assertShape('tax.settings', await stripe.tax.settings.update({ head_office: { address: { country: 'US', state: 'CA', postal_code: '94080' } } }));
    const calc = await stripe.tax.calculations.create({
      currency: 'usd',
      line_items: [{ amount: 1499, reference: 'pizza' }],
      shipping_cost: { amount: 300 },
      customer_details: {
        address: { line1: '354 Oyster Point Blvd', city: 'South San Francisco', state: 'CA', postal_code: '94080', country: 'US' },
        address_source: 'shipping',
      },
    });
    assertShape('tax.calculation', calc);
    assertShape('tax.transaction', await stripe.tax.transactions.createFromCalculation({ calculation: calc.id!, reference: 'myOrder_123' }));
  });

  it("wraps lists in Stripe's list envelope", async () => {
    const res = await raw(emu, 'GET', '/v1/payment_intents?limit=1', { key: acct.keys.test.secret });
    assert.deepEqual(Object.keys(res.json).sort(), [...LIST_KEYS].sort());
    assert.equal(res.json.object, 'list');
  });

  it("answers errors with only the fields of Stripe's error object", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const bodies = [
      await raw(emu, 'GET', '/v1/balance', { key: 'sk_test_nope' }),
      await raw(emu, 'POST', '/v1/payment_intents', { key: acct.keys.test.secret, form: { currency: 'usd' } }),
      await raw(emu, 'POST', `/v1/payment_intents/${pi.id}/confirm`, {
        key: acct.keys.test.secret,
        form: { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' },
      }),
    ];
    for (const res of bodies) {
      assert.deepEqual(Object.keys(res.json), ['error']);
      const keys = Object.keys(res.json.error);
      assert.deepEqual(
        keys.filter((k) => !ERROR_KEYS.includes(k)),
        [],
        `unexpected error fields in ${res.text}`,
      );
      assert.equal(typeof res.json.error.type, 'string');
      assert.equal(typeof res.json.error.message, 'string');
    }
    assertShape('payment_intent', bodies[2].json.error.payment_intent);
  });
});
