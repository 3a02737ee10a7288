// The server side of `npm run bench`, run in its own process so autocannon does not share its event loop:
// the Stripe emulator, the real app (startTestServer: real SQLite file, connected store, catalog) and a bare
// Koa app with handlers of the same shape. Prints one JSON line with the URLs and fixtures, then serves.
import Koa from 'koa';
import Stripe from 'stripe';
import getRawBody from 'raw-body';
import type { AddressInfo } from 'node:net';
import { addItem, createCart, getOpenCart } from '../../server/src/payments/carts';
import { upsertCatalog } from '../../server/src/payments/catalog';
import { openCheckout } from '../../server/src/payments/sessions';
import { startTestServer } from '../support/app';
import { startStripeEmulator } from '../../emulator/src/index';

const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 6000);

const emu = await startStripeEmulator({ port: 0 });
const server = await startTestServer({ emulator: emu, env: { logLevel: 'warn' } });
const acct = emu.createAccount('Bench Shop');
const store = await server.createStore({ name: 'Bench Shop' });
await server.connectStore(store.id, acct.keys.test);
const { deps } = server;
await upsertCatalog(deps, store.id, [
  { id: 'tee', name: 'T-shirt', unit_amount: 2500, currency: 'eur' },
  { id: 'mug', name: 'Mug', unit_amount: 1200, currency: 'eur' },
]);
const cart = await createCart(deps, store);
await addItem(deps, cart.id, 'tee', 1);
await addItem(deps, cart.id, 'mug', 2);
// Each payment-intent request needs a session of its own, or it would only read the one already made, and a
// cart of its own: a cart keeps one live intent, so sessions of one cart would each cancel the one before.
const tokens: string[] = [];
for (let i = 0; i < CHECKOUTS; i++) {
  const payCart = await createCart(deps, store);
  await addItem(deps, payCart.id, 'tee', 1);
  tokens.push((await openCheckout(deps, payCart.id)).token);
}

const bare = new Koa();
const sample = await getOpenCart(deps, cart.id);
const shared = new Stripe(acct.keys.test.secret, {
  host: '127.0.0.1', port: emu.port, protocol: 'http', maxNetworkRetries: 2, telemetry: false,
});
let n = 0;
bare.use(async (ctx) => {
  if (ctx.method === 'GET') {
    ctx.body = sample;
  } else if (ctx.method === 'PATCH') {
    const body = JSON.parse(await getRawBody(ctx.req, { encoding: 'utf8', limit: 32 * 1024 }));
    ctx.body = { ...sample, item_count: body.quantity };
  } else {
    // The least a server can do to make an intent: one shared client, no database, no checks.
    const pi = await shared.paymentIntents.create(
      { amount: 2500, currency: 'eur', automatic_payment_methods: { enabled: true } },
      { idempotencyKey: `bare-${process.pid}-${n++}` },
    );
    ctx.body = { payment_intent_id: pi.id, client_secret: pi.client_secret };
  }
});
const bareServer = bare.listen(0, '127.0.0.1');
await new Promise((r) => bareServer.once('listening', r));

process.stdout.write(
  `${JSON.stringify({
    appUrl: server.url,
    bareUrl: `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`,
    emulatorUrl: emu.url,
    cartId: cart.id,
    tokens,
  })}\n`,
);
process.on('SIGTERM', () => process.exit(0));
// The bench asks for this process's CPU time around each run: CPU per request does not depend on what else
// the machine is doing, unlike requests per second.
process.on('message', () => process.send?.(process.cpuUsage()));
