import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const MAIN = ['--import', 'tsx', 'server/src/main.ts'];
const baseEnv = () => {
  const env = { ...process.env };
  for (const k of ['NODE_ENV', 'MASTER_KEY', 'INTERNAL_SECRET', 'PUBLIC_URL', 'MASTER_KEYS_PREVIOUS', 'PORT', 'TRUST_PROXY']) delete env[k];
  return env;
};

describe('the server process (npm start)', () => {
  it('starts on a fresh data folder with generated secrets, serves, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-main-'));
    const child = spawn(process.execPath, MAIN, {
      env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'data', 'db.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        const m = /"port":(\d+)[^\n]*checkout-best listening/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    assert.ok(existsSync(join(dir, 'data', 'secrets.json')), 'development secrets generated next to the database');
    assert.match(out, /MASTER_KEY and INTERNAL_SECRET not set/);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.deepEqual(await res.json(), { ok: true });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(out, /"msg":"stopped"/);
  });

  it('refuses to start in production without its secrets, naming the setting', () => {
    const res = spawnSync(process.execPath, MAIN, { env: { ...baseEnv(), NODE_ENV: 'production', PUBLIC_URL: 'https://pay.example.com' }, encoding: 'utf8' });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /Invalid configuration: MASTER_KEY is required in production/);
  });
});

describe('npm run keygen', () => {
  it('prints a new base64 master key of 32 bytes each time', () => {
    const run = () => spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/keygen.ts'], { encoding: 'utf8' }).stdout.trim();
    const a = run();
    assert.equal(Buffer.from(a, 'base64').length, 32);
    assert.equal(Buffer.from(a, 'base64').toString('base64'), a);
    assert.notEqual(run(), a);
  });
});
