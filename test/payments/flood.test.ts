// Load test: a card-testing flood from one client address (cart → item → checkout →
// payment-intent chains as fast as it can, ignoring 429s and Retry-After) against a shopper on another address
// (a new shopper on an address of its own each time) who checks out for real (… → confirm with pm_card_visa at
// the emulator → /complete → order). Counted at the emulator: the PaymentIntents the flood got created on the merchant's account per (fake) minute. The flood
// runs in a worker thread so its client work does not sit on the server's event loop, and stops by itself.
// The server runs with the production default limits; a manual clock makes "per minute" testable in seconds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { manualClock } from '../../server/src/clock';
import { loadConfig } from '../../server/src/config';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { clientAt } from '../support/client-at';
import { createdIntents, openShop, type TestServer } from '../support/shop';

const FLOOD_ADDRESS = '127.0.0.2';
/** Each checkout is another shopper, on an address of its own from 127.0.1.1 on. */
const shopperAddress = (n: number) => `127.0.1.${n}`;
const FLOOD_MS = Number(process.env.FLOOD_MS ?? 3000);
const FLOOD_CONCURRENCY = 16;

/** The flood: `concurrency` loops of the chain from `address` until `durationMs` is over; reports status counts. */
const FLOOD_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const { url, storeId, address, durationMs, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const statuses = {};
function call(method, path, body) {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body ?? {});
    const req = http.request(new URL(path, url), { method, agent, localAddress: address,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        const key = path.split('/').slice(-1)[0].replace(/^cart_.*/, 'cart') + ' ' + res.statusCode;
        statuses[key] = (statuses[key] ?? 0) + 1;
        let parsed = null;
        try { parsed = JSON.parse(text); } catch {}
        resolve({ status: res.statusCode, body: parsed });
      });
    });
    req.on('error', () => resolve({ status: 0, body: null }));
    req.end(payload);
  });
}
const until = Date.now() + durationMs;
async function loop() {
  while (Date.now() < until) {
    const cart = await call('POST', '/api/stores/' + storeId + '/carts');
    if (cart.status !== 201) continue;
    const item = await call('POST', '/api/carts/' + cart.body.id + '/items', { product_id: 'tee', quantity: 1 });
    if (item.status !== 200) continue;
    const checkout = await call('POST', '/api/carts/' + cart.body.id + '/checkout');
    if (checkout.status !== 201) continue;
    await call('POST', '/api/checkout/' + checkout.body.token + '/payment-intent');
  }
}
Promise.all(Array.from({ length: concurrency }, loop)).then(() => { agent.destroy(); parentPort.postMessage(statuses); });
`;

function flood(url: string, storeId: string): Promise<Record<string, number>> {
  const worker = new Worker(FLOOD_WORKER, {
    eval: true,
    workerData: { url, storeId, address: FLOOD_ADDRESS, durationMs: FLOOD_MS, concurrency: FLOOD_CONCURRENCY },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

describe('a card-testing flood from one address', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let storeId: string;
  const clock = manualClock(Date.now());
  let shoppers = 0;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    const secret = randomBytes(24).toString('base64url');
    // The limits a production server starts with when no RATE_LIMIT_* variable is set.
    const defaults = loadConfig({
      NODE_ENV: 'production',
      MASTER_KEY: randomBytes(32).toString('base64'),
      INTERNAL_SECRET: secret,
      PUBLIC_URL: 'https://checkout.example',
    });
    server = await startTestServer({
      emulator: emu,
      clock,
      env: { logLevel: 'warn', rateLimits: { ...defaults.rateLimits, connectPerMinute: 1000, internalPerMinute: 100_000 } },
    });
    ({
      store: { id: storeId },
    } = await openShop(server, emu, 'Flooded Shop'));
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  /** One real checkout by a new shopper on an address of its own; resolves to its duration in ms. */
  async function checkOut(): Promise<number> {
    const shopper = clientAt(shopperAddress(++shoppers));
    try {
      return await checkOutAs(shopper);
    } finally {
      shopper.close();
    }
  }

  async function checkOutAs(shopper: ReturnType<typeof clientAt>): Promise<number> {
    const started = performance.now();
    const call = (method: string, path: string, body?: unknown) => shopper.call(server.url, method, path, body);
    const cart = await call('POST', `/api/stores/${storeId}/carts`, {});
    assert.equal(cart.status, 201, JSON.stringify(cart.body));
    assert.equal((await call('POST', `/api/carts/${cart.body.id}/items`, { product_id: 'mug', quantity: 2 })).status, 200);
    const checkout = await call('POST', `/api/carts/${cart.body.id}/checkout`, {});
    assert.equal(checkout.status, 201, JSON.stringify(checkout.body));
    const intent = await call('POST', `/api/checkout/${checkout.body.token}/payment-intent`);
    assert.equal(intent.status, 200, JSON.stringify(intent.body));
    // What Stripe.js does in the shopper's browser: confirm with the publishable key and the client_secret.
    const confirmed = await fetch(`${emu.url}/v1/payment_intents/${intent.body.payment_intent_id}/confirm`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${intent.body.publishable_key}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_secret: intent.body.client_secret, payment_method: 'pm_card_visa' }),
    }).then((r) => r.json());
    assert.equal(confirmed.status, 'succeeded');
    const done = await call('POST', `/api/checkout/${checkout.body.token}/complete`, { payment_intent_id: intent.body.payment_intent_id });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.order.status, 'paid');
    return performance.now() - started;
  }

  /** Floods for FLOOD_MS while the shopper checks out again and again; returns what each side got. */
  async function floodedMinute() {
    const intentsBefore = createdIntents(emu).length;
    const flooding = flood(server.url, storeId);
    let done = false;
    void flooding.finally(() => (done = true));
    const times: number[] = [];
    while (!done || times.length < 3) {
      times.push(await checkOut());
      await new Promise((r) => setTimeout(r, 100));
      // The store's budgets are token buckets that refill with time: let the store's clock pass half a second
      // per shopper checkout (still well inside the minute the per-address windows count).
      clock.advance(500);
    }
    const statuses = await flooding;
    return { floodIntents: createdIntents(emu).length - intentsBefore - times.length, statuses, times };
  }

  it('gets the flood at most 10 PaymentIntents per minute while a shopper on another address still checks out', async (t) => {
    await checkOut(); // warm-up (JIT, first connections)
    const quiet: number[] = [];
    for (let i = 0; i < 5; i++) quiet.push(await checkOut());

    const first = await floodedMinute();
    clock.advance(60_000);
    const second = await floodedMinute();

    const report = {
      flood_ms_per_minute: FLOOD_MS,
      flood_intents_minute_1: first.floodIntents,
      flood_intents_minute_2: second.floodIntents,
      flood_statuses_minute_1: first.statuses,
      shopper_checkout_ms_median_quiet: Math.round(median(quiet)),
      shopper_checkout_ms_median_flooded: Math.round(median([...first.times, ...second.times])),
      shopper_checkouts_during_flood: first.times.length + second.times.length,
    };
    t.diagnostic(JSON.stringify(report));
    console.log('flood report', JSON.stringify(report));
    assert.ok(first.floodIntents <= 10, `minute 1: the flood created ${first.floodIntents} PaymentIntents`);
    assert.ok(second.floodIntents <= 10, `minute 2: the flood created ${second.floodIntents} PaymentIntents`);
    assert.ok(second.floodIntents > 0, 'a new minute gives the address its budget back');
  });
});
