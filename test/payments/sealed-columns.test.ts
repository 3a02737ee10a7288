// Sealed boxes are bound to their store, purpose and row: whoever can write the SQLite file but has no
// master key cannot make one secret open where another is expected, and boxes of an earlier release (v1,
// bound to the store only) are upgraded at start without letting a moved one through.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signPayload, startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { sealV1 } from '../support/seal-v1';
import { assertNoSecrets } from '../support/secrets';
import { call, checkoutFor, internal, openShop, pay, type TestServer } from '../support/shop';

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

  /** Runs SQL on the database directly (either engine), as someone with write access to it (and no master key). */
  const tamper = async (sql: string, ...params: unknown[]) => void (await server.sql(sql, params));
  const column = async (sql: string, ...params: unknown[]): Promise<string> => {
    const [row] = await server.sql(sql, params);
    return Object.values(row ?? {})[0] as string;
  };
  const webhookSecretOf = async (storeId: string) =>
    server.deps.sealer.open({ storeId, purpose: 'stripe_webhook_secret', rowId: storeId }, (await server.deps.storage.stores.getWebhookSecretSealed(storeId))!);
  const checkoutIdOf = (paymentIntentId: string) => column('SELECT id FROM checkouts WHERE payment_intent_id = ?', paymentIntentId);
  const event = (id: string) =>
    JSON.stringify({ id, object: 'event', type: 'customer.created', livemode: false, created: 1, data: { object: { id: 'cus_1', object: 'customer' } } });
  const postEvent = (storeId: string, body: string, secret: string) =>
    call(server.url, 'POST', `/stripe/webhooks/${storeId}`, body, { 'Stripe-Signature': signPayload(secret, body, Math.floor(Date.now() / 1000)) });
  const keyStatus = async (storeId: string) => (await internal(server, 'GET', `/api/internal/stores/${storeId}/stripe-status`)).body.key_status;

  it('with the secret key and webhook secret columns swapped, webhooks and payments refuse and neither secret leaks', async () => {
    const shop = await openShop(server, emu, 'Swapped Shop');
    const sk = shop.acct.keys.test.secret;
    const whsec = await webhookSecretOf(shop.store.id);
    const ok = await postEvent(shop.store.id, event('evt_swap_before'), whsec);
    assert.equal(ok.status, 200, 'sanity: the webhook works before the swap');
    await tamper(
      'UPDATE stripe_connections SET secret_key_sealed = webhook_secret_sealed, webhook_secret_sealed = secret_key_sealed WHERE store_id = ?',
      shop.store.id,
    );
    const answers: string[] = [];

    // Webhooks: neither the real signing secret nor the value now in its column (the secret key) verifies.
    for (const [id, secret] of [
      ['evt_swap_whsec', whsec],
      ['evt_swap_sk', sk],
    ] as const) {
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

  it('upgrades the v1 boxes of an existing database at start, and the store keeps taking payments and webhooks', async () => {
    const shop = await openShop(server, emu, 'Upgraded Shop');
    const storeId = shop.store.id;
    const sk = shop.acct.keys.test.secret;
    const whsec = await webhookSecretOf(storeId);
    const { token } = await checkoutFor(server, storeId);
    const made = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    const checkoutId = await checkoutIdOf(made.payment_intent_id);
    // The database as the release before bound boxes left it: every box v1, bound to the store only.
    const key = server.config.masterKey;
    await tamper(
      'UPDATE stripe_connections SET secret_key_sealed = ?, webhook_secret_sealed = ? WHERE store_id = ?',
      sealV1(key, storeId, sk),
      sealV1(key, storeId, whsec),
      storeId,
    );
    await tamper('UPDATE checkouts SET sealed_client_secret = ? WHERE id = ?', sealV1(key, storeId, made.client_secret), checkoutId);

    await server.restart();

    const boxes = {
      secretKey: await column('SELECT secret_key_sealed FROM stripe_connections WHERE store_id = ?', storeId),
      webhookSecret: await column('SELECT webhook_secret_sealed FROM stripe_connections WHERE store_id = ?', storeId),
      clientSecret: await column('SELECT sealed_client_secret FROM checkouts WHERE id = ?', checkoutId),
    };
    for (const [name, box] of Object.entries(boxes)) assert.match(box, /^v2\./, `${name} was not upgraded`);
    const { sealer } = server.deps;
    assert.equal(sealer.open({ storeId, purpose: 'stripe_secret_key', rowId: storeId }, boxes.secretKey), sk);
    assert.equal(sealer.open({ storeId, purpose: 'stripe_webhook_secret', rowId: storeId }, boxes.webhookSecret), whsec);
    assert.equal(sealer.open({ storeId, purpose: 'checkout_client_secret', rowId: checkoutId }, boxes.clientSecret), made.client_secret);

    const again = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(again.body.client_secret, made.client_secret);
    assert.equal(server.logs.filter((l) => l.includes('did not open') && l.includes(checkoutId)).length, 0, 'the upgraded box opened (no fetch from Stripe)');
    const fresh = await checkoutFor(server, storeId);
    const { intent } = await pay(server, emu, fresh.token);
    const done = await call(server.url, 'POST', `/api/checkout/${fresh.token}/complete`, { payment_intent_id: intent.payment_intent_id });
    assert.equal(done.status, 200, done.text);
    assert.equal((await postEvent(storeId, event('evt_upgraded'), whsec)).status, 200);
  });

  it('refuses a v1 box planted after the upgrade, even in the column it came from', async () => {
    const shop = await openShop(server, emu, 'Planted Shop');
    const storeId = shop.store.id;
    const sk = shop.acct.keys.test.secret;
    const whsec = await webhookSecretOf(storeId);
    const { token } = await checkoutFor(server, storeId);
    const made = (await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).body;
    const checkoutId = await checkoutIdOf(made.payment_intent_id);
    const key = server.config.masterKey;
    await tamper('UPDATE stripe_connections SET webhook_secret_sealed = ? WHERE store_id = ?', sealV1(key, storeId, whsec), storeId);
    await tamper('UPDATE checkouts SET sealed_client_secret = ? WHERE id = ?', sealV1(key, storeId, made.client_secret), checkoutId);

    assert.equal((await postEvent(storeId, event('evt_planted'), whsec)).status, 400, 'a planted v1 webhook secret verified an event');
    const again = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
    assert.equal(again.body.client_secret, made.client_secret, again.text);
    assert.ok(
      server.logs.some((l) => l.includes('did not open') && l.includes(checkoutId)),
      'the planted v1 client_secret box was opened',
    );

    await tamper('UPDATE stripe_connections SET secret_key_sealed = ? WHERE store_id = ?', sealV1(key, storeId, sk), storeId);
    const next = await checkoutFor(server, storeId);
    const refused = await call(server.url, 'POST', `/api/checkout/${next.token}/payment-intent`);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.error.code, 'store_not_connected');
  });

  it('does not re-seal at start a v1 box that was moved before the upgrade: it stays refused', async () => {
    const shop = await openShop(server, emu, 'Moved Shop');
    const storeId = shop.store.id;
    const sk = shop.acct.keys.test.secret;
    const a = await checkoutFor(server, storeId);
    const b = await checkoutFor(server, storeId);
    const madeA = (await call(server.url, 'POST', `/api/checkout/${a.token}/payment-intent`)).body;
    const madeB = (await call(server.url, 'POST', `/api/checkout/${b.token}/payment-intent`)).body;
    const [idA, idB] = [await checkoutIdOf(madeA.payment_intent_id), await checkoutIdOf(madeB.payment_intent_id)];
    const key = server.config.masterKey;
    // v1 boxes moved while v1 still opened everywhere in the store: the key into A's client_secret and into the
    // webhook column, A's client_secret into B's row. The key's own column keeps its (genuine) v1 box.
    await tamper(
      'UPDATE stripe_connections SET secret_key_sealed = ?, webhook_secret_sealed = ? WHERE store_id = ?',
      sealV1(key, storeId, sk),
      sealV1(key, storeId, sk),
      storeId,
    );
    await tamper('UPDATE checkouts SET sealed_client_secret = ? WHERE id = ?', sealV1(key, storeId, sk), idA);
    await tamper('UPDATE checkouts SET sealed_client_secret = ? WHERE id = ?', sealV1(key, storeId, madeA.client_secret), idB);

    await server.restart();

    assert.match(await column('SELECT secret_key_sealed FROM stripe_connections WHERE store_id = ?', storeId), /^v2\./);
    assert.match(await column('SELECT webhook_secret_sealed FROM stripe_connections WHERE store_id = ?', storeId), /^v1\./);
    assert.match(await column('SELECT sealed_client_secret FROM checkouts WHERE id = ?', idA), /^v1\./);
    assert.match(await column('SELECT sealed_client_secret FROM checkouts WHERE id = ?', idB), /^v1\./);
    for (const row of [storeId, idA, idB]) {
      assert.ok(
        server.logs.some((l) => l.includes('sealed value not upgraded') && l.includes(row)),
        `no warning for ${row}`,
      );
    }
    const answerA = await call(server.url, 'POST', `/api/checkout/${a.token}/payment-intent`);
    assert.equal(answerA.text.includes(sk), false, 'session A answered the secret key');
    assert.equal(answerA.body.client_secret, madeA.client_secret);
    const answerB = await call(server.url, 'POST', `/api/checkout/${b.token}/payment-intent`);
    assert.equal(answerB.body.client_secret, madeB.client_secret, "session B answered another session's client_secret");
    assert.equal((await postEvent(storeId, event('evt_moved'), sk)).status, 400);
  });
});
