// Stripe Tax at checkout: one calculation on the merchant's account per details change (none per page view),
// its tax on the session, the PaymentIntent and the order; and exactly one tax transaction per paid order, made
// from that calculation even when the webhook and /complete race on two instances, or when Stripe fails and the
// sweep retries. Over HTTP with the real app and the Stripe emulator, on either engine.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { manualClock } from '../../server/src/clock';
import { reconcilePayments } from '../../server/src/payments/sweep';
import { commitTaxTransaction } from '../../server/src/payments/tax-transactions';
import { startTestServer } from '../support/app';
import { call, checkoutFor, confirmWithCard, internal, openShop, pay, type TestServer } from '../support/shop';
import { activateStripeTax } from '../support/stripe-tax';

const SHIPPING = { countries: ['DE', 'US', 'JP'], rates: [{ id: 'standard', display_name: 'Standard', amount: 500 }] };
const STRIPE_TAX = { mode: 'stripe_tax', tax_codes: { books: 'txcd_35010000' } };
const BOOK = { id: 'book', name: 'Book', unit_amount: 2000, currency: 'eur', tax_category: 'books' };
const at = (country: string, extra: Record<string, string> = {}) => ({
  email: 'ada@example.com',
  shipping: { name: 'Ada Lovelace', address: { line1: 'Main St 1', city: 'Somewhere', postal_code: '12345', country, ...extra } },
});
// tee 2 × 2500 = 5000 and shipping 500 at Germany's 19%: 950 + 95.
const DE_AMOUNTS = {
  subtotal: 5000,
  discount: 0,
  shipping: 500,
  tax: 1045,
  tax_lines: [{ display_name: 'VAT DE', percentage: 19, inclusive: false, amount: 1045 }],
  total: 6545,
};

describe('Stripe Tax at checkout', () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;

  const secret = () => shop.acct.keys.test.secret;
  const details = (token: string, body: unknown, url = server.url) => call(url, 'POST', `/api/checkout/${token}/details`, body);
  const stripeGet = async (path: string) => (await fetch(`${emu.url}${path}`, { headers: { Authorization: `Bearer ${secret()}` } })).json();
  const calculations = () => emu.requests.filter((r) => r.method === 'POST' && r.path === '/v1/tax/calculations').length;
  const transactionCalls = () => emu.requests.filter((r) => r.method === 'POST' && r.path === '/v1/tax/transactions/create_from_calculation');
  const complete = (token: string, pi: string, url = server.url) => call(url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: pi });

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, clock });
    shop = await openShop(server, emu, 'Stripe Tax Checkout');
    await activateStripeTax(emu, secret());
    assert.equal((await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/products`, { products: [BOOK] })).status, 200);
    assert.equal((await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/shipping`, SHIPPING)).status, 200);
    const put = await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/tax`, STRIPE_TAX);
    assert.equal(put.status, 200, put.text);
  });
  after(async () => {
    emu.webhooks.resume();
    await server.destroy();
    await emu.close();
  });

  it('asks Stripe once per details change with an address, never for a page view, and the PaymentIntent follows', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const intent = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    const before = calculations();
    assert.equal((await details(token, { email: 'ada@example.com' })).body.details.amounts.tax, 0, 'no address, no tax yet');
    assert.equal(calculations(), before);
    const res = await details(token, at('DE'));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.details.amounts, DE_AMOUNTS);
    assert.equal(calculations(), before + 1);
    for (let i = 0; i < 3; i++) assert.deepEqual((await call(server.url, 'GET', `/api/checkout/${token}`)).body.details.amounts, DE_AMOUNTS);
    assert.equal(calculations(), before + 1, 'viewing the page asks nothing');
    const pi = await stripeGet(`/v1/payment_intents/${intent.payment_intent_id}`);
    assert.equal(pi.amount, 6545);
    // The calculation the intent names is the one asked with the merchant's key, the address and the shipping.
    const calc = await stripeGet(`/v1/tax/calculations/${pi.metadata.tax_calculation_id}`);
    assert.deepEqual(
      [calc.amount_total, calc.customer_details.address_source, calc.customer_details.address.country, calc.shipping_cost.amount],
      [6545, 'shipping', 'DE', 500],
    );
    assert.equal(emu.requests.filter((r) => r.path === '/v1/tax/calculations').at(-1)?.apiKey, secret());
    const moved = await details(token, at('US', { state: 'ca' }));
    assert.equal(calculations(), before + 2);
    // 5000 × 7.25% = 362.5 → 363, 500 × 7.25% = 36.25 → 36.
    assert.deepEqual([moved.body.details.amounts.tax, moved.body.amount], [399, 5899]);
    assert.equal((await stripeGet(`/v1/payment_intents/${intent.payment_intent_id}`)).amount, 5899);
  });

  it("taxes a product at its category's Stripe tax code, and where Stripe collects nothing there is no tax line", async () => {
    const { token } = await checkoutFor(server, shop.store.id, [
      ['book', 1],
      ['tee', 1],
    ]);
    const res = await details(token, at('DE'));
    // book 2000 at the reduced 7% = 140; tee 2500 + shipping 500 at 19% = 570.
    assert.deepEqual(res.body.details.amounts.tax_lines, [
      { display_name: 'VAT DE', percentage: 7, inclusive: false, amount: 140 },
      { display_name: 'VAT DE', percentage: 19, inclusive: false, amount: 570 },
    ]);
    const jp = await details(token, at('JP'));
    assert.deepEqual([jp.body.details.amounts.tax, jp.body.details.amounts.tax_lines, jp.body.amount], [0, [], 5000]);
  });

  it('refuses an address Stripe cannot place with 422 invalid_address, keeping the details as they were', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    assert.equal((await details(token, at('DE'))).status, 200);
    const res = await details(token, { shipping: { name: 'Ada', address: { line1: '1 Main St', city: 'LA', postal_code: '', state: 'CA', country: 'US' } } });
    assert.equal(res.status, 422, res.text);
    assert.deepEqual([res.body.error.code, res.body.error.param], ['invalid_address', 'shipping.address']);
    const view = (await call(server.url, 'GET', `/api/checkout/${token}`)).body;
    assert.deepEqual([view.details.shipping.address.country, view.details.amounts, view.amount], ['DE', DE_AMOUNTS, 6545]);
  });

  it('charges the order total and makes one tax transaction of its calculation, referenced by the order id', async () => {
    emu.webhooks.pause();
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    assert.equal((await details(token, at('DE'))).status, 200);
    const { intent, confirmed } = await pay(server, emu, token);
    const before = transactionCalls().length;
    const done = await complete(token, intent.payment_intent_id);
    assert.equal(done.status, 200, done.text);
    assert.deepEqual([confirmed.body.amount, done.body.order.amount, done.body.order.amounts], [6545, 6545, DE_AMOUNTS]);
    const state = await server.deps.storage.taxTransactions.get(done.body.order.id);
    assert.ok(state?.transaction_id?.startsWith('tax_'), JSON.stringify(state));
    const transaction = await stripeGet(`/v1/tax/transactions/${state!.transaction_id}`);
    assert.deepEqual([transaction.reference, transaction.shipping_cost.amount_tax], [done.body.order.id, 95]);
    assert.equal(transactionCalls().length, before + 1);
    assert.equal(transactionCalls().at(-1)?.idempotencyKey, `tax-transaction-${done.body.order.id}`);
    // A second /complete and a sweep change nothing.
    assert.equal((await complete(token, intent.payment_intent_id)).status, 200);
    await reconcilePayments(server.deps);
    emu.webhooks.resume();
    await emu.webhooks.idle();
    assert.equal(transactionCalls().length, before + 1);
  });

  it('makes one transaction, not two, when the webhook and /complete record the payment on two instances at once', async () => {
    const twin = await server.twin();
    for (let round = 0; round < 3; round++) {
      emu.webhooks.pause();
      const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
      assert.equal((await details(token, at('DE'))).status, 200);
      const { intent } = await pay(server, emu, token);
      const before = transactionCalls().length;
      emu.webhooks.resume();
      const [done] = await Promise.all([complete(token, intent.payment_intent_id, twin.url), emu.webhooks.idle()]);
      assert.equal(done.status, 200, done.text);
      const orderId = done.body.order.id as string;
      assert.ok((await server.deps.storage.taxTransactions.get(orderId))?.transaction_id);
      const made = transactionCalls()
        .slice(before)
        .filter((r) => r.status === 200);
      assert.equal(made.length, 1, `round ${round}: one create_from_calculation`);
    }
  });

  it('never fails the order when Stripe fails the transaction: it is recorded, retried by the sweep, and claimed by one instance at a time', async () => {
    const twin = await server.twin();
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    assert.equal((await details(token, at('DE'))).status, 200);
    emu.webhooks.pause();
    const { intent } = await pay(server, emu, token);
    emu.faults.enqueue({ kind: '500', method: 'POST', path: '/v1/tax/transactions/create_from_calculation', count: 10 });
    const done = await complete(token, intent.payment_intent_id);
    emu.faults.clear();
    assert.equal(done.status, 200, done.text);
    const orderId = done.body.order.id as string;
    const failed = await server.deps.storage.taxTransactions.get(orderId);
    assert.deepEqual([failed?.transaction_id, failed?.attempts], [null, 1]);
    assert.match(failed!.error!, /^stripe_unavailable: /);
    // Not retried before its back-off, then by whichever caller claims it first: exactly one transaction.
    assert.equal(await commitTaxTransaction(server.deps, orderId), 'not_due');
    clock.advance(2 * 60 * 1000);
    const before = transactionCalls().length;
    const outcomes = await Promise.all([
      commitTaxTransaction(server.deps, orderId),
      commitTaxTransaction(twin.deps, orderId),
      reconcilePayments(twin.deps).then(() => 'sweep'),
      commitTaxTransaction(twin.deps, orderId),
    ]);
    assert.ok(outcomes.filter((o) => o === 'created').length <= 1, outcomes.join());
    assert.equal(transactionCalls().slice(before).length, 1);
    const state = await server.deps.storage.taxTransactions.get(orderId);
    assert.deepEqual([state?.error, typeof state?.transaction_id], [null, 'string']);
    emu.webhooks.resume();
    await emu.webhooks.idle();
  });

  it('lets a store that includes tax in its prices show it without adding it to the total', async () => {
    assert.equal((await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/tax`, { ...STRIPE_TAX, prices_include_tax: true })).status, 200);
    try {
      const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
      const res = await details(token, at('DE'));
      // 5000 × 19/119 = 798.3 → 798, 500 × 19/119 = 79.8 → 80: inside the prices.
      assert.deepEqual(res.body.details.amounts, {
        subtotal: 5000,
        discount: 0,
        shipping: 500,
        tax: 0,
        tax_lines: [{ display_name: 'VAT DE', percentage: 19, inclusive: true, amount: 878 }],
        total: 5500,
      });
      const { intent, confirmed } = await pay(server, emu, token);
      assert.equal(confirmed.body.amount, 5500);
      assert.equal((await complete(token, intent.payment_intent_id)).body.order.amount, 5500);
    } finally {
      await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/tax`, STRIPE_TAX);
    }
  });

  it('records the taxed order when the instance stopped between updating the intent and saving the session', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 2]]);
    const intent = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    assert.equal((await details(token, at('DE'))).body.amount, 6545);
    // What a crash after Stripe's update leaves: the intent ships to California with that calculation's tax.
    const calc = await (
      await fetch(`${emu.url}/v1/tax/calculations`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${secret()}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          currency: 'eur',
          'line_items[0][amount]': '5000',
          'line_items[0][reference]': 'tee',
          'shipping_cost[amount]': '500',
          'customer_details[address][country]': 'US',
          'customer_details[address][state]': 'CA',
          'customer_details[address][postal_code]': '12345',
          'customer_details[address_source]': 'shipping',
        }).toString(),
      })
    ).json();
    const moved = await call(
      emu.url,
      'POST',
      `/v1/payment_intents/${intent.payment_intent_id}`,
      new URLSearchParams({
        amount: String(calc.amount_total),
        'shipping[name]': 'Ada Lovelace',
        'shipping[address][line1]': 'Main St 1',
        'shipping[address][city]': 'Somewhere',
        'shipping[address][postal_code]': '12345',
        'shipping[address][state]': 'CA',
        'shipping[address][country]': 'US',
        'metadata[tax_calculation_id]': calc.id,
      }).toString(),
      { Authorization: `Bearer ${secret()}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    );
    assert.equal(moved.status, 200, moved.text);
    await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242');
    const done = await complete(token, intent.payment_intent_id);
    assert.equal(done.status, 200, done.text);
    assert.deepEqual([done.body.order.amount, done.body.order.amounts.tax], [5899, 399]);
    assert.equal((await server.deps.storage.taxTransactions.get(done.body.order.id))?.calculation_id, calc.id);
  });
});
