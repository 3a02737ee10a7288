import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Sealer } from '../../server/src/crypto/seal';
import { openDatabase } from '../../server/src/storage/sqlite/index';
import { sealV1 } from '../support/seal-v1';

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
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 60_000);
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

  it('on SIGTERM: /readyz answers 503 at once, a slow in-flight request still completes, then the process exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-main-'));
    const secret = randomBytes(24).toString('base64url');
    const child = spawn(process.execPath, MAIN, {
      env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'db.sqlite'), INTERNAL_SECRET: secret, SHUTDOWN_DELAY_MS: '1500' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { port, output } = await listening(child);
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // A request whose body arrives slowly: half before SIGTERM, the rest after the server stopped accepting.
    const body = JSON.stringify({ name: 'Slow Shop' });
    let answer: { status: number; body: string } | undefined;
    const req = request(`${base}/api/internal/stores`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Internal-Secret': secret },
    });
    const answered = new Promise<void>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          answer = { status: res.statusCode!, body: text };
          resolve();
        });
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 5));
    await new Promise((r) => setTimeout(r, 200));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    // The signal is handled on the child's next turn; under load that may take a moment.
    let ready = await fetch(`${base}/readyz`);
    for (let i = 0; i < 20 && ready.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ready = await fetch(`${base}/readyz`);
    }
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { ready: false, reason: 'shutting down' });
    const live = await fetch(`${base}/healthz`);
    assert.equal(live.status, 200, 'still serving during SHUTDOWN_DELAY_MS');
    assert.equal(live.headers.get('connection'), 'close', 'answers while stopping close their connection');
    // Past the delay: no new connections, but the open request is still being read.
    await new Promise((r) => setTimeout(r, 1800));
    await assert.rejects(fetch(`${base}/healthz`), 'no new connections once the delay is over');
    assert.equal(answer, undefined);
    req.end(body.slice(5));
    await answered;
    assert.equal(answer!.status, 201, answer!.body);
    assert.equal(JSON.parse(answer!.body).name, 'Slow Shop');
    assert.equal(await exited, 0, output());
    assert.ok(Date.now() - signalledAt < 10_000, 'within the 10 s bound');
    const log = output();
    assert.match(log, /"msg":"stopping: not ready; finishing open requests"/);
    assert.ok(log.indexOf('"msg":"stopped"') > log.indexOf('"msg":"stopping'), 'stopped after draining');
  });

  it('keeps an idle keep-alive connection open for KEEP_ALIVE_TIMEOUT_MS, then closes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-main-'));
    const child = spawn(process.execPath, MAIN, {
      env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'db.sqlite'), KEEP_ALIVE_TIMEOUT_MS: '2000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const { port } = await listening(child);
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (received += c));
      const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
      const answers = (n: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no answer ${n}: ${received}`)), 10_000);
          const check = () => (received.split('HTTP/1.1 200').length > n ? (clearTimeout(timer), resolve()) : setTimeout(check, 10));
          check();
        });
      const ask = () => socket.write('GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n');
      ask();
      await answers(1);
      // Idle for 1.2 s (a balancer's connection between two shoppers): still open, the next request rides on it.
      await new Promise((r) => setTimeout(r, 1200));
      ask();
      await answers(2);
      const idleSince = performance.now();
      const idleMs = (await closed) - idleSince;
      assert.ok(idleMs >= 1500 && idleMs < 4500, `closed after ${Math.round(idleMs)} ms idle, not Node's 5 s`);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('upgrades the v1 boxes of an existing database to v2 (bound to store, purpose and row) before it listens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-main-'));
    const path = join(dir, 'db.sqlite');
    const masterKey = new Uint8Array(randomBytes(32));
    const store = '7d0f5c2e-1b8a-4c3e-9f00-0000000000a1';
    const [sk, whsec] = [`sk_test_${'a'.repeat(24)}`, `whsec_${'b'.repeat(32)}`];
    const db = openDatabase(path);
    db.prepare("INSERT INTO stores (id, name, created_at, updated_at) VALUES (?, 'Old Shop', 1, 1)").run(store);
    db.prepare(
      `INSERT INTO stripe_connections (store_id, publishable_key, secret_key_sealed, key_type, livemode, webhook_endpoint_id, webhook_secret_sealed, connected_at)
       VALUES (?, 'pk_test_old', ?, 'secret', 0, 'we_old', ?, 1)`,
    ).run(store, sealV1(masterKey, store, sk), sealV1(masterKey, store, whsec));
    db.close();
    const child = spawn(process.execPath, MAIN, {
      env: {
        ...baseEnv(),
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_PATH: path,
        MASTER_KEY: Buffer.from(masterKey).toString('base64'),
        INTERNAL_SECRET: randomBytes(24).toString('base64url'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 60_000);
      child.stdout.on('data', () => {
        if (/checkout-best listening/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    const raw = new Database(path, { readonly: true });
    const row = raw.prepare('SELECT secret_key_sealed, webhook_secret_sealed FROM stripe_connections WHERE store_id = ?').get(store) as Record<string, string>;
    raw.close();
    assert.match(row.secret_key_sealed, /^v2\./);
    assert.match(row.webhook_secret_sealed, /^v2\./);
    const sealer = new Sealer(masterKey);
    assert.equal(sealer.open({ storeId: store, purpose: 'stripe_secret_key', rowId: store }, row.secret_key_sealed), sk);
    assert.equal(sealer.open({ storeId: store, purpose: 'stripe_webhook_secret', rowId: store }, row.webhook_secret_sealed), whsec);
    assert.ok(out.indexOf('upgraded') < out.indexOf('checkout-best listening'), 'upgraded before listening');
    assert.equal(out.includes(sk) || out.includes(whsec), false);
  });

  it('refuses a malformed or unreachable DATABASE_URL: a clear error naming it, exit 1, no stack, no password', () => {
    const password = 'Hunter2-s3cret-pw';
    const cases = [
      `mysql://shop:${password}@127.0.0.1:5432/checkout`, // not a postgres URL
      `postgres://shop:${password}@`, // no host
      `postgres://shop:${password}@127.0.0.1:1/checkout`, // nothing listens on port 1
    ];
    for (const url of cases) {
      const res = spawnSync(process.execPath, MAIN, {
        env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url },
        encoding: 'utf8',
        timeout: 30_000,
      });
      const out = res.stdout + res.stderr;
      assert.equal(res.status, 1, `${url.replace(password, '***')}: ${out}`);
      assert.match(res.stderr, /^checkout-best: .*DATABASE_URL/m);
      assert.equal(out.includes(password), false, 'the password is printed');
      assert.doesNotMatch(out, /^\s+at /m, 'a stack trace is printed');
    }
  });

  it('refuses to start in production without its secrets, naming the setting', () => {
    const res = spawnSync(process.execPath, MAIN, { env: { ...baseEnv(), NODE_ENV: 'production', PUBLIC_URL: 'https://pay.example.com' }, encoding: 'utf8' });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /Invalid configuration: MASTER_KEY is required in production/);
  });
});

/** Waits for the server's listening line; answers its port and a reader of everything it printed so far. */
describe('the built server (dist/server.mjs, as npm start runs it)', () => {
  it('runs without TypeScript, finds the bundles and package.json from dist/, and stops cleanly', async (t) => {
    if (!existsSync('dist/server.mjs')) return t.skip('dist/server.mjs is not built (npm run build)');
    const dir = mkdtempSync(join(tmpdir(), 'cb-built-'));
    const child = spawn(process.execPath, ['dist/server.mjs'], {
      env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'db.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { port, output } = await listening(child);
    const base = `http://127.0.0.1:${port}`;
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { ok: true });
    assert.equal((await fetch(`${base}/widget.js`)).status, 200, 'the widget bundle is served from dist/');
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { info: { version: string } };
    assert.equal(doc.info.version, (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output());
  });
});

async function listening(child: ChildProcess): Promise<{ port: number; output: () => string }> {
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /"port":(\d+)[^\n]*checkout-best listening/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return { port, output: () => out };
}

describe('npm run keygen', () => {
  it('prints a new base64 master key of 32 bytes each time', () => {
    const run = () => spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/keygen.ts'], { encoding: 'utf8' }).stdout.trim();
    const a = run();
    assert.equal(Buffer.from(a, 'base64').length, 32);
    assert.equal(Buffer.from(a, 'base64').toString('base64'), a);
    assert.notEqual(run(), a);
  });
});
