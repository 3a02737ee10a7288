// The invariants that used to live in process memory hold across instances. Two app instances on
// one database (server.twin(): the same SQLite file, or the same PostgreSQL database) stand in for two
// server processes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { manualClock } from '../../server/src/clock';
import { CART_CLAIM_TTL_MS, releaseInstanceClaims } from '../../server/src/payments/claims';
import { reconcileIfLeader, RECONCILE_INTERVAL_MS, startReconcileLoop, SWEEP_LEASE, SWEEP_LEASE_SLACK_MS } from '../../server/src/payments/sweep';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, openShop, intentsOfCart, type TestServer } from '../support/shop';

/** The emulator's PaymentIntent retrieves (what a sweep costs), from request number `from` on. */
function retrieves(emu: StripeEmulator, from: number) {
  return emu.requests.slice(from).filter((r) => r.method === 'GET' && /^\/v1\/payment_intents\/pi_/.test(r.path));
}

describe('invariants across two instances on one database', () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;
  let twin: Awaited<ReturnType<TestServer['twin']>>;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const intentOn = (url: string, token: string) => call(url, 'POST', `/api/checkout/${token}/payment-intent`);

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, clock });
    twin = await server.twin();
    shop = await openShop(server, emu, 'Two Instances Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('two sessions of one cart asking for their intents at once on the two instances leave one live intent (5 carts)', async () => {
    emu.faults.latencyMs = 30; // a Stripe round trip of some length: the window the cart claim must cover
    try {
      for (let round = 0; round < 5; round++) {
        const { cartId, token: first } = await checkoutFor(server, shop.store.id);
        const second = (await call(twin.url, 'POST', `/api/carts/${cartId}/checkout`)).body.token as string;
        const [a, b] = await Promise.all([intentOn(server.url, first), intentOn(twin.url, second)]);
        assert.equal(a.status, 200, a.text);
        assert.equal(b.status, 200, b.text);
        const live = (await intentsOfCart(emu, shop.acct.keys.test.secret, cartId)).filter((pi) => pi.status !== 'canceled');
        assert.equal(live.length, 1, `round ${round}: live intents ${live.map((pi) => `${pi.id}:${pi.status}`).join(', ')}`);
      }
    } finally {
      emu.faults.latencyMs = 0;
    }
    assert.deepEqual(await server.sql('SELECT * FROM cart_claims'), [], 'every claim released');
  });

  it('a claim left by a killed instance blocks the cart until its TTL runs out, then the other instance serves it', async () => {
    const { cartId, token } = await checkoutFor(server, shop.store.id);
    await server.sql('INSERT INTO cart_claims (cart_id, owner, expires_at) VALUES (?, ?, ?)', [cartId, 'inst_killed/abc', clock.now() + CART_CLAIM_TTL_MS]);
    let settled = false;
    const pending = intentOn(twin.url, token).finally(() => (settled = true));
    await sleep(400);
    assert.equal(settled, false, 'waits while the claim is live');
    clock.advance(CART_CLAIM_TTL_MS);
    const res = await pending;
    assert.equal(res.status, 200, res.text);
    assert.equal((await intentsOfCart(emu, shop.acct.keys.test.secret, cartId)).length, 1);
    assert.deepEqual(await server.sql('SELECT * FROM cart_claims WHERE cart_id = ?', [cartId]), []);
  });

  it('a stopping instance releases its claims and leases at once (releaseAll)', async () => {
    const a = server.deps;
    const b = twin.deps;
    assert.equal(await a.storage.carts.claim('cart_stop', `${a.instanceId}/one`, CART_CLAIM_TTL_MS), true);
    assert.equal(await a.storage.leases.acquire('some-job', a.instanceId, 60_000), true);
    assert.equal(await b.storage.carts.claim('cart_stop', `${b.instanceId}/two`, CART_CLAIM_TTL_MS), false);
    assert.equal(await b.storage.leases.acquire('some-job', b.instanceId, 60_000), false);
    await releaseInstanceClaims(a);
    assert.equal(await b.storage.carts.claim('cart_stop', `${b.instanceId}/two`, CART_CLAIM_TTL_MS), true);
    assert.equal(await b.storage.leases.acquire('some-job', b.instanceId, 60_000), true);
    await releaseInstanceClaims(b);
  });

  it('two instances ticking the sweep at once: one sweeps, the other skips (Stripe retrieves counted)', async () => {
    const seen = emu.requests.length;
    const [x, y] = await Promise.all([reconcileIfLeader(server.deps), reconcileIfLeader(twin.deps)]);
    assert.equal([x, y].filter((r) => r !== null).length, 1, 'exactly one instance swept');
    const report = (x ?? y)!;
    assert.ok(report.checked >= 6, `checked ${report.checked}`);
    assert.equal(retrieves(emu, seen).length, report.checked, 'each open intent retrieved once, by one instance');
    // The holder keeps the lease on its next tick; the other keeps skipping.
    const holder = x ? server.deps : twin.deps;
    const other = x ? twin.deps : server.deps;
    assert.notEqual(await reconcileIfLeader(holder), null);
    assert.equal(await reconcileIfLeader(other), null);
    // The holder dies without releasing: its lease expires and the other instance's next tick takes over.
    clock.advance(RECONCILE_INTERVAL_MS + SWEEP_LEASE_SLACK_MS);
    assert.notEqual(await reconcileIfLeader(other), null);
    assert.equal(await reconcileIfLeader(holder), null);
    await releaseInstanceClaims(other);
    assert.deepEqual(await server.sql('SELECT * FROM leases WHERE name = ?', [SWEEP_LEASE]), []);
  });

  it('two reconcile loops started at once on the two instances sweep once between them', async () => {
    const seen = emu.requests.length;
    const stops = [startReconcileLoop(server.deps, 60 * 60 * 1000), startReconcileLoop(twin.deps, 60 * 60 * 1000)];
    try {
      await sleep(1500);
    } finally {
      for (const stop of stops) stop();
    }
    const ids = retrieves(emu, seen).map((r) => r.path);
    assert.ok(ids.length >= 6, `retrieved ${ids.length}`);
    assert.equal(new Set(ids).size, ids.length, 'no intent retrieved twice');
    await releaseInstanceClaims(server.deps);
    await releaseInstanceClaims(twin.deps);
  });
});
