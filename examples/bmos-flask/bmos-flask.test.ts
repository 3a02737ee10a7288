// The Flask platform example (python3 app.py) against a real checkout-best server and the Stripe emulator: the
// flow a merchant walks in the BMOS dashboard, from creating a store to "Connected to Stripe".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer, type TestServer } from '../../test/support/app';
import { deliverDue } from '../../server/src/platform-webhooks/worker';
import { submitConnectForm } from '../demo/connect-form';
import { payShippedOrder } from '../demo/paid-order';

const HERE = dirname(fileURLToPath(import.meta.url));
const probe = spawnSync('python3', ['-c', 'import flask, requests'], { encoding: 'utf8' });
const missing =
  probe.status === 0
    ? false
    : `python3 with Flask and requests is not installed (apt-get install python3-flask python3-requests): ${
        probe.error?.message ?? probe.stderr.trim().split('\n').pop()
      }`;

/** Runs app.py on a free port and resolves with its URL once it says where it listens. */
function startFlask(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn('python3', [join(HERE, 'app.py')], {
    cwd: HERE,
    env: { ...process.env, ...env, PORT: '0', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app.py did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`app.py exited with ${code}:\n${output}`)));
  });
}

describe('BMOS platform example (Flask)', { skip: missing }, () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let flask: Awaited<ReturnType<typeof startFlask>>;
  let dataDir = '';
  const pages: string[] = [];

  async function visit(path: string, form?: Record<string, string>, accept = 'text/html') {
    const answer = await fetch(flask.url + path, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { Accept: accept, ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const text = await answer.text();
    pages.push(text);
    return { status: answer.status, location: answer.headers.get('location'), text };
  }

  async function createStore(name: string): Promise<string> {
    const created = await visit('/stores', { name, allowed_origins: 'https://shop.example.com', currency: 'usd' });
    assert.equal(created.status, 303, created.text.slice(0, 300));
    const id = /\/stores\/([0-9a-f-]{36})$/.exec(created.location ?? '')?.[1];
    assert.ok(id, `redirected to the new store page, got ${created.location}`);
    return id;
  }

  const status = async (id: string) =>
    JSON.parse((await visit(`/api/stores/${id}/payments-status`, undefined, 'application/json')).text) as Record<string, unknown>;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    dataDir = mkdtempSync(join(tmpdir(), 'bmos-flask-'));
    flask = await startFlask({
      CHECKOUT_BEST_URL: server.url,
      CHECKOUT_BEST_SECRET: server.internalSecret,
      BMOS_DATA: join(dataDir, 'bmos.json'),
    });
  });

  after(async () => {
    if (flask) {
      const exited = new Promise((r) => flask.child.once('exit', r));
      flask.child.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    await emu?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('walks create store → sync catalog → Connect Payments → keys → connected', async () => {
    const id = await createStore('Grace’s Garden');
    assert.equal((await visit(`/stores/${id}/products`, { name: 'Seed packet', price: '3.50' })).status, 303);
    assert.equal((await visit(`/stores/${id}/sync-catalog`, {})).status, 303);
    const listed = await fetch(`${server.url}/api/stores/${id}/products`, { headers: { Origin: 'https://shop.example.com' } });
    const { data } = (await listed.json()) as { data: Array<{ id: string; unit_amount: number; name: string }> };
    assert.deepEqual(
      data.map((p) => [p.id, p.name, p.unit_amount]),
      [['seed-packet', 'Seed packet', 350]],
    );

    const page = await visit(`/stores/${id}`);
    assert.match(page.text, /Not connected/);
    assert.equal((await status(id)).has_stripe, false);

    const button = await visit(`/stores/${id}/connect-payments`);
    assert.equal(button.status, 303);
    const link = new URL(button.location!);
    assert.equal(link.origin + link.pathname, `${server.url}/stripe/connect`);
    assert.equal(link.searchParams.get('store_id'), id);
    assert.equal(link.searchParams.get('return_url'), `${flask.url}/stores/${id}?connected=1`);

    const account = emu.createAccount('Grace Garden Supplies');
    const submitted = await submitConnectForm(link.href, account.keys.test);
    assert.equal(submitted.status, 303, submitted.html.slice(0, 300));
    const success = await fetch(new URL(submitted.location!, server.url)).then((r) => r.text());
    assert.ok(
      success.includes(`${flask.url}/stores/${id}?connected=1`.replaceAll('&', '&amp;')),
      `success page links back: ${submitted.location} ${success.match(/<a class="button"[^>]*>/)?.[0]}`,
    );

    const connected = await status(id);
    assert.equal(connected.has_stripe, true);
    assert.equal(connected.is_live_mode, false);
    assert.equal(connected.account_id, account.id);
    const back = await visit(`/stores/${id}?connected=1`);
    assert.match(back.text, /Payments connected/);
    assert.match(back.text, /Connected to Stripe \(Grace Garden Supplies\),\s+test mode/);
  });

  it('signs a connect link locally that the server accepts once', async () => {
    const id = await createStore('Local Signer Nursery');
    const button = await visit(`/stores/${id}/connect-payments?signer=local`);
    assert.equal(button.status, 303);
    const account = emu.createAccount('Local Signer Nursery Ltd');
    const submitted = await submitConnectForm(button.location!, account.keys.test);
    assert.equal(submitted.status, 303, submitted.html.slice(0, 300));
    assert.equal((await status(id)).has_stripe, true);
    assert.equal((await fetch(button.location!, { redirect: 'manual' })).status, 403);
  });

  it('says the store is not connected any more when the merchant’s keys are rolled', async () => {
    const id = await createStore('Rolled Keys Shop');
    const account = emu.createAccount('Rolled Keys Inc');
    const submitted = await submitConnectForm((await visit(`/stores/${id}/connect-payments`)).location!, account.keys.test);
    assert.equal(submitted.status, 303);
    emu.revokeKey(account.keys.test.secret);
    // The server learns of it on its next Stripe call with the key: a shopper's checkout.
    await visit(`/stores/${id}/products`, { name: 'Pot', price: '9' });
    await visit(`/stores/${id}/sync-catalog`, {});
    const origin = { Origin: 'https://shop.example.com', 'Content-Type': 'application/json' };
    const cart = (await (await fetch(`${server.url}/api/stores/${id}/carts`, { method: 'POST', headers: origin })).json()) as { id: string };
    await fetch(`${server.url}/api/carts/${cart.id}/items`, { method: 'POST', headers: origin, body: JSON.stringify({ product_id: 'pot', quantity: 1 }) });
    const checkout = (await (await fetch(`${server.url}/api/carts/${cart.id}/checkout`, { method: 'POST', headers: origin })).json()) as { token: string };
    const intent = await fetch(`${server.url}/api/checkout/${checkout.token}/payment-intent`, { method: 'POST' });
    assert.equal(intent.status, 502);
    assert.equal((await status(id)).has_stripe, false);
    assert.match((await visit(`/stores/${id}`)).text, /stopped working/);
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
    // The endpoint first (its secret is the second dashboard's setting), pointed at that dashboard once it listens.
    const internal = { 'X-Internal-Secret': server.internalSecret, 'Content-Type': 'application/json' };
    const registered = await fetch(`${server.url}/api/internal/webhook-endpoints`, {
      method: 'POST',
      headers: internal,
      body: JSON.stringify({ url: 'http://127.0.0.1:9/later', event_types: ['order.paid'] }),
    });
    const endpoint = (await registered.json()) as { id: string; secret: string };
    const pushFlask = await startFlask({
      CHECKOUT_BEST_URL: server.url,
      CHECKOUT_BEST_SECRET: server.internalSecret,
      CHECKOUT_BEST_WEBHOOK_SECRET: endpoint.secret,
      BMOS_DATA: join(dataDir, 'push.json'),
    });
    try {
      const patched = await fetch(`${server.url}/api/internal/webhook-endpoints/${endpoint.id}`, {
        method: 'PATCH',
        headers: internal,
        body: JSON.stringify({ url: `${pushFlask.url}/checkout-best/events` }),
      });
      assert.equal(patched.status, 200);
      const form = (path: string, fields: Record<string, string>) =>
        fetch(`${pushFlask.url}${path}`, { method: 'POST', redirect: 'manual', body: new URLSearchParams(fields) });
      const created = await form('/stores', { name: 'Push Shop', allowed_origins: 'https://shop.example.com', currency: 'usd' });
      const id = /\/stores\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '')![1];
      assert.equal((await form(`/stores/${id}/products`, { name: 'Globe', price: '40' })).status, 303);
      assert.equal((await form(`/stores/${id}/sync-catalog`, {})).status, 303);
      const keys = emu.createAccount('Push Shop LLC').keys.test;
      const link = (await fetch(`${pushFlask.url}/stores/${id}/connect-payments`, { redirect: 'manual' })).headers.get('location')!;
      assert.equal((await submitConnectForm(link, keys)).status, 303);
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
      const page = await (await fetch(`${pushFlask.url}/stores/${id}`)).text();
      assert.ok(page.includes(order.id), 'the pushed order on the store page');
      assert.match(page.slice(page.indexOf(order.id)), /45\.00 USD/);
      const log = await fetch(`${server.url}/api/internal/webhook-endpoints/${endpoint.id}/deliveries`, { headers: internal });
      const [delivery] = ((await log.json()) as { data: Array<{ status: string; last_status_code: number }> }).data;
      assert.deepEqual([delivery.status, delivery.last_status_code], ['delivered', 204]);
      const forged = await fetch(`${pushFlask.url}/checkout-best/events`, {
        method: 'POST',
        headers: { 'webhook-id': 'evt_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
        body: '{"id":"evt_forged","type":"order.paid","store_id":"x","data":{}}',
      });
      assert.equal(forged.status, 400, 'a forged event is refused');
      assert.ok(!pushFlask.output().includes(endpoint.secret), 'the webhook secret is never printed');
    } finally {
      const exited = new Promise((r) => pushFlask.child.once('exit', r));
      pushFlask.child.kill('SIGTERM');
      await exited;
      await fetch(`${server.url}/api/internal/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', headers: internal });
    }
  });

  it('never puts the internal secret in a page it serves', () => {
    assert.ok(pages.length > 8);
    for (const page of pages) assert.ok(!page.includes(server.internalSecret));
    assert.ok(!flask.output().includes(server.internalSecret));
  });
});
