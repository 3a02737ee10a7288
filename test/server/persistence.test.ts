import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { secretKeyBinding, webhookSecretBinding } from '../../server/src/crypto/bindings';
import { keyId } from '../../server/src/crypto/seal';
import { AppError } from '../../server/src/errors';
import { withMerchantStripe } from '../../server/src/stripe/merchant';
import { startTestServer, type TestServer } from '../support/app';
import { sealV1 } from '../support/seal-v1';
import { assertNoSecrets } from '../support/secrets';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

let emu: StripeEmulator;
let server: TestServer;
const secrets: string[] = [];

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu });
});
after(async () => {
  await server.destroy();
  await emu.close();
});

async function connectedStore(name: string) {
  const acct = emu.createAccount(name);
  const store = await server.createStore({ name, allowed_origins: ['https://shop.example'] });
  await server.connectStore(store.id, acct.keys.test);
  const hook = server.deps.sealer.open(webhookSecretBinding(store.id), (await server.deps.storage.stores.getWebhookSecretSealed(store.id))!);
  secrets.push(acct.keys.test.secret, hook);
  return { acct, store };
}

const status = async (id: string) => (await server.internal('GET', `/stores/${id}/stripe-status`)).body;

describe('persistence', () => {
  it('keeps stores, keys, webhook secrets and audit trail across a restart', async () => {
    const { store } = await connectedStore('Restart Shop');
    const before = { status: await status(store.id), store: (await server.internal('GET', `/stores/${store.id}`)).body };
    const events = (await server.internal('GET', `/stores/${store.id}/events`)).body;
    const sealedHook = await server.deps.storage.stores.getWebhookSecretSealed(store.id);
    await server.restart();
    assert.deepEqual(await status(store.id), before.status);
    assert.deepEqual((await server.internal('GET', `/stores/${store.id}`)).body, before.store);
    assert.deepEqual((await server.internal('GET', `/stores/${store.id}/events`)).body, events);
    assert.equal(await server.deps.storage.stores.getWebhookSecretSealed(store.id), sealedHook);
    const conn = (await server.deps.storage.stores.getConnection(store.id))!;
    const pi = await server.deps.stripe
      .forKey(server.deps.sealer.open(secretKeyBinding(store.id), conn.secret_key_sealed))
      .paymentIntents.create({ amount: 100, currency: 'usd' });
    assert.ok(pi.id, 'the reopened key still works');
  });

  it('never writes a secret in plaintext to the database (SQLite files, or PostgreSQL rows)', async () => {
    await connectedStore('Bytes Shop');
    await server.restart(); // checkpoints nothing on its own, so read the WAL too
    const text = await server.atRest();
    assert.ok(text.length > 0);
    const bytes = Buffer.from(text, 'latin1');
    const masterKey = Buffer.from(server.config.masterKey);
    for (const s of [...secrets, server.internalSecret]) assert.equal(bytes.indexOf(s), -1, `plaintext secret ${s.slice(0, 8)}… found`);
    for (const form of [masterKey, Buffer.from(masterKey.toString('base64'))]) assert.equal(bytes.indexOf(form), -1, 'master key found');
    assert.doesNotMatch(text, /sk_test_[A-Za-z0-9]{8}|whsec_[A-Za-z0-9]{8}/);
    assert.match(text, /pk_test_/, 'sanity: the file does hold the (public) publishable keys');
  });
});

describe('sealed boxes are bound to their store', () => {
  it('a sealed key copied into another store row does not open there', async () => {
    const { store: victim } = await connectedStore('Victim Shop');
    const { store: attacker } = await connectedStore('Attacker Shop');
    await server.sql(
      'UPDATE stripe_connections SET secret_key_sealed = (SELECT secret_key_sealed FROM stripe_connections WHERE store_id = ?) WHERE store_id = ?',
      [victim.id, attacker.id],
    );
    const err = await withMerchantStripe(server.deps, attacker.id, () => Promise.resolve('opened')).catch((e: AppError) => e);
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'store_not_connected');
    assert.ok(server.logs.some((l) => l.includes('sealed Stripe key could not be opened')));
    await server.deps.storage.stores.disconnect(attacker.id); // leave no unopenable box for the rotation tests
  });
});

describe('master key rotation', () => {
  it('re-seals every stored secret under the new key; the old key is then no longer needed', async () => {
    const { store } = await connectedStore('Rotation Shop');
    const oldKey = Buffer.from(server.config.masterKey).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      ...server.databaseEnv,
      MASTER_KEY: newKey,
      MASTER_KEYS_PREVIOUS: oldKey,
      INTERNAL_SECRET: server.internalSecret,
    };
    const run = () => spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/rotate-master-key.ts'], { env, encoding: 'utf8' });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /re-sealed \d+ secrets under the current MASTER_KEY/);
    assert.ok(Number(/re-sealed (\d+)/.exec(first.stdout)![1]) >= 2);
    assert.match(run().stdout, /re-sealed 0 secrets/, 'a second run has nothing left to do');
    assert.doesNotMatch(first.stdout + first.stderr, new RegExp(newKey.slice(0, 12).replace(/[+/]/g, '\\$&')));

    // Restart under the new key alone: every box opens, the store still connects to Stripe.
    server.config.masterKey = new Uint8Array(Buffer.from(newKey, 'base64'));
    server.config.masterKeysPrevious = [];
    await server.restart();
    const conn = (await server.deps.storage.stores.getConnection(store.id))!;
    assert.equal(conn.secret_key_sealed.split('.')[1], keyId(server.config.masterKey));
    assert.match(server.deps.sealer.open(secretKeyBinding(store.id), conn.secret_key_sealed), /^sk_test_/);
    assert.match(server.deps.sealer.open(webhookSecretBinding(store.id), conn.webhook_secret_sealed!), /^whsec_/);
    assert.equal((await status(store.id)).has_stripe, true);
  });

  it('upgrades v1 boxes to v2 before re-sealing, and names a v1 box that does not prove its column', async () => {
    const { store, acct } = await connectedStore('V1 Rotation Shop');
    const hook = server.deps.sealer.open(webhookSecretBinding(store.id), (await server.deps.storage.stores.getWebhookSecretSealed(store.id))!);
    const oldKey = server.config.masterKey;
    const newKey = new Uint8Array(randomBytes(32));
    const writeBoxes = (secretKey: string, webhookSecret: string) =>
      server.sql('UPDATE stripe_connections SET secret_key_sealed = ?, webhook_secret_sealed = ? WHERE store_id = ?', [secretKey, webhookSecret, store.id]);
    await writeBoxes(sealV1(oldKey, store.id, acct.keys.test.secret), sealV1(oldKey, store.id, hook));
    const env = (master: Uint8Array, previous: Uint8Array[]) => ({
      ...process.env,
      NODE_ENV: 'test',
      ...server.databaseEnv,
      MASTER_KEY: Buffer.from(master).toString('base64'),
      MASTER_KEYS_PREVIOUS: previous.map((k) => Buffer.from(k).toString('base64')).join(','),
      INTERNAL_SECRET: server.internalSecret,
    });
    // Not spawnSync: the test server keeps serving meanwhile, so no keep-alive socket goes stale while blocked.
    const rotate = (e: NodeJS.ProcessEnv) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'server/src/cli/rotate-master-key.ts'], { env: e, encoding: 'utf8' }, (err, stdout, stderr) =>
          resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
      });
    const first = await rotate(env(newKey, [oldKey]));
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /upgraded 2 v1 boxes to v2/);
    server.config.masterKey = newKey;
    server.config.masterKeysPrevious = [];
    await server.restart();
    const conn = (await server.deps.storage.stores.getConnection(store.id))!;
    assert.equal(conn.secret_key_sealed.split('.').slice(0, 2).join('.'), `v2.${keyId(newKey)}`);
    assert.equal(server.deps.sealer.open(webhookSecretBinding(store.id), conn.webhook_secret_sealed!), hook);

    // The secret key moved, as a v1 box, into the webhook column: not upgraded, so the rotation cannot finish.
    await writeBoxes(conn.secret_key_sealed, sealV1(newKey, store.id, acct.keys.test.secret));
    const second = await rotate(env(newKey, []));
    assert.equal(second.status, 1);
    assert.match(
      second.stderr,
      new RegExp(`not upgraded: stripe_connections.webhook_secret_sealed of row ${store.id}: the value is not a webhook signing secret`),
    );
    assert.match(second.stderr, new RegExp(`rotation failed, nothing changed: a v1 box .*\\(stripe_connections.webhook_secret_sealed, row ${store.id}\\)`));
    assertNoSecrets(second.stdout + second.stderr, [acct.keys.test.secret, hook]);
    await server.deps.storage.stores.disconnect(store.id); // leave no unopenable box for the next test
  });

  it('changes nothing when a box cannot be opened', async () => {
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      ...server.databaseEnv,
      MASTER_KEY: randomBytes(32).toString('base64'),
      INTERNAL_SECRET: server.internalSecret,
    };
    const before = (await server.deps.storage.stores.getConnection((await connectedStore('Unrotatable')).store.id))!;
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/rotate-master-key.ts'], { env, encoding: 'utf8' });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /rotation failed, nothing changed: sealed with an unknown master key/);
    assert.deepEqual(await server.deps.storage.stores.getConnection(before.store_id), before);
  });
});
