import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webhookSecretBinding } from '../../server/src/crypto/bindings';
import { withMerchantStripe } from '../../server/src/stripe/merchant';
import { startTestServer, type TestServer } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

let emu: StripeEmulator;
let server: TestServer;
const answers: string[] = [];
const secrets: string[] = [];

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu, stripe: { maxNetworkRetries: 0 } });
});
after(async () => {
  await server.destroy();
  await emu.close();
});

/** fetch that records every answer (status line, headers, body) for the leak check. */
async function record(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url.startsWith('http') ? url : `${server.url}${url}`, { redirect: 'manual', ...init });
  const body = await res.clone().text();
  answers.push(`${res.status} ${JSON.stringify([...res.headers])}\n${body}`);
  return res;
}

const internal = (method: string, path: string, body?: unknown) =>
  record(`/api/internal${path}`, {
    method,
    headers: { 'X-Internal-Secret': server.internalSecret, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function submit(storeId: string, publishable: string, secret: string, accept = 'text/html'): Promise<Response> {
  const link = (await (await internal('POST', `/stores/${storeId}/connect-link`, { return_url: 'https://builder.example/back' })).json()).url;
  await record(link);
  const body = new URLSearchParams(new URL(link).searchParams);
  body.set('publishable_key', publishable);
  body.set('secret_key', secret);
  const res = await record('/stripe/connect', { method: 'POST', body, headers: { Accept: accept } });
  if (res.status === 303) await record(res.headers.get('location')!);
  return res;
}

describe('no secret leaks', () => {
  it('runs every flow and finds no key, webhook secret, master key or internal secret in logs or answers', async () => {
    const a = emu.createAccount('Leak A');
    const b = emu.createAccount('Leak B');
    const rk = emu.createRestrictedKey(a.id, 'test', { payment_intents: 'write' });
    secrets.push(a.keys.test.secret, a.keys.live.secret, b.keys.test.secret, rk);
    const store = (await (await internal('POST', '/stores', { name: 'Leaky', allowed_origins: ['https://leaky.example'] })).json()).id;

    for (const accept of ['text/html', 'application/json']) {
      assert.equal((await submit(store, a.keys.test.publishable, 'sk_test_' + 'q'.repeat(30), accept)).status, 422);
      assert.equal((await submit(store, a.keys.live.publishable, a.keys.test.secret, accept)).status, 422);
      assert.equal((await submit(store, b.keys.test.publishable, a.keys.test.secret, accept)).status, 422);
    }
    assert.equal((await submit(store, a.keys.test.publishable, rk)).status, 303);
    assert.equal((await submit(store, a.keys.test.publishable, a.keys.test.secret)).status, 303);
    secrets.push(server.deps.sealer.open(webhookSecretBinding(store), (await server.deps.storage.stores.getWebhookSecretSealed(store))!));
    assert.equal((await submit(store, a.keys.live.publishable, a.keys.live.secret)).status, 303);
    secrets.push(server.deps.sealer.open(webhookSecretBinding(store), (await server.deps.storage.stores.getWebhookSecretSealed(store))!));

    emu.faults.enqueue({ kind: '500', count: 1, path: '/v1/account' });
    assert.equal((await submit(store, a.keys.live.publishable, a.keys.live.secret, 'application/json')).status, 503);
    emu.revokeKey(a.keys.live.secret);
    await withMerchantStripe(server.deps, store, ({ stripe }) => stripe.paymentIntents.create({ amount: 100, currency: 'usd' })).catch(() => undefined);
    for (const path of ['', '/stripe-status', '/events']) await internal('GET', `/stores/${store}${path}`);
    await record(`/stripe/status/${store}`);
    await internal('DELETE', `/stores/${store}/stripe`);
    await record('/api/internal/stores', { method: 'POST', headers: { 'X-Internal-Secret': 'sk_test_guessing' } });

    const all = answers.join('\n');
    assert.ok(answers.length > 30, 'every flow produced answers');
    assert.match(all, /Invalid API key/);
    const masterKey = Buffer.from(server.config.masterKey);
    const configured = [server.internalSecret, masterKey.toString('base64'), masterKey.toString('base64url'), masterKey.toString('hex')];
    assertNoSecrets(all, [...secrets, ...configured], 'answers');
    const logs = server.logs.join('');
    assert.ok(server.logs.length > 5, 'the flows logged something');
    assertNoSecrets(logs, [...secrets, ...configured], 'logs');
  });
});
