// The command-line tools never print the master key or the internal secret, even at
// LOG_LEVEL=debug and when they have something to log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, checkoutFor, openShop } from '../support/shop';

/** Runs a CLI (async, so the in-process emulator keeps answering) and returns its exit code and output. */
function runCli(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `server/src/cli/${script}`], {
      env: { PATH: process.env.PATH!, NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Every spelling of a 32-byte key a careless log line could contain. */
const spellings = (key: Buffer) => [key.toString('base64'), key.toString('base64url'), key.toString('hex')];

describe('the command-line tools keep the master key and the internal secret out of their output', () => {
  let emu: StripeEmulator;
  let env: Record<string, string>;
  let dropDatabase = async () => {};
  const masterKey = randomBytes(32);
  const internalSecret = randomBytes(24).toString('base64url');
  const assertClean = (out: string) => {
    for (const s of [...spellings(masterKey), internalSecret]) assert.ok(!out.includes(s), `a secret appears in:\n${out}`);
  };

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    const server = await startTestServer({ emulator: emu, env: { masterKey: new Uint8Array(masterKey), internalSecrets: [internalSecret] } });
    // An open session with an intent: the reconcile CLI retrieves it, and the retrieve will fail, so it logs.
    const shop = await openShop(server, emu, 'CLI Shop');
    const { token } = await checkoutFor(server, shop.store.id, [['tee', 1]]);
    assert.equal((await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`)).status, 200);
    await server.close();
    dropDatabase = () => server.destroy(); // the temp folder and, on PostgreSQL, the throw-away database
    env = {
      MASTER_KEY: masterKey.toString('base64'),
      INTERNAL_SECRET: internalSecret,
      ...server.databaseEnv,
      LOG_LEVEL: 'debug',
      STRIPE_API_URL: emu.url,
    };
  });
  after(async () => {
    await dropDatabase();
    await emu.close();
  });

  it('reconcile: logs the failed check, and no secret', async () => {
    emu.faults.enqueue({ kind: '500', count: 20, path: /^\/v1\/payment_intents\/pi_/ });
    const { code, out } = await runCli('reconcile.ts', env);
    emu.faults.clear();
    assert.equal(code, 2, out);
    assert.match(out, /reconcile check failed/);
    assert.match(out, /1 check\(s\) failed/);
    assertClean(out);
  });

  it('rotate-master-key: a successful rotation and a refused one (wrong key) print no secret', async () => {
    const next = randomBytes(32);
    const ok = await runCli('rotate-master-key.ts', { ...env, MASTER_KEY: next.toString('base64'), MASTER_KEYS_PREVIOUS: env.MASTER_KEY });
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /re-sealed [1-9]\d* secrets?/);
    assertClean(ok.out);
    for (const s of spellings(next)) assert.ok(!ok.out.includes(s), ok.out);
    // The old key alone no longer opens what was re-sealed: the tool fails and must say so without the keys.
    const refused = await runCli('rotate-master-key.ts', env);
    assert.notEqual(refused.code, 0, refused.out);
    assertClean(refused.out);
    for (const s of spellings(next)) assert.ok(!refused.out.includes(s), refused.out);
  });

  it('keygen: prints a fresh key, not the configured one', async () => {
    const { code, out } = await runCli('keygen.ts', env);
    assert.equal(code, 0, out);
    assert.equal(Buffer.from(out.trim(), 'base64').length, 32);
    assertClean(out);
  });
});
