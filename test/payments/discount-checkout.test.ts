// Shoppers apply discount codes: the cart and the checkout show the discount, the PaymentIntent charges the
// discounted total, the order records the code, and a code's limits hold under races across two instances.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, internal, intentsOfCart, openShop, pay, type TestServer } from '../support/shop';

const DAY = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const SHIPPING = { countries: ['DE'], rates: [{ id: 'standard', display_name: 'Standard', amount: 490 }] };
const ADDRESS = { name: 'Ada Lovelace', address: { line1: 'Hauptstr. 1', city: 'Berlin', postal_code: '10115', country: 'DE' } };

describe('discount codes at checkout', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;

  const discount = async (body: Record<string, unknown>) => {
    const res = await internal(server, 'POST', `/api/internal/stores/${shop.store.id}/discounts`, body);
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; code: string };
  };
  const timesRedeemed = async (id: string) => (await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/discounts/${id}`)).body.times_redeemed;
  const cartWith = async (lines: [string, number][], base = server.url) => {
    const cart = await call(base, 'POST', `/api/stores/${shop.store.id}/carts`);
    for (const [product_id, quantity] of lines)
      assert.equal((await call(base, 'POST', `/api/carts/${cart.body.id}/items`, { product_id, quantity })).status, 200);
    return cart.body.id as string;
  };
  const apply = (cartId: string, code: unknown, base = server.url) => call(base, 'POST', `/api/carts/${cartId}/discount`, { code });
  const checkout = (cartId: string, base = server.url) => call(base, 'POST', `/api/carts/${cartId}/checkout`);
  const complete = async (token: string) => {
    const { intent } = await pay(server, emu, token);
    return call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
  };

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Discount Checkout Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('applies a code in any case, shows it on the cart, and the paid order and PaymentIntent carry the discounted total', async () => {
    const d = await discount({ code: 'WELCOME10', percent_off: 10 });
    const cartId = await cartWith([['tee', 2]]);
    const applied = await apply(cartId, ' welcome10 ');
    assert.equal(applied.status, 200, applied.text);
    assert.deepEqual(
      [applied.body.subtotal, applied.body.discount, applied.body.total],
      [5000, { code: 'WELCOME10', amount: 500, free_shipping: false, capped: false }, 4500],
    );
    assert.deepEqual((await call(server.url, 'GET', `/api/carts/${cartId}`)).body.discount, applied.body.discount);

    const opened = await checkout(cartId);
    assert.equal(opened.status, 201, opened.text);
    const view = await call(server.url, 'GET', `/api/checkout/${opened.body.token}`);
    assert.deepEqual([view.body.amount, view.body.details.amounts], [4500, { subtotal: 5000, discount: 500, shipping: 0, tax: 0, tax_lines: [], total: 4500 }]);
    // The session names the cart's code as the store defined it, not as the shopper typed it.
    assert.deepEqual(view.body.details.discount, { code: 'WELCOME10', amount: 500 });
    const done = await complete(opened.body.token);
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(done.body.order.discount, { code: 'WELCOME10', amount: 500 });
    assert.deepEqual(done.body.order.amounts, { subtotal: 5000, discount: 500, shipping: 0, tax: 0, tax_lines: [], total: 4500 });
    const [pi] = await intentsOfCart(emu, shop.acct.keys.test.secret, cartId);
    assert.equal(pi.amount, 4500);
    const again = await call(server.url, 'POST', `/api/checkout/${opened.body.token}/complete`, { payment_intent_id: pi.id });
    assert.equal(again.body.order.id, done.body.order.id);
    assert.equal(await timesRedeemed(d.id), 1, 'recording the order twice counts it once');
    const listed = await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders`);
    assert.deepEqual(listed.body.data.find((o: { id: string }) => o.id === done.body.order.id).discount, { code: 'WELCOME10', amount: 500 });
  });

  it('refuses codes that do not apply with the right 422 and leaves the cart as it was', async () => {
    const now = Date.now();
    await discount({ code: 'OLD', percent_off: 10, starts_at: iso(now - 10 * DAY), ends_at: iso(now - DAY) });
    await discount({ code: 'SOON', percent_off: 10, starts_at: iso(now + DAY) });
    await discount({ code: 'BIGSPEND', percent_off: 10, min_subtotal: 10_000, currency: 'eur' });
    await discount({ code: 'POSTERS', percent_off: 10, product_ids: ['poster'] });
    await discount({ code: 'PAUSED', percent_off: 10, active: false });
    const gone = await discount({ code: 'GONE', percent_off: 10, max_redemptions: 1 });
    await server.sql('UPDATE discounts SET times_redeemed = 1 WHERE id = ?', [gone.id]);
    const cartId = await cartWith([['tee', 2]]);
    const before = await call(server.url, 'GET', `/api/carts/${cartId}`);
    const cases: [string, string, RegExp][] = [
      ['NOPE', 'discount_not_found', /does not exist/],
      ['PAUSED', 'discount_not_found', /does not exist/],
      ['OLD', 'discount_expired', /expired/],
      ['SOON', 'discount_expired', /not valid yet/],
      ['BIGSPEND', 'discount_minimum_not_met', /Add €50\.00 more/],
      ['POSTERS', 'discount_not_applicable', /any product in the cart/],
      ['GONE', 'discount_exhausted', /used up/],
    ];
    for (const [code, error, message] of cases) {
      const res = await apply(cartId, code);
      assert.deepEqual([code, res.status, res.body.error.code, res.body.error.param], [code, 422, error, 'code'], res.text);
      assert.match(res.body.error.message, message);
    }
    assert.deepEqual((await call(server.url, 'GET', `/api/carts/${cartId}`)).body, before.body);
  });

  it("caps a code that would take the total below Stripe's minimum charge, and says so", async () => {
    await discount({ code: 'HUGE', amount_off: 100_000, currency: 'eur' });
    const cartId = await cartWith([['poster', 1]]);
    const res = await apply(cartId, 'HUGE');
    assert.deepEqual([res.body.discount, res.body.total], [{ code: 'HUGE', amount: 850, free_shipping: false, capped: true }, 50]);
  });

  it('shows no discount once the cart stops qualifying, keeps the code, and applies it again when it does', async () => {
    await discount({ code: 'TWOTEES', amount_off: 300, currency: 'eur', min_subtotal: 5000 });
    const cartId = await cartWith([['tee', 2]]);
    assert.equal((await apply(cartId, 'TWOTEES')).body.discount.amount, 300);
    const fewer = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/tee`, { quantity: 1 });
    assert.deepEqual([fewer.body.discount, fewer.body.total], [null, 2500]);
    const more = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/tee`, { quantity: 2 });
    assert.deepEqual([more.body.discount?.amount, more.body.total], [300, 4700]);
    const removed = await call(server.url, 'DELETE', `/api/carts/${cartId}/discount`);
    assert.deepEqual([removed.status, removed.body.discount, removed.body.total], [200, null, 5000]);
  });

  it('applies and removes a code at checkout, repricing the session and its PaymentIntent; free shipping zeroes the rate', async () => {
    const put = await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/shipping`, SHIPPING);
    assert.equal(put.status, 200, put.text);
    await discount({ code: 'SHIPFREE', free_shipping: true });
    const cartId = await cartWith([['tee', 1]]);
    const { token } = (await checkout(cartId)).body;
    const details = (body: unknown) => call(server.url, 'POST', `/api/checkout/${token}/details`, body);
    assert.equal((await details({ email: 'bo@example.com', shipping: ADDRESS })).body.amount, 2990);
    await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    const free = await details({ discount_code: 'shipfree' });
    assert.equal(free.status, 200, free.text);
    assert.deepEqual(free.body.details.amounts, { subtotal: 2500, discount: 0, shipping: 0, tax: 0, tax_lines: [], total: 2500 });
    assert.deepEqual(free.body.details.discount, { code: 'SHIPFREE', amount: 0 }, 'a free-shipping code is named though it takes nothing off');
    assert.equal((await intentsOfCart(emu, shop.acct.keys.test.secret, cartId))[0].amount, 2500);
    const unknown = await details({ discount_code: 'NOPE' });
    assert.deepEqual([unknown.status, unknown.body.error.code, unknown.body.error.param], [422, 'discount_not_found', 'discount_code']);
    const removed = await details({ discount_code: null });
    assert.deepEqual(removed.body.details.amounts, { subtotal: 2500, discount: 0, shipping: 490, tax: 0, tax_lines: [], total: 2990 });
    assert.equal(removed.body.details.discount, null);
    assert.equal((await intentsOfCart(emu, shop.acct.keys.test.secret, cartId))[0].amount, 2990);
  });

  it('refuses a once-per-email code to an email that already used it, in any case', async () => {
    await discount({ code: 'ONCE', percent_off: 20, once_per_email: true });
    const first = await cartWith([['mug', 1]]);
    await apply(first, 'ONCE');
    const one = (await checkout(first)).body.token;
    await call(server.url, 'POST', `/api/checkout/${one}/details`, { email: 'ada@example.com' });
    assert.equal((await complete(one)).body.order.discount.code, 'ONCE');
    const second = await cartWith([['mug', 1]]);
    await apply(second, 'ONCE');
    const two = (await checkout(second)).body.token;
    const reused = await call(server.url, 'POST', `/api/checkout/${two}/details`, { email: 'ADA@example.com' });
    assert.deepEqual([reused.status, reused.body.error.code], [422, 'discount_already_used']);
  });

  it('records an order paid after its code ran out at the price paid, marking the redemption over the limit', async () => {
    const d = await discount({ code: 'LASTONE', percent_off: 50, max_redemptions: 1 });
    const a = await cartWith([['tee', 1]]);
    await apply(a, 'LASTONE');
    const tokenA = (await checkout(a)).body.token;
    // A's reservation runs out (its session's time passed) and B takes the last use and pays first.
    await server.sql('UPDATE discount_reservations SET expires_at = 1 WHERE cart_id = ?', [a]);
    const b = await cartWith([['tee', 1]]);
    await apply(b, 'LASTONE');
    assert.equal((await complete((await checkout(b)).body.token)).status, 200);
    const late = await complete(tokenA);
    assert.equal(late.status, 200, late.text);
    assert.deepEqual([late.body.order.amount, late.body.order.discount], [1250, { code: 'LASTONE', amount: 1250 }]);
    const rows = await server.sql<{ over_limit: string | null }>(
      'SELECT over_limit FROM discount_redemptions WHERE discount_id = ? ORDER BY created_at, over_limit',
      [d.id],
    );
    assert.deepEqual(rows.map((r) => r.over_limit).sort(), ['exhausted', null].sort());
    assert.equal(await timesRedeemed(d.id), 2);
  });

  it('gives the last use of a code to exactly one of 20 checkouts racing on two instances', async () => {
    const d = await discount({ code: 'RACE', percent_off: 10, max_redemptions: 1 });
    const twin = await server.twin();
    const bases = Array.from({ length: 20 }, (_, i) => (i % 2 ? twin.url : server.url));
    const carts = await Promise.all(bases.map((base) => cartWith([['mug', 1]], base)));
    for (const [i, cartId] of carts.entries()) assert.equal((await apply(cartId, 'RACE', bases[i])).status, 200);
    const opened = await Promise.all(carts.map((cartId, i) => checkout(cartId, bases[i])));
    const won = opened.filter((r) => r.status === 201);
    assert.equal(won.length, 1, opened.map((r) => r.text).join('\n'));
    assert.ok(opened.filter((r) => r.status !== 201).every((r) => r.status === 422 && r.body.error.code === 'discount_exhausted'));
    const done = await complete(won[0].body.token);
    assert.deepEqual(done.body.order.discount, { code: 'RACE', amount: 120 });
    assert.equal(await timesRedeemed(d.id), 1);
    const uses = await server.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM orders WHERE discount_code = ?', ['RACE']);
    assert.equal(Number(uses[0].n), 1);
  });

  it('answers bad input on every new field with 4xx JSON and stores nothing', async () => {
    const cartId = await cartWith([['tee', 1]]);
    const { token } = (await checkout(cartId)).body;
    const cartBefore = await server.sql('SELECT discount_id, version FROM carts WHERE id = ?', [cartId]);
    const sessionBefore = await server.sql('SELECT discount_json, discount_amount, amount, details_version FROM checkouts WHERE cart_id = ?', [cartId]);
    const bad: [string, string, unknown][] = [
      ['POST', `/api/carts/${cartId}/discount`, {}],
      ['POST', `/api/carts/${cartId}/discount`, { code: 5 }],
      ['POST', `/api/carts/${cartId}/discount`, { code: 'X'.repeat(101) }],
      ['POST', `/api/carts/${cartId}/discount`, { code: 'WELCOME10', extra: true }],
      ['POST', `/api/carts/${cartId}/discount`, '{"code":'],
      ['POST', `/api/carts/${cartId}/discount`, []],
      ['POST', `/api/checkout/${token}/details`, { discount_code: 5 }],
      ['POST', `/api/checkout/${token}/details`, { discount_code: 'X'.repeat(101) }],
      ['POST', `/api/checkout/${token}/details`, { discount_code: ['WELCOME10'] }],
      ['POST', '/api/carts/cart_nope/discount', { code: 'WELCOME10' }],
      ['DELETE', '/api/carts/cart_nope/discount', undefined],
    ];
    for (const [method, path, body] of bad) {
      const res = await call(server.url, method, path, body);
      assert.ok(
        res.status >= 400 && res.status < 500 && typeof res.body?.error?.code === 'string',
        `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`,
      );
    }
    assert.deepEqual(await server.sql('SELECT discount_id, version FROM carts WHERE id = ?', [cartId]), cartBefore);
    assert.deepEqual(
      await server.sql('SELECT discount_json, discount_amount, amount, details_version FROM checkouts WHERE cart_id = ?', [cartId]),
      sessionBefore,
    );
  });
});

describe('guessing discount codes', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let storeId: string;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, env: { rateLimits: { cartDiscountCodesPerMinute: 3, discountCodesPerMinute: 5 } } });
    storeId = (await openShop(server, emu, 'Guessing Shop')).store.id;
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  const newCart = async () => (await call(server.url, 'POST', `/api/stores/${storeId}/carts`)).body.id as string;

  it('answers 429 with Retry-After once a cart, then a client address, has tried too many codes', async () => {
    const cartId = await newCart();
    for (let i = 0; i < 3; i++) assert.equal((await call(server.url, 'POST', `/api/carts/${cartId}/discount`, { code: `GUESS${i}` })).status, 422);
    const perCart = await call(server.url, 'POST', `/api/carts/${cartId}/discount`, { code: 'GUESS3' });
    assert.deepEqual([perCart.status, perCart.body.error.code], [429, 'rate_limited']);
    assert.match(perCart.headers.get('retry-after') ?? '', /^\d+$/);
    const other = await newCart();
    assert.equal((await call(server.url, 'POST', `/api/carts/${other}/discount`, { code: 'GUESS4' })).status, 422);
    const perAddress = await call(server.url, 'POST', `/api/carts/${other}/discount`, { code: 'GUESS5' });
    assert.deepEqual([perAddress.status, perAddress.body.error.code], [429, 'rate_limited']);
    assert.match(perAddress.headers.get('retry-after') ?? '', /^\d+$/);
  });
});
