import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { internalRouter } from '../../server/src/routes/internal';
import { startTestServer, type TestServer } from '../support/app';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

let emu: StripeEmulator;
let server: TestServer;
const SECOND_SECRET = 'the-platforms-next-secret-value';

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu, env: { internalSecrets: ['the-platforms-first-secret-value', SECOND_SECRET] } });
});
after(async () => {
  await server.destroy();
  await emu.close();
});

const raw = (method: string, path: string, init: RequestInit = {}) => fetch(`${server.url}/api/internal${path}`, { method, ...init });
const json = (secret: string, body: string) => ({ headers: { 'X-Internal-Secret': secret, 'Content-Type': 'application/json' }, body });

describe('internal API authentication', () => {
  it('answers 401 JSON without the secret or with a wrong one', async () => {
    for (const headers of [{}, { 'X-Internal-Secret': 'wrong' }, { 'X-Internal-Secret': '' }] as Record<string, string>[]) {
      const res = await raw('GET', `/stores/${randomUUID()}`, { headers });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error: { code: 'unauthorized', message: 'Missing or wrong X-Internal-Secret header' } });
    }
  });

  it('never serves an internal route without the secret, however the path is spelled', async () => {
    const store = await server.createStore({ name: 'Victim' });
    const id = store.id;
    const routes: [string, string, unknown?][] = [
      ['POST', '/stores', { name: 'pwn' }],
      ['GET', `/stores/${id}`],
      ['PATCH', `/stores/${id}`, { allowed_origins: ['https://evil.example'] }],
      ['POST', `/stores/${id}/connect-link`, { return_url: 'https://evil.example/' }],
      ['GET', `/stores/${id}/stripe-status`],
      ['DELETE', `/stores/${id}/stripe`],
      ['GET', `/stores/${id}/events`],
      ['GET', `/stores/${id}/orders`],
      ['GET', `/stores/${id}/products`],
      ['PUT', `/stores/${id}/products`, { products: [] }],
      ['GET', '/orders/ord_aaaaaaaaaaaaaaaaaaaaaaaa'],
    ];
    const spellings = ['/api/Internal', '/API/INTERNAL', '/Api/internal', '/api/%69nternal', '//api/internal', '/api//internal', '/api/internal/'];
    for (const [method, path, body] of routes) {
      const variants = [...spellings.map((p) => p + path), `/api/internal${path.replace('/stores', '/Stores')}`];
      for (const p of variants) {
        const init: RequestInit = body ? { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : { method };
        const res = await fetch(server.url + p, init);
        assert.ok([401, 404].includes(res.status), `${method} ${p} answered ${res.status}`);
        assert.equal((await res.json()).error.code, res.status === 401 ? 'unauthorized' : 'not_found');
      }
    }
    assert.deepEqual((await server.internal('GET', `/stores/${id}`)).body.allowed_origins, [], 'the store is unchanged');
  });

  it('has the internal router check the secret itself, even without the guard in front', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(internalRouter(server.deps).routes());
    const http = app.listen(0, '127.0.0.1');
    await new Promise((r) => http.once('listening', r));
    try {
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/internal/stores`;
      const res = await fetch(base, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"pwn"}' });
      assert.equal(res.status, 401);
    } finally {
      await new Promise((r) => http.close(r));
    }
  });

  it('accepts every configured secret, so a platform can rotate without downtime', async () => {
    const res = await raw('POST', '/stores', json(SECOND_SECRET, JSON.stringify({ name: 'Rotating' })));
    assert.equal(res.status, 201);
  });
});

describe('stores', () => {
  it('creates a store with a UUID and returns it', async () => {
    const res = await server.internal('POST', '/stores', {
      name: 'Tea House',
      allowed_origins: ['https://tea.example', 'http://localhost:8080/'],
      default_currency: 'EUR',
    });
    assert.equal(res.status, 201);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(res.body.allowed_origins, ['https://tea.example', 'http://localhost:8080']);
    assert.equal(res.body.default_currency, 'eur');
    assert.deepEqual((await server.internal('GET', `/stores/${res.body.id}`)).body, res.body);
  });

  it('lets a platform supply its own id and refuses a duplicate with 409', async () => {
    const id = randomUUID();
    assert.equal((await server.internal('POST', '/stores', { id, name: 'Mine' })).body.id, id);
    const dup = await server.internal('POST', '/stores', { id, name: 'Again' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'store_exists');
    assert.equal((await server.internal('GET', `/stores/${id}`)).body.name, 'Mine');
  });

  it('refuses bad input with 400 and a message naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /name/],
      [{ name: '' }, /name/],
      [{ name: 'x', id: 'not-a-uuid' }, /id must be a UUID/],
      [{ name: 'x', allowed_origins: ['https://a.example/path'] }, /allowed_origins/],
      [{ name: 'x', allowed_origins: 'https://a.example' }, /allowed_origins/],
      [{ name: 'x', default_currency: 'euro' }, /default_currency/],
      [{ name: 'x', colour: 'red' }, /colour/],
    ];
    for (const [body, message] of cases) {
      const res = await server.internal('POST', '/stores', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_request');
      assert.match(res.body.error.message, message);
    }
  });

  it('answers invalid_json for a body that is not JSON', async () => {
    const res = await raw('POST', '/stores', json(server.internalSecret, '{"name":'));
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.code, 'invalid_json');
  });

  it('refuses a body over 32 KB with 413', async () => {
    const res = await raw('POST', '/stores', json(server.internalSecret, JSON.stringify({ name: 'x'.repeat(40_000) })));
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error.code, 'body_too_large');
  });

  it('updates a store with PATCH, keeping fields not given', async () => {
    const store = await server.createStore({ name: 'Old name', allowed_origins: ['https://old.example'] });
    const res = await server.internal('PATCH', `/stores/${store.id}`, { name: 'New name' });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'New name');
    assert.deepEqual(res.body.allowed_origins, ['https://old.example']);
    assert.equal((await server.internal('PATCH', `/stores/${store.id}`, { allowed_origins: [] })).body.allowed_origins.length, 0);
  });

  it('answers 404 store_not_found for unknown stores and 400 for malformed ids on every endpoint', async () => {
    const unknown = randomUUID();
    for (const [method, path] of [
      ['GET', ''],
      ['PATCH', ''],
      ['POST', '/connect-link'],
      ['GET', '/stripe-status'],
      ['DELETE', '/stripe'],
      ['GET', '/events'],
    ]) {
      const res = await server.internal(method, `/stores/${unknown}${path}`, method === 'GET' || method === 'DELETE' ? undefined : {});
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.error.code, 'store_not_found');
      const bad = await server.internal(method, `/stores/nope${path}`, method === 'GET' || method === 'DELETE' ? undefined : {});
      assert.equal(bad.status, 400, `${method} ${path} malformed`);
    }
  });
});

describe('stripe status, disconnect and audit events', () => {
  it('reports an unconnected store as has_stripe false', async () => {
    const store = await server.createStore({ name: 'Fresh' });
    const res = await server.internal('GET', `/stores/${store.id}/stripe-status`);
    assert.deepEqual(res.body, {
      store_id: store.id,
      has_stripe: false,
      is_live_mode: false,
      account_id: null,
      account_name: null,
      key_type: null,
      key_status: null,
      webhooks: false,
      connected_at: null,
      last_error: null,
    });
  });

  it('disconnects a store: keys removed, endpoint deleted, status false, event recorded', async () => {
    const acct = emu.createAccount('Leaving');
    const store = await server.createStore({ name: 'Leaving' });
    await server.connectStore(store.id, acct.keys.test);
    const res = await server.internal('DELETE', `/stores/${store.id}/stripe`);
    assert.equal(res.status, 200);
    assert.equal(res.body.has_stripe, false);
    assert.equal(await server.deps.storage.stores.getConnection(store.id), null);
    assert.ok(emu.requests.some((r) => r.method === 'DELETE' && r.accountId === acct.id && r.path.startsWith('/v1/webhook_endpoints/')));
    const pub = await (await fetch(`${server.url}/stripe/status/${store.id}`)).json();
    assert.equal(pub.has_stripe, false);
    const events = (await server.internal('GET', `/stores/${store.id}/events`)).body.data;
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['store_created', 'connected', 'disconnected'],
    );
    assert.equal(events[2].account_id, acct.id);
    assert.match(events[2].created_at, /^\d{4}-\d\d-\d\dT/);
  });

  it('records a reconnect to the same account as reconnected', async () => {
    const acct = emu.createAccount('Same');
    const store = await server.createStore({ name: 'Same' });
    await server.connectStore(store.id, acct.keys.test);
    await server.connectStore(store.id, acct.keys.test);
    const types = (await server.internal('GET', `/stores/${store.id}/events`)).body.data.map((e: { type: string }) => e.type);
    assert.deepEqual(types, ['store_created', 'connected', 'reconnected']);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a client exceeds the internal API limit', async () => {
    const limited = await startTestServer({ emulator: emu, env: { rateLimits: { connectPerMinute: 2, internalPerMinute: 3 } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await limited.internal('GET', `/stores/${randomUUID()}`)).status);
      assert.deepEqual(codes, [404, 404, 404, 429]);
      const res = await limited.internal('GET', `/stores/${randomUUID()}`);
      assert.equal(res.body.error.code, 'rate_limited');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
    } finally {
      await limited.destroy();
    }
  });

  it('still answers 429 behind a proxy when the client rotates a spoofed left-most X-Forwarded-For', async () => {
    const proxied = await startTestServer({ emulator: emu, env: { trustProxy: true, rateLimits: { connectPerMinute: 2, internalPerMinute: 100 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        // Our proxy appends the real client (127.0.0.1 here) to whatever the client sent.
        const headers = { Accept: 'application/json', 'X-Forwarded-For': `10.0.0.${i}, 127.0.0.1` };
        statuses.push((await fetch(`${proxied.url}/stripe/connect`, { method: 'POST', headers, body: new URLSearchParams({ store_id: 'x' }) })).status);
      }
      assert.deepEqual(statuses, [400, 400, 429, 429]);
    } finally {
      await proxied.destroy();
    }
  });

  it('answers 429 with Retry-After on POST /stripe/connect over its limit', async () => {
    const limited = await startTestServer({ emulator: emu, env: { rateLimits: { connectPerMinute: 2, internalPerMinute: 100 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${limited.url}/stripe/connect`, {
          method: 'POST',
          headers: { Accept: 'application/json' },
          body: new URLSearchParams({ store_id: 'x' }),
        });
        statuses.push(res.status);
        if (res.status === 429) assert.ok(Number(res.headers.get('retry-after')) >= 1);
      }
      assert.deepEqual(statuses, [400, 400, 429]);
    } finally {
      await limited.destroy();
    }
  });
});
