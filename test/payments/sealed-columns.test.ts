// Sealed boxes are bound to their store, purpose and row: whoever can write the SQLite file but has no
// master key cannot make one secret open where another is expected.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { signPayload, startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { assertNoSecrets } from '../support/secrets';
import { call, checkoutFor, internal, openShop, type TestServer } from './shop';

describe('sealed columns cannot stand in for one another', () => {
  let emu: StripeEmulator;
  let server: TestServer;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, stripe: { maxNetworkRetries: 0 } });
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  /** Runs SQL on the SQLite file directly, as someone with write access to it (and no master key). */
  const tamper = (sql: string, ...params: unknown[]) => {
    const raw = new Database(server.deps.config.databasePath);
    try {
      raw.prepare(sql).run(...params);
    } finally {
      raw.close();
    }
  };
  const webhookSecretOf = async (storeId: string) =>
    server.deps.sealer.open({ storeId, purpose: 'stripe_webhook_secret', rowId: storeId }, (await server.deps.storage.stores.getWebhookSecretSealed(storeId))!);
  const event = (id: string) => JSON.stringify({ id, object: 'event', type: 'customer.created', livemode: false, created: 1, data: { object: { id: 'cus_1', object: 'customer' } } });
  const postEvent = (storeId: string, body: string, secret: string) =>
    call(server.url, 'POST', `/stripe/webhooks/${storeId}`, body, { 'Stripe-Signature': signPayload(secret, body, Math.floor(Date.now() / 1000)) });
  const keyStatus = async (storeId: string) => (await internal(server, 'GET', `/api/internal/stores/${storeId}/stripe-status`)).body.key_status;

  it('with the secret key and webhook secret columns swapped, webhooks and payments refuse and neither secret leaks', async () => {
    const shop = await openShop(server, emu, 'Swapped Shop');
    const sk = shop.acct.keys.test.secret;
    const whsec = await webhookSecretOf(shop.store.id);
    const ok = await postEvent(shop.store.id, event('evt_swap_before'), whsec);
    assert.equal(ok.status, 200, 'sanity: the webhook works before the swap');
    tamper('UPDATE stripe_connections SET secret_key_sealed = webhook_secret_sealed, webhook_secret_sealed = secret_key_sealed WHERE store_id = ?', shop.store.id);
    const answers: string[] = [];

    // Webhooks: neither the real signing secret nor the value now in its column (the secret key) verifies.
    for (const [id, secret] of [['evt_swap_whsec', whsec], ['evt_swap_sk', sk]] as const) {
      const res = await postEvent(shop.store.id, event(id), secret);
      answers.push(res.text);
      assert.equal(res.status, 400, `an event signed with the ${id.endsWith('sk') ? 'secret key' : 'webhook secret'} was accepted`);
      assert.equal(res.body.error.code, 'webhook_signature_invalid');
    }

    // Payments: the webhook secret in the key column is never sent to Stripe as an API key.
    const sent = emu.requests.length;
    const { token } = await checkoutFor(server, shop.store.id);
    const res = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    answers.push(res.text);
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.error.code, 'store_not_connected');
    assert.equal(emu.requests.slice(sent).filter((r) => r.apiKey === whsec).length, 0, 'the webhook secret went to Stripe as an API key');
    assert.equal(await keyStatus(shop.store.id), 'valid', 'a box that does not open says nothing about the key at Stripe');
    assert.ok(server.logs.some((l) => l.includes('sealed Stripe key could not be opened') && l.includes(shop.store.id)));
    assertNoSecrets(answers.join('\n'), [sk, whsec], 'the answers');
  });
});
