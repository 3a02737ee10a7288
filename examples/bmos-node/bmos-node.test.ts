// The Node (Koa) platform example against a real checkout-best server and the Stripe emulator: the whole
// platform flow a merchant walks, through the example's own pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer, type TestServer } from '../../test/support/app';
import { submitConnectForm } from '../demo/connect-form';
import { payShippedOrder } from '../demo/paid-order';
import { createPlatformApp } from './src/app';
import { deliverDue } from '../../server/src/platform-webhooks/worker';
import { sign } from '../../server/src/platform-webhooks/signature';
import { verifyWebhook } from './src/webhooks';

describe('BMOS platform example (Node, Koa)', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let platform: Server;
  let base = '';
  const pages: string[] = [];

  /** GET or POST a platform page without following redirects, keeping every body for the leak check. */
  async function visit(path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
    const answer = await fetch(base + path, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: form ? { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } : headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const text = await answer.text();
    pages.push(text);
    return { status: answer.status, location: answer.headers.get('location'), text };
  }

  async function createStore(name: string): Promise<string> {
    const created = await visit('/stores', { name, allowed_origins: 'https://shop.example.com', currency: 'usd' });
    assert.equal(created.status, 303);
    const id = /^\/stores\/([0-9a-f-]{36})$/.exec(created.location ?? '')?.[1];
    assert.ok(id, `redirected to the new store page, got ${created.location}`);
    return id;
  }

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    const app = createPlatformApp({ checkoutBestUrl: server.url, secret: server.internalSecret });
    platform = app.listen(0, '127.0.0.1');
    await new Promise((r) => platform.once('listening', r));
    base = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((r) => platform.close(r));
    await server.close();
    await emu.close();
  });

  it('creates the store in checkout-best under the platform’s own id', async () => {
    const id = await createStore('Ada’s Books');
    const answer = await fetch(`${server.url}/api/internal/stores/${id}`, { headers: { 'X-Internal-Secret': server.internalSecret } });
    assert.equal(answer.status, 200);
    const store = (await answer.json()) as { id: string; name: string; allowed_origins: string[] };
    assert.equal(store.id, id);
    assert.equal(store.name, 'Ada’s Books');
    assert.deepEqual(store.allowed_origins, ['https://shop.example.com']);
  });

  it('syncs the catalog so the storefront sees the prices in cents', async () => {
    const id = await createStore('Catalog Shop');
    assert.equal((await visit(`/stores/${id}/products`, { name: 'Moby-Dick', price: '12.50' })).status, 303);
    assert.equal((await visit(`/stores/${id}/products`, { name: 'Bookmark', price: '2' })).status, 303);
    assert.equal((await visit(`/stores/${id}/sync-catalog`, {})).status, 303);
    const listed = await fetch(`${server.url}/api/stores/${id}/products`, { headers: { Origin: 'https://shop.example.com' } });
    assert.equal(listed.status, 200);
    const { data } = (await listed.json()) as { data: Array<{ id: string; unit_amount: number }> };
    assert.deepEqual(data.map((p) => [p.id, p.unit_amount]).sort(), [
      ['bookmark', 200],
      ['moby-dick', 1250],
    ]);
  });

  it('sends “Connect Payments” to a signed link, and the status turns true once the keys are in', async () => {
    const id = await createStore('Connect Shop');
    const before = await visit(`/stores/${id}`);
    assert.match(before.text, /Not connected/);
    assert.match(before.text, /Connect Payments/);

    const button = await visit(`/stores/${id}/connect-payments`);
    assert.equal(button.status, 303, button.text);
    const link = new URL(button.location!);
    assert.equal(link.origin + link.pathname, `${server.url}/stripe/connect`);
    assert.equal(link.searchParams.get('store_id'), id);
    assert.match(link.searchParams.get('signature') ?? '', /^[0-9a-f]{64}$/);
    assert.equal(link.searchParams.get('return_url'), `${base}/stores/${id}?connected=1`);

    const account = emu.createAccount('Connect Shop LLC');
    const submitted = await submitConnectForm(link.href, account.keys.test);
    assert.equal(submitted.status, 303, submitted.html.slice(0, 300));
    assert.equal(new URL(submitted.location!, server.url).pathname, `/stripe/success/${id}`);

    const status = await fetch(`${base}/api/stores/${id}/payments-status`).then((r) => r.json() as Promise<Record<string, unknown>>);
    assert.equal(status.has_stripe, true);
    assert.equal(status.is_live_mode, false);
    assert.equal(status.account_id, account.id);
    assert.match((await visit(`/stores/${id}`)).text, /Connected to Stripe \(Connect Shop LLC\), test mode/);
  });

  it('signs links locally that the server accepts once and refuses after use', async () => {
    const id = await createStore('Local Signer Shop');
    const button = await visit(`/stores/${id}/connect-payments?signer=local`);
    assert.equal(button.status, 303);
    const account = emu.createAccount('Local Signer Ltd');
    const submitted = await submitConnectForm(button.location!, account.keys.live);
    assert.equal(submitted.status, 303, submitted.html.slice(0, 300));
    const status = await fetch(`${base}/api/stores/${id}/payments-status`).then((r) => r.json() as Promise<Record<string, unknown>>);
    assert.equal(status.has_stripe, true);
    assert.equal(status.is_live_mode, true);
    const reused = await fetch(button.location!, { redirect: 'manual' });
    assert.equal(reused.status, 403);
  });

  it('shows an order’s email, address and shipping on the store page', async () => {
    const id = await createStore('Shipping Shop');
    assert.equal((await visit(`/stores/${id}/products`, { name: 'Atlas', price: '30' })).status, 303);
    assert.equal((await visit(`/stores/${id}/sync-catalog`, {})).status, 303);
    const keys = emu.createAccount('Shipping Shop GmbH').keys.test;
    assert.equal((await submitConnectForm((await visit(`/stores/${id}/connect-payments`)).location!, keys)).status, 303);
    const order = await payShippedOrder({
      serverUrl: server.url,
      internalSecret: server.internalSecret,
      emulatorUrl: emu.url,
      storeId: id,
      productId: 'atlas',
      origin: 'https://shop.example.com',
      keys,
    });
    assert.equal(order.amount, 3500);
    const page = (await visit(`/stores/${id}`)).text;
    const row = page.slice(page.indexOf(order.id));
    assert.match(row, /35\.00 USD/);
    assert.match(row, /ada@example\.com/);
    assert.match(row, /Ada Lovelace<br>\s*Unter den Linden 1<br>\s*Hinterhaus<br>\s*10117 Berlin<br>\s*DE/);
    assert.match(row, /Standard shipping · 5\.00 USD/);
  });

  it('receives a signed order.paid from checkout-best and shows the order without polling', async () => {
    // A second dashboard that learns orders from webhooks only; its endpoint is registered like a platform would.
    const webhooks = { secret: '' };
    const pushApp = createPlatformApp({ checkoutBestUrl: server.url, secret: server.internalSecret, webhooks }).listen(0, '127.0.0.1');
    await new Promise((r) => pushApp.once('listening', r));
    const pushBase = `http://127.0.0.1:${(pushApp.address() as AddressInfo).port}`;
    try {
      const form = (path: string, fields: Record<string, string>) =>
        fetch(`${pushBase}${path}`, {
          method: 'POST',
          redirect: 'manual',
          body: new URLSearchParams(fields),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        });
      const created = await form('/stores', { name: 'Push Shop', allowed_origins: 'https://shop.example.com', currency: 'usd' });
      const id = /\/stores\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '')![1];
      const endpoint = await fetch(`${server.url}/api/internal/webhook-endpoints`, {
        method: 'POST',
        headers: { 'X-Internal-Secret': server.internalSecret, 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: `${pushBase}/checkout-best/events`, event_types: ['order.paid'], store_ids: [id] }),
      });
      assert.equal(endpoint.status, 201);
      webhooks.secret = ((await endpoint.json()) as { secret: string }).secret;
      assert.equal((await form(`/stores/${id}/products`, { name: 'Globe', price: '40' })).status, 303);
      assert.equal((await form(`/stores/${id}/sync-catalog`, {})).status, 303);
      const keys = emu.createAccount('Push Shop LLC').keys.test;
      const link = (await fetch(`${pushBase}/stores/${id}/connect-payments`, { redirect: 'manual' })).headers.get('location')!;
      assert.equal((await submitConnectForm(link, keys)).status, 303);
      assert.doesNotMatch(await (await fetch(`${pushBase}/stores/${id}`)).text(), /ord_/, 'no order before the event');
      const order = await payShippedOrder({
        serverUrl: server.url,
        internalSecret: server.internalSecret,
        emulatorUrl: emu.url,
        storeId: id,
        productId: 'globe',
        origin: 'https://shop.example.com',
        keys,
      });
      while ((await deliverDue(server.deps)) > 0);
      const page = await (await fetch(`${pushBase}/stores/${id}`)).text();
      assert.match(page.slice(page.indexOf(order.id)), /45\.00 USD/, 'the pushed order on the store page');
      const forged = await fetch(`${pushBase}/checkout-best/events`, {
        method: 'POST',
        headers: { 'webhook-id': 'evt_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
        body: '{"id":"evt_forged","type":"order.paid","store_id":"x","data":{}}',
      });
      assert.equal(forged.status, 400, 'a forged event is refused');
    } finally {
      await new Promise((r) => pushApp.close(r));
    }
  });

  it('verifies signatures independently: the right one within 5 minutes, either one during a rotation', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const headers = (at: number, signature: string) => ({ 'webhook-id': 'evt_1', 'webhook-timestamp': String(at), 'webhook-signature': signature });
    assert.equal(verifyWebhook(secret, headers(ts, sign(secret, 'evt_1', ts, '{}')), '{}', now), true);
    assert.equal(verifyWebhook(secret, headers(ts, `v1,AAAA ${sign(secret, 'evt_1', ts, '{}')}`), '{}', now), true);
    assert.equal(verifyWebhook(secret, headers(ts, sign(secret, 'evt_1', ts, '{}')), '{ }', now), false, 'another body');
    assert.equal(verifyWebhook(secret, headers(ts - 301, sign(secret, 'evt_1', ts - 301, '{}')), '{}', now), false, 'too old');
    assert.equal(verifyWebhook(secret, headers(ts, sign('whsec_' + Buffer.alloc(24).toString('base64'), 'evt_1', ts, '{}')), '{}', now), false);
  });

  it('shows checkout-best’s refusal when the platform has the wrong internal secret', async () => {
    const wrong = createPlatformApp({ checkoutBestUrl: server.url, secret: 'not-the-secret' }).listen(0, '127.0.0.1');
    await new Promise((r) => wrong.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(wrong.address() as AddressInfo).port}/stores`;
      const answer = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: 'name=Nope',
      });
      assert.equal(answer.status, 502);
      const body = (await answer.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'unauthorized');
    } finally {
      await new Promise((r) => wrong.close(r));
    }
  });

  it('never puts the internal secret in a page it serves', () => {
    assert.ok(pages.length > 5);
    for (const page of pages) assert.ok(!page.includes(server.internalSecret));
  });
});
