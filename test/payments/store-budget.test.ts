// Bursts cannot lock a store: a store's budget of PaymentIntents is a token bucket in the
// database, smoothed (a burst gets a tenth of the minute, then the budget refills steadily) and shared by
// the instances, with a share kept for carts made before the burst.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, openShop, type TestServer } from '../support/shop';

const PER_MINUTE = 60; // a burst of 10 (2 of them kept for established carts), then one a second

describe("a store's payment-intent budget (token bucket in the database)", () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;
  let twin: Awaited<ReturnType<TestServer['twin']>>;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, clock, env: { rateLimits: { storePaymentIntentsPerMinute: PER_MINUTE } } });
    twin = await server.twin();
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  const intent = (on: { url: string }, token: string) => call(on.url, 'POST', `/api/checkout/${token}/payment-intent`);

  it('lets a burst through two instances take 8 of 10, keeps 2 for an established cart, and refills one a second', async () => {
    const shop = await openShop(server, emu, 'Burst Shop');
    // A shopper who filled a cart three minutes before the burst.
    const established = await checkoutFor(server, shop.store.id, [['mug', 1]]);
    clock.advance(3 * 60 * 1000);
    const flood = [];
    for (let i = 0; i < 30; i++) flood.push((await checkoutFor(server, shop.store.id, [['tee', 1]])).token);
    // The burst, half through each instance, at one instant.
    const answers = await Promise.all(flood.map((token, i) => intent(i % 2 ? twin : server, token)));
    const ok = answers.filter((a) => a.status === 200).length;
    const limited = answers.filter((a) => a.status === 429);
    assert.equal(ok, 8, 'the burst share, counted once for both instances');
    assert.equal(limited.length, 22);
    assert.equal(limited[0].body.error.code, 'rate_limited');
    assert.equal(limited[0].headers.get('retry-after'), '1');
    // A fresh cart finds the bucket down to its reserve; the established one gets through.
    const fresh = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    assert.equal((await intent(twin, fresh.token)).status, 429);
    assert.equal((await intent(twin, established.token)).status, 200, 'the reserve is for carts older than the burst');
    // The budget refills at 60 a minute: two seconds later the next shopper gets through, not a minute later.
    clock.advance(2000);
    assert.equal((await intent(server, fresh.token)).status, 200);
  });

  it('allows no more than the burst plus the refill over 61 seconds, whatever the window edge', async () => {
    const shop = await openShop(server, emu, 'Edge Shop');
    let created = 0;
    for (let second = 0; second <= 61; second++) {
      const tokens = [];
      for (let i = 0; i < 3; i++) tokens.push((await checkoutFor(server, shop.store.id, [['tee', 1]])).token);
      created += (await Promise.all(tokens.map((t, i) => intent(i % 2 ? twin : server, t)))).filter((a) => a.status === 200).length;
      clock.advance(1000);
    }
    process.stdout.write(`# PaymentIntents of one store in 61 s (budget ${PER_MINUTE}/min): ${created}\n`);
    // A fixed window allowed up to 2 × 60 across an edge; the bucket allows its burst (8 here) plus 1 a second.
    assert.ok(created <= 8 + 62, `${created} intents`);
    assert.ok(created >= 60, `${created} intents: the budget is still usable`);
  });
});
