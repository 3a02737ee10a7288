import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { reconcilePayments } from '../../server/src/payments/sweep';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, confirmWithCard, openShop, type TestServer } from '../support/shop';

const MINUTE = 60 * 1000;

describe('the periodic reconciliation sweep', () => {
  const clock = manualClock(Date.now());
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, clock });
    shop = await openShop(server, emu, 'Sweep Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('reads an unconfirmed intent with back-off, at most hourly once it is old, and records a late payment', async () => {
    emu.webhooks.pause();
    const { token } = await checkoutFor(server, shop.store.id);
    const intent = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    const periodic = { intervalMs: 5 * MINUTE };
    assert.equal((await reconcilePayments(server.deps, periodic)).checked, 1);
    assert.equal((await reconcilePayments(server.deps, periodic)).checked, 0, 'just read: not again at once');
    clock.advance(150 * MINUTE); // no sweep for 2 h 30 (the instance was down): read again
    assert.equal((await reconcilePayments(server.deps, periodic)).checked, 1);
    clock.advance(30 * MINUTE); // read at 2 h 30 of age: the next read waits an hour
    assert.equal((await reconcilePayments(server.deps, periodic)).checked, 0);
    assert.equal((await reconcilePayments(server.deps)).checked, 1, 'a full sweep (start, CLI) checks it anyway');
    // The shopper's tab was open all along and pays now; the next hourly read records it.
    const paid = await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242');
    assert.equal(paid.body.status, 'succeeded');
    clock.advance(32 * MINUTE);
    assert.equal((await reconcilePayments(server.deps, periodic)).checked, 0);
    clock.advance(30 * MINUTE);
    const report = await reconcilePayments(server.deps, periodic);
    assert.deepEqual([report.checked, report.recorded], [1, 1]);
    assert.equal((await call(server.url, 'GET', `/api/checkout/${token}`)).body.status, 'paid');
    clock.advance(4 * 24 * 60 * MINUTE);
    assert.equal((await reconcilePayments(server.deps)).checked, 0);
  });
});
