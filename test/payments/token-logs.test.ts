// A 5xx on a route with a checkout token in its path logs the route template, not the
// token (the token is a bearer credential for the session).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, openShop, type TestServer } from '../support/shop';

describe('checkout tokens stay out of the error log', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Quiet Logs Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it('logs a 500 on /api/checkout/:token/payment-intent with the route template and without the token', async () => {
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    const checkouts = server.deps.storage.checkouts;
    const real = checkouts.findByTokenHash.bind(checkouts);
    let failures = 0;
    checkouts.findByTokenHash = async (hash) => {
      if (failures++ === 0) throw new Error('storage unavailable');
      return real(hash);
    };
    const logsBefore = server.logs.length;
    try {
      const failed = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
      assert.equal(failed.status, 500, failed.text);
      assert.equal(failed.body.error.code, 'internal_error');
    } finally {
      checkouts.findByTokenHash = real;
    }
    assert.equal(failures, 1, 'the stub was hit');
    const written = server.logs.slice(logsBefore).join('\n');
    assert.match(written, /request failed/);
    assert.ok(written.includes('/api/checkout/:token/payment-intent'), written);
    assert.ok(!written.includes(token), 'the token is not in the log');
    assert.ok(
      server.logs.every((line) => !line.includes(token)),
      'nor anywhere else in the log',
    );
    // The same session still works once storage answers again.
    assert.equal((await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).status, 200);
  });
});
