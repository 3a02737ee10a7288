// Shopper rate limits per client address (IPv6 by /64) and per store on cart
// create, item changes, checkout and payment-intent; and a limiter whose cost per request stays flat however
// many clients it has seen. Clients on different addresses bind their sockets to other loopback addresses.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import type { Config } from '../../server/src/config';
import { clientKey } from '../../server/src/security/client-key';
import { rateLimit, RateLimitTable } from '../../server/src/security/rate-limit';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { clientAt, type Client } from '../support/client-at';
import { createdIntents, openShop, type TestServer } from '../support/shop';

const SHOP_ORIGIN = 'https://shop.example';
type Limits = NonNullable<Config['rateLimits']>;

let emu: StripeEmulator;
const clients: Client[] = [];
/** A client on 127.0.0.<n>. */
function at(n: number): Client {
  const c = clientAt(`127.0.0.${n}`);
  clients.push(c);
  return c;
}

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
});
after(async () => {
  for (const c of clients) c.close();
  await emu.close();
});

/** A test server with these limits (the rest stay at the harness's unthrottled values) and a connected shop. */
async function shopWith(limits: Partial<Limits>, env: Partial<Config> = {}, clock = manualClock(Date.now())) {
  const server = await startTestServer({ emulator: emu, clock, env: { ...env, rateLimits: limits } });
  const { store } = await openShop(server, emu, 'Limited Shop', { allowed_origins: [SHOP_ORIGIN] });
  return { server, store, clock };
}

/** cart → item → checkout from `client`; returns the cart id and the checkout token. */
async function sessionFrom(client: Client, server: TestServer, storeId: string) {
  const cart = await client.call(server.url, 'POST', `/api/stores/${storeId}/carts`, {});
  assert.equal(cart.status, 201, JSON.stringify(cart.body));
  const item = await client.call(server.url, 'POST', `/api/carts/${cart.body.id}/items`, { product_id: 'tee', quantity: 1 });
  assert.equal(item.status, 200, JSON.stringify(item.body));
  const checkout = await client.call(server.url, 'POST', `/api/carts/${cart.body.id}/checkout`, {});
  assert.equal(checkout.status, 201, JSON.stringify(checkout.body));
  return { cartId: cart.body.id as string, token: checkout.body.token as string };
}

/** Asserts a 429 `rate_limited` JSON answer with a Retry-After of 1–60 seconds. */
function assertLimited(res: { status: number; headers: Record<string, unknown>; body: any }) {
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.equal(res.body?.error?.code, 'rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${String(res.headers['retry-after'])}`);
}

describe('shopper rate limits per client address', () => {
  it('answers 429 with Retry-After and the JSON error once one address has made 3 carts in a minute, and not another address', async () => {
    const { server, store } = await shopWith({ cartsPerMinute: 3 });
    try {
      const a = at(2);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {})).status);
      assert.deepEqual(statuses, [201, 201, 201]);
      assertLimited(await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {}));
      assert.equal((await at(3).call(server.url, 'POST', `/api/stores/${store.id}/carts`, {})).status, 201);
    } finally {
      await server.destroy();
    }
  });

  it("lets the store's storefront read the 429 (it carries the store's CORS headers)", async () => {
    const { server, store } = await shopWith({ cartsPerMinute: 1 });
    try {
      const a = at(2);
      await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {}, { Origin: SHOP_ORIGIN });
      const refused = await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {}, { Origin: SHOP_ORIGIN });
      assertLimited(refused);
      assert.equal(refused.headers['access-control-allow-origin'], SHOP_ORIGIN);
    } finally {
      await server.destroy();
    }
  });

  it("counts item changes on POST, PATCH (the fast path and the router's spelling) and DELETE together, and never GET cart", async () => {
    const { server, store } = await shopWith({ cartItemsPerMinute: 4 });
    try {
      const a = at(2);
      const cart = await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {});
      const path = `/api/carts/${cart.body.id}/items`;
      const statuses = [
        (await a.call(server.url, 'POST', path, { product_id: 'tee', quantity: 1 })).status,
        (await a.call(server.url, 'PATCH', `${path}/tee`, { quantity: 2 })).status,
        (await a.call(server.url, 'PATCH', `${path}/tee/`, { quantity: 3 })).status,
        (await a.call(server.url, 'DELETE', `${path}/tee`)).status,
      ];
      assert.deepEqual(statuses, [200, 200, 200, 200]);
      assertLimited(await a.call(server.url, 'POST', path, { product_id: 'tee', quantity: 1 }));
      assertLimited(await a.call(server.url, 'PATCH', `${path}/tee`, { quantity: 2 }));
      assertLimited(await a.call(server.url, 'PATCH', `${path}/tee/`, { quantity: 2 }));
      assertLimited(await a.call(server.url, 'DELETE', `${path}/tee`));
      for (let i = 0; i < 10; i++) assert.equal((await a.call(server.url, 'GET', `/api/carts/${cart.body.id}`)).status, 200);
    } finally {
      await server.destroy();
    }
  });

  it('answers 429 once one address has opened 2 checkouts in a minute', async () => {
    const { server, store } = await shopWith({ checkoutsPerMinute: 2 });
    try {
      const a = at(2);
      await sessionFrom(a, server, store.id);
      const { cartId } = await sessionFrom(a, server, store.id);
      assertLimited(await a.call(server.url, 'POST', `/api/carts/${cartId}/checkout`, {}));
      await sessionFrom(at(3), server, store.id);
    } finally {
      await server.destroy();
    }
  });

  it('answers 429 with Retry-After once one address has made 2 payment intents in a minute, and Stripe saw only those 2', async () => {
    const { server, store } = await shopWith({ paymentIntentsPerMinute: 2 });
    try {
      const a = at(2);
      const tokens = [];
      for (let i = 0; i < 3; i++) tokens.push((await sessionFrom(a, server, store.id)).token);
      const before = createdIntents(emu).length;
      assert.equal((await a.call(server.url, 'POST', `/api/checkout/${tokens[0]}/payment-intent`)).status, 200);
      assert.equal((await a.call(server.url, 'POST', `/api/checkout/${tokens[1]}/payment-intent`)).status, 200);
      assertLimited(await a.call(server.url, 'POST', `/api/checkout/${tokens[2]}/payment-intent`));
      assert.equal(createdIntents(emu).length - before, 2);
      assert.equal((await at(3).call(server.url, 'POST', `/api/checkout/${tokens[2]}/payment-intent`)).status, 200);
    } finally {
      await server.destroy();
    }
  });

  it('answers 429 once one address has sent 3 details changes in a minute; another address still gets its answer', async () => {
    const { server, store } = await shopWith({ detailsPerMinute: 3 });
    try {
      const a = at(2);
      const { token } = await sessionFrom(a, server, store.id);
      for (let i = 0; i < 3; i++) {
        const res = await a.call(server.url, 'POST', `/api/checkout/${token}/details`, { email: `shopper${i}@example.com` });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      assertLimited(await a.call(server.url, 'POST', `/api/checkout/${token}/details`, { email: 'late@example.com' }));
      const other = await at(3).call(server.url, 'POST', `/api/checkout/${token}/details`, { email: 'other@example.com' });
      assert.equal(other.status, 200, JSON.stringify(other.body));
      assert.equal(other.body.details.email, 'other@example.com');
    } finally {
      await server.destroy();
    }
  });

  it('does not count a reload that gets back the intent its session already has (no Stripe call)', async () => {
    const { server, store } = await shopWith({ paymentIntentsPerMinute: 1 });
    try {
      const a = at(2);
      const first = await sessionFrom(a, server, store.id);
      const second = await sessionFrom(a, server, store.id);
      const ids = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const res = await a.call(server.url, 'POST', `/api/checkout/${first.token}/payment-intent`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        ids.add(res.body.payment_intent_id);
      }
      assert.equal(ids.size, 1);
      // The one budgeted creation was spent on the first session: a new intent is refused.
      assertLimited(await a.call(server.url, 'POST', `/api/checkout/${second.token}/payment-intent`));
    } finally {
      await server.destroy();
    }
  });

  it('gives an address its budget back once its minute is over, and Retry-After says when', async () => {
    const { server, store, clock } = await shopWith({ cartsPerMinute: 1 });
    try {
      const a = at(2);
      assert.equal((await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {})).status, 201);
      clock.advance(45_000);
      const refused = await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {});
      assertLimited(refused);
      assert.equal(refused.headers['retry-after'], '15');
      clock.advance(15_000);
      assert.equal((await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {})).status, 201);
    } finally {
      await server.destroy();
    }
  });

  it('groups IPv6 clients by /64 and counts an IPv4-mapped address as its IPv4 (behind a trusted proxy)', async () => {
    const { server, store } = await shopWith({ cartsPerMinute: 1, connectPerMinute: 1 }, { trustProxy: true });
    try {
      const a = at(2);
      const create = (clientIp: string) => a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {}, { 'X-Forwarded-For': clientIp });
      assert.equal((await create('2001:db8:1:2::1')).status, 201);
      assertLimited(await create('2001:DB8:1:2:ffff:ffff:ffff:fffe'));
      assert.equal((await create('2001:db8:1:3::1')).status, 201);
      assert.equal((await create('::ffff:10.1.2.3')).status, 201);
      assertLimited(await create('10.1.2.3'));
      // The connect form's limiter groups the same way.
      const connect = (clientIp: string) =>
        a.call(server.url, 'POST', '/stripe/connect', 'store_id=x', {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          'X-Forwarded-For': clientIp,
        });
      assert.equal((await connect('2001:db8:9:9::1')).status, 400);
      assertLimited(await connect('2001:db8:9:9::2'));
    } finally {
      await server.destroy();
    }
  });
});

describe('shopper rate limits per store', () => {
  it('answers 429 to every address once a store has had 3 payment intents in a minute; other stores are unaffected', async () => {
    const { server, store } = await shopWith({ storePaymentIntentsPerMinute: 3 });
    try {
      const other = await openShop(server, emu, 'Other Shop');
      const sessions = [];
      for (let n = 2; n <= 5; n++) sessions.push({ client: at(n), ...(await sessionFrom(at(n), server, store.id)) });
      for (const s of sessions.slice(0, 3)) {
        assert.equal((await s.client.call(server.url, 'POST', `/api/checkout/${s.token}/payment-intent`)).status, 200);
      }
      const last = sessions[3];
      const refused = await last.client.call(server.url, 'POST', `/api/checkout/${last.token}/payment-intent`);
      assertLimited(refused);
      assert.match(refused.body.error.message, /^This store is getting too many requests; try again in \d+ seconds$/);
      const elsewhere = await sessionFrom(last.client, server, other.store.id);
      assert.equal((await last.client.call(server.url, 'POST', `/api/checkout/${elsewhere.token}/payment-intent`)).status, 200);
    } finally {
      await server.destroy();
    }
  });

  it('limits cart creates, item changes and checkouts per store across addresses', async () => {
    const { server, store } = await shopWith({ storeCartsPerMinute: 2, storeCartItemsPerMinute: 3, storeCheckoutsPerMinute: 2 });
    try {
      const [a, b, c] = [at(2), at(3), at(4)];
      const cartA = await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {});
      const cartB = await b.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {});
      assert.deepEqual([cartA.status, cartB.status], [201, 201]);
      assertLimited(await c.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {}));

      const add = (cl: Client, id: string) => cl.call(server.url, 'POST', `/api/carts/${id}/items`, { product_id: 'tee', quantity: 1 });
      assert.equal((await add(a, cartA.body.id)).status, 200);
      assert.equal((await add(b, cartB.body.id)).status, 200);
      assert.equal((await c.call(server.url, 'PATCH', `/api/carts/${cartB.body.id}/items/tee`, { quantity: 2 })).status, 200);
      assertLimited(await c.call(server.url, 'PATCH', `/api/carts/${cartA.body.id}/items/tee`, { quantity: 2 }));

      const checkout = (cl: Client, id: string) => cl.call(server.url, 'POST', `/api/carts/${id}/checkout`, {});
      assert.equal((await checkout(a, cartA.body.id)).status, 201);
      assert.equal((await checkout(b, cartB.body.id)).status, 201);
      assertLimited(await checkout(c, cartA.body.id));
    } finally {
      await server.destroy();
    }
  });

  it("does not let one address over its own limit use up its store's budget", async () => {
    const { server, store } = await shopWith({ cartsPerMinute: 1, storeCartsPerMinute: 3 });
    try {
      const a = at(2);
      const mine = [];
      for (let i = 0; i < 6; i++) mine.push((await a.call(server.url, 'POST', `/api/stores/${store.id}/carts`, {})).status);
      assert.deepEqual(mine, [201, 429, 429, 429, 429, 429]);
      assert.equal((await at(3).call(server.url, 'POST', `/api/stores/${store.id}/carts`, {})).status, 201);
      assert.equal((await at(4).call(server.url, 'POST', `/api/stores/${store.id}/carts`, {})).status, 201);
      assertLimited(await at(5).call(server.url, 'POST', `/api/stores/${store.id}/carts`, {}));
    } finally {
      await server.destroy();
    }
  });
});

describe('the limiter itself', () => {
  /** Runs the middleware for a request from `ip`; resolves to the status it ends with (200 or 429). */
  function hit(limit: ReturnType<typeof rateLimit>, ip: string): Promise<number> {
    const ctx = { ip } as never;
    return Promise.resolve(limit(ctx, async () => {})).then(
      () => 200,
      (err: { status?: number }) => err.status ?? 500,
    );
  }

  it('keeps its cost per new client flat: 40 000 distinct clients within one minute take well under a second of CPU', async () => {
    const clock = manualClock();
    const limit = rateLimit({ clock, windowMs: 60_000, max: 5 });
    // CPU time of this process, not wall time: the machine running the tests may be busy with other work.
    const started = process.cpuUsage();
    for (let i = 0; i < 40_000; i++) await hit(limit, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const { user, system } = process.cpuUsage(started);
    const ms = (user + system) / 1000;
    // A few microseconds per client now; the old full-Map scan past 10 000 entries took seconds of CPU here.
    assert.ok(ms < 1000, `40 000 clients took ${ms.toFixed(0)} ms of CPU`);
  });

  it('tracks at most maxKeys clients and forgets the ones whose minute is over first', () => {
    const table = new RateLimitTable({ windowMs: 60_000, max: 2, maxKeys: 100 });
    for (let i = 0; i < 50; i++) table.hit(`old-${i}`, 0);
    for (let i = 0; i < 100; i++) table.hit(`new-${i}`, 60_000);
    assert.equal(table.size, 100);
    assert.equal(table.hit('new-0', 60_001), null);
    assert.notEqual(table.hit('new-0', 60_002), null, 'new-0 kept its count: its third request is refused');
  });

  it('keeps refusing a client at its limit while many times the bound of other clients pass in its minute', () => {
    const table = new RateLimitTable({ windowMs: 60_000, max: 2, maxKeys: 100 });
    for (let i = 0; i < 3; i++) table.hit('abuser', 0);
    for (let i = 0; i < 1000; i++) table.hit(`passer-${i}`, 1000);
    assert.ok(table.size <= 100);
    const retry = table.hit('abuser', 2000);
    assert.equal(retry, 58_000, 'still refused until its own minute is over');
  });
});

describe('client addresses', () => {
  it('keeps IPv4 as is, folds IPv4-mapped IPv6 into IPv4, groups IPv6 by /64 and drops a port a proxy appended', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::FFFF:cb00:7107'), '203.0.113.7');
    assert.equal(clientKey('2001:db8:aa:bb:1:2:3:4'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey('2001:0DB8:00AA:00BB::9'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
    assert.equal(clientKey('2001:db8:aa:bb::1.2.3.4'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey('203.0.113.7:51234'), '203.0.113.7');
    assert.equal(clientKey('[2001:db8:aa:bb::1]:443'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey('[::ffff:203.0.113.7]:80'), '203.0.113.7');
    assert.equal(clientKey(''), '');
    assert.equal(clientKey('not-an-ip'), 'not-an-ip');
  });
});
