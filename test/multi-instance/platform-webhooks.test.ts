// The platform's webhooks from two real server processes on one PostgreSQL database (test/support/
// multi-instance.ts): both run the delivery worker as `npm start` does, and a healthy receiver gets each
// event exactly once, signed. Skipped loudly when nothing answers on 127.0.0.1:5432, unless CI=true.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, confirmWithCard, PRODUCTS } from '../support/shop';
import { independentSignature, startReceiver, until } from '../platform/receiver';
import { submitConnectForm } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { PG_ADDRESS, postgresAnswers, startCluster, type Cluster } from '../support/multi-instance';

const pgUp = await postgresAnswers();
const SKIP = !pgUp && process.env.CI !== 'true' ? `PostgreSQL SKIPPED: nothing answers on ${PG_ADDRESS}` : false;

describe('platform webhooks from two instances on one database', { skip: SKIP, timeout: 180_000 }, () => {
  let c: Cluster;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let storeId: string;
  let secret: string;
  let publishable: string;
  const internal = (method: string, path: string, body?: unknown) =>
    call(c.proxyUrl, method, `/api/internal${path}`, body, { 'X-Internal-Secret': c.internalSecret });

  before(async () => {
    if (!pgUp) throw new Error(`PostgreSQL FAILED: nothing answers on ${PG_ADDRESS} (CI=true requires it)`);
    c = await startCluster(2);
    rx = await startReceiver();
    storeId = (await internal('POST', '/stores', { name: 'Hooked Shop', allowed_origins: [] })).body.id;
    const acct = c.emu.createAccount('Hooked Shop');
    publishable = acct.keys.test.publishable;
    const link = await internal('POST', `/stores/${storeId}/connect-link`, {});
    assert.equal((await submitConnectForm(link.body.url, acct.keys.test)).status, 303);
    assert.equal((await internal('PUT', `/stores/${storeId}/products`, { products: PRODUCTS })).status, 200);
    const ep = await internal('POST', '/webhook-endpoints', { url: rx.url, event_types: ['order.paid'], store_ids: [storeId] });
    assert.equal(ep.status, 201, ep.text);
    secret = ep.body.secret;
  });
  after(async () => {
    await rx?.close();
    await c?.destroy();
  });

  it('delivers each paid order once, signed, whichever instance recorded it', async () => {
    const orders: string[] = [];
    for (let i = 0; i < 6; i++) {
      const base = c.instances[i % 2].url;
      const cart = await call(base, 'POST', `/api/stores/${storeId}/carts`);
      await call(base, 'POST', `/api/carts/${cart.body.id}/items`, { product_id: 'tee', quantity: 1 });
      const { token } = (await call(base, 'POST', `/api/carts/${cart.body.id}/checkout`)).body;
      const intent = await call(base, 'POST', `/api/checkout/${token}/payment-intent`);
      assert.equal(intent.status, 200, intent.text);
      assert.equal((await confirmWithCard(c.emu, publishable, intent.body, '4242424242424242')).body.status, 'succeeded');
      const done = await call(c.instances[(i + 1) % 2].url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.body.payment_intent_id });
      assert.equal(done.status, 200, done.text);
      orders.push(done.body.order.id);
    }
    await c.emu.webhooks.idle();
    await until(() => rx.received.length >= 6, 30_000, 'six deliveries');
    await new Promise((r) => setTimeout(r, 2500)); // two more polls of each worker: nothing sent twice
    assert.equal(rx.received.length, 6);
    assert.deepEqual(rx.received.map((r) => r.event.data.id).sort(), [...orders].sort());
    assert.equal(new Set(rx.received.map((r) => r.headers['webhook-id'])).size, 6);
    for (const r of rx.received) {
      const expected = independentSignature(secret, String(r.headers['webhook-id']), String(r.headers['webhook-timestamp']), r.body);
      assert.equal(r.headers['webhook-signature'], expected);
    }
    const logs = c.instances.map((i) => i.tail(100_000)).join('\n');
    assert.ok(logs.includes('webhook delivered'));
    assertNoSecrets(logs, [secret, ...rx.received.map((r) => String(r.headers['webhook-signature']).slice(3))], "the instances' logs");
  });
});
