import assert from 'node:assert/strict';
import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/app';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

let emu: StripeEmulator;
let server: TestServer;

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu });
});
after(async () => {
  await server.destroy();
  await emu.close();
});

describe('public store status', () => {
  it('answers exactly store_id, has_stripe and is_live_mode, readable from any origin', async () => {
    const store = await server.createStore({ name: 'Public' });
    const res = await fetch(`${server.url}/stripe/status/${store.id}`, { headers: { Origin: 'https://anywhere.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await res.json(), { store_id: store.id, has_stripe: false, is_live_mode: false });
  });

  it('answers a CORS preflight', async () => {
    const store = await server.createStore({ name: 'Preflight' });
    const res = await fetch(`${server.url}/stripe/status/${store.id}`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://anywhere.example', 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods')!, /GET/);
  });

  it('answers 404 JSON for an unknown store and 400 JSON for a malformed id', async () => {
    const unknown = await fetch(`${server.url}/stripe/status/${randomUUID()}`);
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).error.code, 'store_not_found');
    const bad = await fetch(`${server.url}/stripe/status/not-a-uuid`);
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, 'invalid_request');
  });
});

describe('security headers', () => {
  it('sends HSTS, nosniff, no-referrer and a deny-all CSP on JSON answers, errors included', async () => {
    for (const path of ['/healthz', '/stripe/status/nope', '/no/such/path', '/api/internal/stores']) {
      const res = await fetch(`${server.url}${path}`);
      assert.match(res.headers.get('strict-transport-security')!, /max-age=31536000/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('answers a method a path does not take with a JSON 405 that keeps the Allow header', async () => {
    for (const [method, path, allowed] of [
      ['PUT', '/stripe/connect', ['GET', 'HEAD', 'POST']],
      ['DELETE', '/healthz', ['GET', 'HEAD']],
      ['PROPFIND', '/healthz', ['GET', 'HEAD']],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, { method });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.match(res.headers.get('content-type')!, /^application\/json/);
      assert.deepEqual(res.headers.get('allow')!.split(', ').sort(), [...allowed].sort());
      const body = await res.json();
      assert.equal(body.error.code, 'method_not_allowed');
      assert.match(body.error.message, new RegExp(`^${method} is not allowed here; use `));
    }
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await fetch(`${server.url}/no/such/path`);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, 'not_found');
  });
});

/** A plain request with chosen headers (fetch forbids setting Host). */
function rawRequest(url: string, method: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS in production behind a proxy', () => {
  let prod: TestServer;
  before(async () => {
    prod = await startTestServer({ emulator: emu, env: { env: 'production', trustProxy: true, publicUrl: 'https://pay.example.com' } });
  });
  after(() => prod.destroy());

  it('redirects plain-http GETs to https', async () => {
    const res = await rawRequest(`${prod.url}/stripe/status/abc?x=1`, 'GET', { Host: 'pay.example.com', 'X-Forwarded-Proto': 'http' });
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, 'https://pay.example.com/stripe/status/abc?x=1');
    assert.match(String(res.headers['strict-transport-security']), /max-age/);
    const spoofed = await rawRequest(`${prod.url}/x`, 'GET', { Host: 'evil.example', 'X-Forwarded-Proto': 'http' });
    assert.equal(spoofed.headers.location, 'https://pay.example.com/x', 'redirects to PUBLIC_URL, not to the claimed host');
  });

  it('refuses other plain-http methods with https_required', async () => {
    const res = await rawRequest(`${prod.url}/api/internal/stores`, 'POST', { Host: 'pay.example.com', 'X-Forwarded-Proto': 'http' });
    assert.equal(res.status, 403);
    assert.equal(JSON.parse(res.body).error.code, 'https_required');
  });

  it('serves requests the proxy marks as https', async () => {
    const res = await rawRequest(`${prod.url}/healthz`, 'GET', { Host: 'pay.example.com', 'X-Forwarded-Proto': 'https' });
    assert.equal(res.status, 200);
    const status = await rawRequest(`${prod.url}/stripe/status/${randomUUID()}`, 'GET', { Host: 'pay.example.com', 'X-Forwarded-Proto': 'https' });
    assert.equal(status.status, 404);
  });
});
