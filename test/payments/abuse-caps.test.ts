// A script must not grow a cart or its sessions without bound, and the sweep must not
// keep paying Stripe calls for sessions nobody can use.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { hashToken } from '../../server/src/payments/ids';
import { reconcilePayments } from '../../server/src/payments/sweep';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, createdIntents, internal, openShop, type TestServer } from '../support/shop';

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;

describe('a cart and its checkout sessions have caps', () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;

  const retrievesOf = (intentId: string) => emu.requests.filter((r) => r.method === 'GET' && r.path === `/v1/payment_intents/${intentId}`).length;
  const sessionRow = (token: string) => server.deps.storage.checkouts.findByTokenHash(hashToken(token));

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, clock });
    shop = await openShop(server, emu, 'Capped Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('refuses a 101st different product in one cart with 422 cart_full, and still takes more of a product it holds', async () => {
    const products = Array.from({ length: 101 }, (_, i) => ({ id: `p${i}`, name: `Product ${i}`, unit_amount: 100, currency: 'eur' }));
    const put = await internal(server, 'PUT', `/api/internal/stores/${shop.store.id}/products`, { products });
    assert.equal(put.status, 200, put.text);
    const cart = (await call(server.url, 'POST', `/api/stores/${shop.store.id}/carts`)).body;
    for (let i = 0; i < 100; i++) {
      const added = await call(server.url, 'POST', `/api/carts/${cart.id}/items`, { product_id: `p${i}`, quantity: 1 });
      assert.equal(added.status, 200, added.text);
    }
    const full = await call(server.url, 'POST', `/api/carts/${cart.id}/items`, { product_id: 'p100', quantity: 1 });
    assert.equal(full.status, 422);
    assert.equal(full.body.error.code, 'cart_full');
    assert.equal((await call(server.url, 'GET', `/api/carts/${cart.id}`)).body.items.length, 100);
    const more = await call(server.url, 'POST', `/api/carts/${cart.id}/items`, { product_id: 'p0', quantity: 2 });
    assert.equal(more.status, 200, more.text);
  });

  it('answers the 21st unexpired checkout session of one cart with 429 and Retry-After, without creating a PaymentIntent', async () => {
    const { cartId } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    for (let i = 2; i <= 20; i++) assert.equal((await call(server.url, 'POST', `/api/carts/${cartId}/checkout`)).status, 201);
    const intentsBefore = createdIntents(emu).length;
    const refused = await call(server.url, 'POST', `/api/carts/${cartId}/checkout`);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 30 * 60, `Retry-After ${refused.headers.get('retry-after')}`);
    assert.equal(createdIntents(emu).length, intentsBefore);
    clock.advance(31 * MINUTE); // all twenty expired
    assert.equal((await call(server.url, 'POST', `/api/carts/${cartId}/checkout`)).status, 201);
  });

  it('leaves superseded sessions out of the sweep', async () => {
    const { cartId, token: first } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    const a = (await call(server.url, 'POST', `/api/checkout/${first}/payment-intent`)).body;
    const second = (await call(server.url, 'POST', `/api/carts/${cartId}/checkout`)).body.token;
    const b = (await call(server.url, 'POST', `/api/checkout/${second}/payment-intent`)).body;
    assert.notEqual(a.payment_intent_id, b.payment_intent_id);
    const [beforeA, beforeB] = [retrievesOf(a.payment_intent_id), retrievesOf(b.payment_intent_id)];
    await reconcilePayments(server.deps);
    assert.equal(retrievesOf(a.payment_intent_id) - beforeA, 0, 'the superseded session’s intent is not retrieved');
    assert.equal(retrievesOf(b.payment_intent_id) - beforeB, 1, 'the live one is');
  });

  it('cancels an expired session’s still-confirmable intent a day after expiry, and deletes sessions that can take no money 7 days after expiry', async () => {
    const { token: withIntent } = await checkoutFor(server, shop.store.id, [['mug', 1]]);
    const intent = (await call(server.url, 'POST', `/api/checkout/${withIntent}/payment-intent`)).body;
    const { token: without } = await checkoutFor(server, shop.store.id, [['poster', 1]]);
    const status = async () =>
      (
        await fetch(`${emu.url}/v1/payment_intents/${intent.payment_intent_id}`, { headers: { Authorization: `Bearer ${shop.acct.keys.test.secret}` } }).then(
          (r) => r.json(),
        )
      ).status;
    clock.advance(30 * MINUTE + 12 * 60 * MINUTE); // expired half a day ago
    await reconcilePayments(server.deps);
    assert.equal(await status(), 'requires_payment_method', 'not yet a day');
    clock.advance(13 * 60 * MINUTE); // expired over a day ago
    await reconcilePayments(server.deps);
    assert.equal(await status(), 'canceled');
    assert.ok(await sessionRow(withIntent));
    assert.ok(await sessionRow(without));
    clock.advance(5 * DAY); // 6 days after expiry
    assert.equal((await reconcilePayments(server.deps)).purged_sessions, 0);
    clock.advance(1 * DAY + MINUTE); // over 7 days
    const report = await reconcilePayments(server.deps);
    assert.ok(report.purged_sessions >= 2, `purged ${report.purged_sessions}`);
    assert.equal(await sessionRow(withIntent), null);
    assert.equal(await sessionRow(without), null);
  });
});
