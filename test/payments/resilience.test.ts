import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { reconcilePayments } from '../../server/src/payments/sweep';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { call, checkoutFor, createdIntents, internal, openShop, pay, transcript, type TestServer } from '../support/shop';

describe('restarts and many stores at once', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const secrets: string[] = [];

  const ordersFor = async (storeId: string, piId: string) =>
    ((await internal(server, 'GET', `/api/internal/stores/${storeId}/orders?limit=100`)).body.data as any[]).filter((o) => o.payment_intent_id === piId);

  before(async () => {
    emu = await startStripeEmulator({ port: 0, webhookRetryBaseMs: 50 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Restart Shop');
    secrets.push(shop.acct.keys.test.secret);
  });
  after(async () => {
    assertNoSecrets([...transcript, ...server.logs].join('\n'), [...secrets, server.internalSecret]);
    await server.destroy();
    await emu.close();
  });

  it('keeps the session and its one intent across a restart, then pays once', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const before = createdIntents(emu).length;
    const first = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    await server.restart();
    const { intent } = await pay(server, emu, token);
    assert.equal(intent.payment_intent_id, first.payment_intent_id);
    const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200);
    assert.equal(createdIntents(emu).length - before, 1);
    assert.equal((await ordersFor(shop.store.id, intent.payment_intent_id)).length, 1);
  });

  it('gets the same intent back after the server died between Stripe creating it and recording it', async () => {
    const { token } = await checkoutFor(server, shop.store.id);
    const before = createdIntents(emu).length;
    const seen = emu.requests.length;
    emu.faults.latencyMs = 300;
    const inFlight = call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    // Stripe has the create request (and makes the intent) but has not answered yet: restart now.
    while (!emu.requests.slice(seen).some((r) => r.method === 'POST' && r.path === '/v1/payment_intents')) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await server.restart(); // the old process's database is gone before Stripe answers
    const lost = await inFlight;
    emu.faults.latencyMs = 0;
    assert.equal(lost.status, 500);
    // The dead process still holds the cart's claim (in the database); it would expire after CART_CLAIM_TTL_MS (30 s,
    // see multi-instance-claims.test.ts for that wait): drop it here instead of waiting.
    assert.equal((await server.sql('SELECT * FROM cart_claims')).length, 1);
    await server.sql('DELETE FROM cart_claims');
    const again = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(again.status, 200);
    assert.equal(createdIntents(emu).length - before, 1, 'Stripe replayed the first intent for the same Idempotency-Key');
    const replays = emu.requests.filter((r) => r.path === '/v1/payment_intents' && r.replayed);
    assert.ok(replays.length >= 1);
  });

  it('records a payment whose webhook was lost across a restart with the sweep run at start', async () => {
    emu.webhooks.pause();
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    const { intent, confirmed } = await pay(server, emu, token);
    assert.equal(confirmed.body.status, 'succeeded');
    await server.restart();
    await reconcilePayments(server.deps); // what main.ts runs on start
    assert.equal((await ordersFor(shop.store.id, intent.payment_intent_id)).length, 1);
    emu.webhooks.resume();
    await emu.webhooks.idle();
    const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200);
    assert.equal((await ordersFor(shop.store.id, intent.payment_intent_id)).length, 1);
  });

  it('records a lost payment with `npm run reconcile` against the same database', async () => {
    emu.webhooks.pause();
    const { token } = await checkoutFor(server, shop.store.id, [['poster', 1]]);
    const { intent } = await pay(server, emu, token);
    const { config } = server.deps;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/src/cli/reconcile.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        ...server.databaseEnv,
        MASTER_KEY: Buffer.from(config.masterKey).toString('base64'),
        INTERNAL_SECRET: server.internalSecret,
        STRIPE_API_URL: emu.url,
        LOG_LEVEL: 'warn',
      },
    });
    assert.match(stdout, /recorded 1 paid order/);
    assertNoSecrets(stdout, secrets);
    assert.equal((await ordersFor(shop.store.id, intent.payment_intent_id)).length, 1);
    emu.webhooks.resume();
    await emu.webhooks.idle();
    assert.equal((await ordersFor(shop.store.id, intent.payment_intent_id)).length, 1);
  });

  it("makes every store's PaymentIntent with that store's own key when many stores pay at once", async () => {
    const shops = await Promise.all(Array.from({ length: 8 }, (_, i) => openShop(server, emu, `Store ${i + 1}`)));
    secrets.push(...shops.map((s) => s.acct.keys.test.secret));
    const seen = emu.requests.length;
    const results = await Promise.all(
      shops.map(async (s) => {
        const { token } = await checkoutFor(server, s.store.id, [['mug', 1]]);
        const { intent } = await pay(server, emu, token);
        const done = await call(server.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: intent.payment_intent_id });
        return { shop: s, intent, done };
      }),
    );
    for (const { shop: s, intent, done } of results) {
      assert.equal(done.status, 200, done.text);
      assert.equal(intent.publishable_key, s.acct.keys.test.publishable);
      // The intent lives in this store's own account: its key can read it, the next store's cannot.
      const own = await fetch(`${emu.url}/v1/payment_intents/${intent.payment_intent_id}`, {
        headers: { Authorization: `Bearer ${s.acct.keys.test.secret}` },
      });
      assert.equal(own.status, 200);
      assert.equal((await own.json()).metadata.store_id, s.store.id);
    }
    const stranger = await fetch(`${emu.url}/v1/payment_intents/${results[0].intent.payment_intent_id}`, {
      headers: { Authorization: `Bearer ${shops[1].acct.keys.test.secret}` },
    });
    assert.equal(stranger.status, 404);
    const creates = emu.requests.slice(seen).filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    assert.equal(creates.length, shops.length);
    for (const s of shops) {
      const mine = creates.filter((r) => r.accountId === s.acct.id);
      assert.equal(mine.length, 1);
      assert.equal(mine[0].apiKey, s.acct.keys.test.secret);
    }
    const serverCalls = emu.requests.slice(seen).filter((r) => r.path.startsWith('/v1/payment_intents') && r.apiKey?.startsWith('sk_'));
    for (const r of serverCalls) {
      assert.equal(r.apiKey, shops.find((s) => s.acct.id === r.accountId)!.acct.keys.test.secret);
    }
  });
});
