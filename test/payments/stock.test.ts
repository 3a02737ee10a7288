// Stock that never oversells: products carry an optional stock, a checkout session reserves its units for its
// lifetime (across instances: two apps on one database), and a paid order turns the reservation into a sale.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { CHECKOUT_TTL_MS } from '../../server/src/payments/sessions';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { hashToken } from '../../server/src/payments/ids';
import { call, checkoutFor, internal, openShop, pay, type TestServer } from '../support/shop';

describe('stock and reservations', () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;
  let twin: Awaited<ReturnType<TestServer['twin']>>;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const products = () => `/api/internal/stores/${shop.store.id}/products`;
  /** Sets a product's stock through the catalog upsert (a new product each time: no reservations yet). */
  const stocked = async (id: string, stock: number | null) => {
    const put = await internal(server, 'PUT', products(), { products: [{ id, name: `Beans ${id}`, unit_amount: 1500, currency: 'eur', stock }] });
    assert.equal(put.status, 200, put.text);
  };
  const product = async (id: string) => (await internal(server, 'GET', products())).body.data.find((p: { id: string }) => p.id === id);
  const adjust = (id: string, body: unknown) => internal(server, 'POST', `${products()}/${id}/stock`, body);
  const cartWith = async (productId: string, quantity: number) => {
    const cart = await call(server.url, 'POST', `/api/stores/${shop.store.id}/carts`);
    const added = await call(server.url, 'POST', `/api/carts/${cart.body.id}/items`, { product_id: productId, quantity });
    assert.equal(added.status, 200, added.text);
    return cart.body.id as string;
  };
  const complete = (token: string, paymentIntentId: string) =>
    call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: paymentIntentId });

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, clock });
    twin = await server.twin();
    shop = await openShop(server, emu, 'Stock Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  describe('in the catalog', () => {
    it('keeps stock from the upsert and shows stock, reserved and available; unlimited products show null', async () => {
      await stocked('beans', 7);
      assert.deepEqual((({ stock, reserved, available }) => ({ stock, reserved, available }))(await product('beans')), { stock: 7, reserved: 0, available: 7 });
      assert.deepEqual((({ stock, available }) => ({ stock, available }))(await product('tee')), { stock: null, available: null });
    });

    it('keeps the stock when an upsert leaves it out, and makes the product unlimited with null', async () => {
      await stocked('keep', 4);
      await internal(server, 'PUT', products(), { products: [{ id: 'keep', name: 'Renamed', unit_amount: 1500, currency: 'eur' }] });
      assert.equal((await product('keep')).stock, 4);
      await stocked('keep', null);
      assert.equal((await product('keep')).available, null);
    });

    it('shows the public catalog available only (no stock, no reserved)', async () => {
      await stocked('public-beans', 3);
      const list = await call(server.url, 'GET', `/api/stores/${shop.store.id}/products`);
      const p = list.body.data.find((x: { id: string }) => x.id === 'public-beans');
      assert.equal(p.available, 3);
      assert.ok(!('stock' in p) && !('reserved' in p), JSON.stringify(p));
    });

    it('adjusts stock relatively and refuses to go below zero with what is left (409, nothing changed)', async () => {
      await stocked('adj', 2);
      const up = await adjust('adj', { adjust: 5 });
      assert.equal(up.status, 200, up.text);
      assert.equal(up.body.stock, 7);
      const down = await adjust('adj', { adjust: -8 });
      assert.equal(down.status, 409);
      assert.equal(down.body.error.code, 'insufficient_stock');
      assert.equal(down.body.error.stock, 7);
      assert.equal((await product('adj')).stock, 7);
    });

    it('refuses adjusting an unlimited product or an unknown one', async () => {
      const unlimited = await adjust('tee', { adjust: 1 });
      assert.deepEqual([unlimited.status, unlimited.body.error.code], [409, 'stock_unlimited']);
      const unknown = await adjust('nope', { adjust: 1 });
      assert.deepEqual([unknown.status, unknown.body.error.code], [422, 'product_not_found']);
    });

    it('answers bad input on every new field with 4xx JSON and changes nothing', async () => {
      await stocked('bad', 5);
      for (const body of [
        {},
        { adjust: 0 },
        { adjust: 1.5 },
        { adjust: '3' },
        { adjust: null },
        { adjust: 2e9 },
        { adjust: -2e9 },
        { adjust: 1, extra: 1 },
        [],
        'x',
      ]) {
        const r = await adjust('bad', body);
        assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)}: ${r.status} ${r.text}`);
        assert.ok(r.body.error.code, r.text);
      }
      for (const stock of [-1, 1.5, '5', 2e9, true]) {
        const r = await internal(server, 'PUT', products(), { products: [{ id: 'bad', name: 'Bad', unit_amount: 1500, currency: 'eur', stock }] });
        assert.equal(r.status, 400, `${JSON.stringify(stock)}: ${r.text}`);
      }
      assert.equal((await product('bad')).stock, 5);
    });
  });

  describe('in carts', () => {
    it('refuses adding beyond what is available with 409 out_of_stock and what is left', async () => {
      await stocked('cart-beans', 2);
      const cart = await call(server.url, 'POST', `/api/stores/${shop.store.id}/carts`);
      const tooMany = await call(server.url, 'POST', `/api/carts/${cart.body.id}/items`, { product_id: 'cart-beans', quantity: 3 });
      assert.equal(tooMany.status, 409);
      assert.deepEqual([tooMany.body.error.code, tooMany.body.error.product_id, tooMany.body.error.available], ['out_of_stock', 'cart-beans', 2]);
      assert.equal((await call(server.url, 'POST', `/api/carts/${cart.body.id}/items`, { product_id: 'cart-beans', quantity: 2 })).status, 200);
      const raised = await call(server.url, 'PATCH', `/api/carts/${cart.body.id}/items/cart-beans`, { quantity: 3 });
      assert.deepEqual([raised.status, raised.body.error?.code], [409, 'out_of_stock']);
    });

    it("does not count the cart's own reservation against it, so a shopper can still lower a line", async () => {
      await stocked('own', 2);
      const cartId = await cartWith('own', 2);
      assert.equal((await call(server.url, 'POST', `/api/carts/${cartId}/checkout`)).status, 201);
      const lowered = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/own`, { quantity: 1 });
      assert.equal(lowered.status, 200, lowered.text);
      const back = await call(server.url, 'PATCH', `/api/carts/${cartId}/items/own`, { quantity: 2 });
      assert.equal(back.status, 200, back.text);
    });
  });

  describe('reservations', () => {
    it('makes exactly 3 sessions of 50 concurrent checkouts for the last 3 units across two instances; the others get 409 out_of_stock', async () => {
      await stocked('last', 3);
      const carts = await Promise.all(Array.from({ length: 50 }, () => cartWith('last', 1)));
      const answers = await Promise.all(carts.map((id, i) => call(i % 2 ? twin.url : server.url, 'POST', `/api/carts/${id}/checkout`)));
      const made = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status === 409 && a.body.error.code === 'out_of_stock');
      assert.equal(
        made.length,
        3,
        answers
          .filter((a) => a.status !== 201 && a.status !== 409)
          .map((a) => a.text)
          .join('\n'),
      );
      assert.equal(refused.length, 47);
      assert.equal(refused[0].body.error.available, 0);
      assert.deepEqual((({ stock, reserved, available }) => ({ stock, reserved, available }))(await product('last')), { stock: 3, reserved: 3, available: 0 });
    });

    it('refuses a session that cannot reserve and creates neither a session nor an intent', async () => {
      await stocked('gone', 1);
      const [first, second] = [await cartWith('gone', 1), await cartWith('gone', 1)];
      assert.equal((await call(server.url, 'POST', `/api/carts/${first}/checkout`)).status, 201);
      const intentsBefore = emu.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents').length;
      const refused = await call(server.url, 'POST', `/api/carts/${second}/checkout`);
      assert.deepEqual(
        [refused.status, refused.body.error.code, refused.body.error.product_id, refused.body.error.available],
        [409, 'out_of_stock', 'gone', 0],
      );
      assert.equal((await server.sql('SELECT id FROM checkouts WHERE cart_id = ?', [second])).length, 0);
      assert.equal(emu.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents').length, intentsBefore);
      assert.equal((await product('gone')).reserved, 1);
    });

    it('lets unlimited products through without reserving anything', async () => {
      const { checkout } = await checkoutFor(server, shop.store.id, [['tee', 3]]);
      assert.ok(checkout.token);
      assert.equal((await product('tee')).reserved, 0);
    });

    it('gives an expired reservation back', async () => {
      await stocked('expiring', 1);
      await checkoutFor(server, shop.store.id, [['expiring', 1]]);
      assert.equal((await product('expiring')).available, 0);
      clock.advance(CHECKOUT_TTL_MS + 1000);
      assert.equal((await product('expiring')).available, 1);
      await checkoutFor(server, shop.store.id, [['expiring', 1]]);
      assert.equal((await product('expiring')).available, 0);
    });

    it("releases a superseded session's reservation (a newer session of the same cart replaces it)", async () => {
      await stocked('tabs', 3);
      const cartId = await cartWith('tabs', 2);
      const first = await call(server.url, 'POST', `/api/carts/${cartId}/checkout`);
      assert.equal((await product('tabs')).reserved, 2);
      assert.equal((await call(server.url, 'PATCH', `/api/carts/${cartId}/items/tabs`, { quantity: 1 })).status, 200);
      const second = await call(server.url, 'POST', `/api/carts/${cartId}/checkout`);
      assert.equal(second.status, 201, second.text);
      await pay(server, emu, second.body.token);
      assert.equal((await product('tabs')).reserved, 1, 'only the newest session holds units');
      // The first session by its token (two sessions made in one millisecond cannot be told apart by time).
      const firstId = (await server.deps.storage.checkouts.findByTokenHash(hashToken(first.body.token as string)))!.id;
      assert.equal((await server.sql('SELECT * FROM stock_reservations WHERE checkout_id = ?', [firstId])).length, 0);
    });

    it('gives the units back when a session is superseded by another instance', async () => {
      await stocked('super', 2);
      const { token } = await checkoutFor(server, shop.store.id, [['super', 2]]);
      const chk = await server.deps.storage.checkouts.findByTokenHash(hashToken(token));
      await twin.deps.storage.checkouts.markSuperseded(chk!.id);
      assert.equal((await product('super')).available, 2);
    });

    it('turns a paid order’s reservation into a sale', async () => {
      await stocked('sold', 5);
      const { token } = await checkoutFor(server, shop.store.id, [['sold', 2]]);
      const { intent } = await pay(server, emu, token);
      const done = await complete(token, intent.payment_intent_id);
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.order.oversold, false);
      assert.deepEqual((({ stock, reserved, available }) => ({ stock, reserved, available }))(await product('sold')), { stock: 3, reserved: 0, available: 3 });
    });

    it('never loses a sale to a concurrent adjust', async () => {
      await stocked('busy', 20);
      const sessions = await Promise.all(Array.from({ length: 4 }, () => checkoutFor(server, shop.store.id, [['busy', 2]])));
      const intents = await Promise.all(sessions.map((s) => pay(server, emu, s.token)));
      await Promise.all([
        ...sessions.map((s, i) => complete(s.token, intents[i].intent.payment_intent_id)),
        ...Array.from({ length: 6 }, (_, i) =>
          call(i % 2 ? server.url : twin.url, 'POST', `${products()}/busy/stock`, { adjust: i % 2 ? 3 : -1 }, { 'X-Internal-Secret': server.internalSecret }),
        ),
      ]);
      // 20 − 4×2 sold + 3×3 − 3×1 = 18
      assert.equal((await product('busy')).stock, 18);
    });

    it('records a payment that succeeds after its reservation lapsed and the stock went elsewhere, flagged oversold', async () => {
      await stocked('late', 1);
      emu.webhooks.pause();
      try {
        const first = await checkoutFor(server, shop.store.id, [['late', 1]]);
        const { intent } = await pay(server, emu, first.token); // the money moves, the shopper's tab then closes
        clock.advance(CHECKOUT_TTL_MS + 1000);
        const second = await checkoutFor(server, shop.store.id, [['late', 1]]);
        const paid = await pay(server, emu, second.token);
        assert.equal((await complete(second.token, paid.intent.payment_intent_id)).body.order.oversold, false);
        const late = await complete(first.token, intent.payment_intent_id);
        assert.equal(late.status, 200, late.text);
        assert.equal(late.body.order.oversold, true);
        assert.equal((await product('late')).stock, 0, 'floored at zero');
        const listed = await internal(server, 'GET', `/api/internal/stores/${shop.store.id}/orders`);
        assert.equal(listed.body.data.find((o: { id: string }) => o.id === late.body.order.id).oversold, true);
      } finally {
        emu.webhooks.resume();
      }
    });
  });
});
