// The multi-instance harness: N real server processes started exactly as `npm start` starts
// server/src/main.ts, all on ONE fresh PostgreSQL database and one in-process Stripe emulator, behind a small
// round-robin HTTP proxy (loopback only) that is their PUBLIC_URL. The proxy appends X-Forwarded-For like a
// real one (the servers run with TRUST_PROXY=1) and, like nginx's `proxy_next_upstream error`, tries the next
// instance when one refuses the connection (it is down), so webhooks keep flowing during a rolling restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../examples/demo/server-process';
import { PG_SERVER, pgAdmin } from './pg';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

const PG_URL = new URL(PG_SERVER);
/** host:port of the PostgreSQL server, for messages. */
export const PG_ADDRESS = `${PG_URL.hostname || '127.0.0.1'}:${PG_URL.port || 5432}`;

/** True when something accepts TCP connections at the PostgreSQL server's host and port within 2 s (as test/run.mjs checks). */
export function postgresAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: PG_URL.hostname || '127.0.0.1', port: Number(PG_URL.port || 5432) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** up: answered /healthz and not asked to stop; stopping: SIGTERM sent; down: exited (or not started yet). */
export type InstanceState = 'up' | 'stopping' | 'down';

/** One server process of the cluster, on a fixed port that survives its restarts. */
export interface Instance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly logPath: string;
  state: InstanceState;
  child?: ChildProcess;
  /** Starts the process and waits for /healthz to answer 200. */
  start(): Promise<void>;
  /** SIGTERM and wait for the exit (SIGKILL after `graceMs`); answers the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
  /** kill -9, and wait until the process is gone. */
  kill9(): Promise<void>;
  /** The last `lines` lines of its log. */
  tail(lines?: number): string;
}

/** A running cluster; destroy() is safe to call more than once and after a failed start. */
export interface Cluster {
  emu: StripeEmulator;
  proxyUrl: string;
  instances: Instance[];
  databaseUrl: string;
  internalSecret: string;
  /** The environment every instance gets (without PORT), also for CLI runs on the same data. */
  env: Record<string, string>;
  /** How many requests the proxy passed to each instance, by name. */
  proxied: Record<string, number>;
  destroy(): Promise<void>;
}

/** High enough that no scenario is throttled (the proxy's X-Forwarded-For makes every caller 127.0.0.1). */
const UNTHROTTLED: Record<string, string> = {
  RATE_LIMIT_CONNECT_PER_MINUTE: '100000',
  RATE_LIMIT_INTERNAL_PER_MINUTE: '1000000',
  RATE_LIMIT_CARTS_PER_MINUTE: '1000000',
  RATE_LIMIT_STORE_CARTS_PER_MINUTE: '1000000',
  RATE_LIMIT_CART_ITEMS_PER_MINUTE: '1000000',
  RATE_LIMIT_STORE_CART_ITEMS_PER_MINUTE: '1000000',
  RATE_LIMIT_CHECKOUTS_PER_MINUTE: '1000000',
  RATE_LIMIT_STORE_CHECKOUTS_PER_MINUTE: '1000000',
  RATE_LIMIT_PAYMENT_INTENTS_PER_MINUTE: '1000000',
  RATE_LIMIT_STORE_PAYMENT_INTENTS_PER_MINUTE: '1000000',
  RATE_LIMIT_DETAILS_PER_MINUTE: '1000000',
  RATE_LIMIT_STORE_DETAILS_PER_MINUTE: '1000000',
  RATE_LIMIT_COMPLETE_PER_MINUTE: '1000000',
  RATE_LIMIT_DISCOUNT_CODES_PER_MINUTE: '1000000',
  RATE_LIMIT_CART_DISCOUNT_CODES_PER_MINUTE: '1000000',
};

/** Settings of the parent's environment that must not leak into the instances. */
const SCRUBBED = [
  'NODE_ENV',
  'MASTER_KEY',
  'MASTER_KEYS_PREVIOUS',
  'INTERNAL_SECRET',
  'PUBLIC_URL',
  'PORT',
  'HOST',
  'TRUST_PROXY',
  'DATABASE_PATH',
  'DATABASE_URL',
  'STRIPE_API_URL',
  'STRIPE_JS_URL',
  'LOG_LEVEL',
];

function parentEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.includes(k) && !k.startsWith('RATE_LIMIT_')) env[k] = v;
  return env;
}

/** Every child this process started, killed with SIGKILL if the test process exits without destroy(). */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts `count` instances (in parallel), the emulator and the proxy, on a new database `cb_multi_<random>`. */
export async function startCluster(count = 3): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-multi-'));
  const database = `cb_multi_${randomBytes(6).toString('hex')}`;
  const instances: Instance[] = [];
  const proxied: Record<string, number> = {};
  let emu: StripeEmulator | undefined;
  let proxy: Server | undefined;
  let created = false;
  let destroyed = false;

  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await Promise.all(instances.map((i) => i.kill9().catch(() => undefined)));
    if (proxy) {
      const p = proxy;
      await new Promise<void>((resolve) => {
        p.close(() => resolve());
        p.closeAllConnections();
      });
    }
    if (emu) await emu.close().catch(() => undefined);
    if (created) await pgAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    if (process.env.KEEP_MULTI_LOGS) process.stdout.write(`# multi-instance logs kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  };

  try {
    await pgAdmin(`CREATE DATABASE ${database}`);
    created = true;
    emu = await startStripeEmulator({ port: 0, webhookRetryBaseMs: 200, webhookMaxAttempts: 8 });
    const ports = [];
    for (let n = 0; n < count; n++) ports.push(await freePort(0));
    proxy = startProxy(ports, instances, proxied);
    await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const internalSecret = randomBytes(24).toString('base64url');
    const databaseUrl = `${PG_SERVER}/${database}`;
    const env: Record<string, string> = {
      ...parentEnv(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      MASTER_KEY: randomBytes(32).toString('base64'),
      INTERNAL_SECRET: internalSecret,
      STRIPE_API_URL: emu.url,
      PUBLIC_URL: proxyUrl,
      TRUST_PROXY: '1',
      LOG_LEVEL: process.env.MULTI_LOG_LEVEL ?? 'info',
      ...UNTHROTTLED,
    };
    ports.forEach((port, n) => instances.push(makeInstance(`i${n + 1}`, port, env, join(dir, `i${n + 1}.log`))));
    await Promise.all(instances.map((i) => i.start()));
    return { emu, proxyUrl, instances, databaseUrl, internalSecret, env, proxied, destroy };
  } catch (err) {
    await destroy();
    throw err;
  }
}

function makeInstance(name: string, port: number, env: Record<string, string>, logPath: string): Instance {
  const log = createWriteStream(logPath, { flags: 'a' });
  let exited: Promise<number | null> = Promise.resolve(null);
  const instance: Instance = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    logPath,
    state: 'down',
    async start() {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
        env: { ...env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      instance.child = child;
      children.add(child);
      child.stdout.pipe(log, { end: false });
      child.stderr.pipe(log, { end: false });
      exited = new Promise((resolve) =>
        child.once('exit', (code) => {
          children.delete(child);
          instance.state = 'down';
          resolve(code);
        }),
      );
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${instance.tail()}`);
        const ok = await fetch(`${instance.url}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) {
          instance.state = 'up';
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${name} did not answer /healthz within 60 s:\n${instance.tail()}`);
    },
    async stop(graceMs = 15_000) {
      const child = instance.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
      instance.state = 'stopping';
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      const child = instance.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      instance.state = 'stopping';
      child.kill('SIGKILL');
      await exited;
    },
    tail(lines = 30) {
      try {
        return readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
  return instance;
}

/** The round-robin proxy: buffers the request, appends X-Forwarded-For, tries the next instance on a refused connection. */
function startProxy(ports: number[], instances: Instance[], proxied: Record<string, number>): Server {
  const agent = new Agent({ keepAlive: false });
  let next = 0;
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const remote = req.socket.remoteAddress ?? '127.0.0.1';
      const prior = req.headers['x-forwarded-for'];
      const headers = { ...req.headers, 'x-forwarded-for': prior ? `${String(prior)}, ${remote}` : remote, 'x-forwarded-proto': 'http', connection: 'close' };
      const start = next++ % ports.length;
      const attempt = (tried: number) => {
        const index = (start + tried) % ports.length;
        const upstream = request({ host: '127.0.0.1', port: ports[index], method: req.method, path: req.url, headers, agent }, (answer) => {
          const name = instances[index]?.name ?? String(index);
          proxied[name] = (proxied[name] ?? 0) + 1;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', (err: NodeJS.ErrnoException) => {
          // Refused: nothing was received, so another instance may take it (as nginx's proxy_next_upstream error).
          if (err.code === 'ECONNREFUSED' && tried + 1 < ports.length) return attempt(tried + 1);
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${err.code ?? err.message}`);
          else res.destroy();
        });
        upstream.end(body);
      };
      attempt(0);
    });
  });
}

/** Runs `npm run reconcile`'s script with the cluster's environment; answers its exit code and output. */
export function runReconcile(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/reconcile.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}
