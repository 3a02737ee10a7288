// The server test harness: the real app (createApp) over HTTP on 127.0.0.1, a real SQLite file in a temp dir,
// the official stripe client pointed at the emulator, and the logs captured as strings for leak checks.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createApp } from '../../server/src/app';
import { systemClock, type Clock } from '../../server/src/clock';
import type { Config } from '../../server/src/config';
import { upgradeSealedValues } from '../../server/src/crypto/upgrade';
import { buildDeps, type AppDeps } from '../../server/src/deps';
import type { StripeSettings } from '../../server/src/stripe/client';
import { PG_SERVER, pgAdmin } from './pg';
import type { StripeEmulator } from '../../emulator/src/index';

/** Options of startTestServer. */
export interface TestServerOptions {
  /** The emulator Stripe calls go to; omit only for tests that never reach Stripe. */
  emulator?: Pick<StripeEmulator, 'url'>;
  /** Overrides of the test configuration (databasePath, secrets, rate limits, env…). */
  env?: Partial<Config>;
  clock?: Clock;
  /** Stripe client settings; tests of faults shorten the timeout. */
  stripe?: Partial<StripeSettings>;
}

/** A publishable/secret key pair as the emulator hands them out. */
export interface KeyPair {
  publishable: string;
  secret: string;
}

/** The store JSON of the internal API. */
export interface TestStore {
  id: string;
  name: string;
  allowed_origins: string[];
  default_currency: string;
  created_at: string;
  updated_at: string;
}

/** A running test server: the app over HTTP, its database, the platform's client and restarts (startTestServer). */
export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** The test server's rate limits: high enough that no test is throttled unless it sets a limit itself. */
const UNTHROTTLED: Required<NonNullable<Config['rateLimits']>> = {
  connectPerMinute: 1000,
  internalPerMinute: 100_000,
  cartsPerMinute: 1_000_000,
  storeCartsPerMinute: 1_000_000,
  cartItemsPerMinute: 1_000_000,
  storeCartItemsPerMinute: 1_000_000,
  checkoutsPerMinute: 1_000_000,
  storeCheckoutsPerMinute: 1_000_000,
  paymentIntentsPerMinute: 1_000_000,
  storePaymentIntentsPerMinute: 1_000_000,
  detailsPerMinute: 1_000_000,
  storeDetailsPerMinute: 1_000_000,
  completePerMinute: 1_000_000,
  discountCodesPerMinute: 1_000_000,
  cartDiscountCodesPerMinute: 1_000_000,
};

/** The engine under test: TEST_DATABASE=postgres runs the suites on PostgreSQL (see test/run.mjs). */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/** `?` placeholders → `$1, $2…` (tests write SQL once for both engines). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The test server's database: a temp dir (its SQLite file), and with TEST_DATABASE=postgres a fresh database. */
async function throwawayDatabase(options: TestServerOptions): Promise<{ dir: string; pgDatabase?: string; drop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'checkout-best-test-'));
  const pgDatabase = TEST_ENGINE === 'postgres' && !options.env?.databaseUrl ? `cb_test_${randomBytes(8).toString('hex')}` : undefined;
  if (pgDatabase) await pgAdmin(`CREATE DATABASE ${pgDatabase}`);
  return {
    dir,
    pgDatabase,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
      if (pgDatabase) await pgAdmin(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
    },
  };
}

/** The configuration of a test server: fresh secrets, the emulator's URL, unthrottled unless the test sets limits. */
function testConfig(options: TestServerOptions, dir: string, pgDatabase: string | undefined): Config {
  return {
    env: 'test',
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://127.0.0.1:0',
    databasePath: join(dir, 'checkout-best.sqlite'),
    masterKey: new Uint8Array(randomBytes(32)),
    masterKeysPrevious: [],
    internalSecrets: [randomBytes(24).toString('base64url')],
    stripeApiUrl: options.emulator?.url ?? 'http://127.0.0.1:9',
    logLevel: 'debug',
    trustProxy: false,
    ...(pgDatabase ? { databaseUrl: `${PG_SERVER}/${pgDatabase}` } : {}),
    ...options.env,
    // Unthrottled unless a test sets a limit: the limits it names replace these, the rest stay.
    rateLimits: { ...UNTHROTTLED, ...options.env?.rateLimits },
  };
}

/** An HTTP server on 127.0.0.1:0 whose app can be swapped (a restart without the process). */
async function listenLocally(): Promise<{ url: string; serve(deps: AppDeps): void; close(): Promise<void> }> {
  const http: Server = createServer();
  // Longer than undici's idle sockets live: a test that pauses (a CLI run, a moved clock) must not reuse a socket
  // the server closed meanwhile (Node's default keep-alive timeout is 5 s), which fails as 'fetch failed'.
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  // Koa's callback settles every request itself (a failure becomes ctx.onerror's 500), so its promise never
  // rejects; the handler is looked up per request because serve() replaces it.
  let handler: ReturnType<ReturnType<typeof createApp>['callback']> | null = null;
  http.on('request', (req, res) => void handler?.(req, res));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    serve(deps) {
      handler = createApp(deps).callback();
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

/** Direct access to a test server's database, whatever the engine, behind the app's back. */
function databaseAccess(config: Config, dir: string) {
  const access = {
    /**
     * Runs one SQL statement on the server's database directly, whatever the engine (`?` placeholders);
     * answers the rows (none for a write). For tests of what is at rest, and of rows planted behind the app.
     */
    async sql<R = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<R[]> {
      if (config.databaseUrl) {
        const client = new pg.Client({ connectionString: config.databaseUrl });
        await client.connect();
        try {
          return (await client.query(numbered(query), params)).rows as R[];
        } finally {
          await client.end();
        }
      }
      const db = new Database(config.databasePath);
      try {
        const stmt = db.prepare(query);
        if (stmt.reader) return stmt.all(...params) as R[];
        stmt.run(...params);
        return [];
      } finally {
        db.close();
      }
    },
    /**
     * Everything the database holds at rest, as text: the SQLite files' bytes (main file and WAL, latin1), or
     * on PostgreSQL every row of every table as text. For checks that no secret is stored in plaintext.
     */
    async atRest(): Promise<string> {
      if (!config.databaseUrl) {
        const files = readdirSync(dir)
          .filter((f) => f.includes('sqlite'))
          .map((f) => join(dir, f))
          .filter((f) => existsSync(f));
        return Buffer.concat(files.map((f) => readFileSync(f))).toString('latin1');
      }
      const tables = await access.sql<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
      const parts: string[] = [];
      for (const { name } of tables) {
        for (const row of await access.sql<{ r: string }>(`SELECT t::text AS r FROM "${name}" t`)) parts.push(`${name}: ${row.r}`);
      }
      return parts.join('\n');
    },
  };
  return access;
}

/** The platform's side of a test: the internal API with the secret header, and stores made and connected through it. */
function platformClient(url: string, secret: string) {
  const platform = {
    /** Calls the internal API with the secret header; JSON in, parsed JSON out. */
    async internal<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
      const res = await fetch(`${url}/api/internal${path}`, {
        method,
        headers: { 'X-Internal-Secret': secret, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
    },
    /** Creates a store through the internal API. */
    async createStore(input: { id?: string; name: string; allowed_origins?: string[]; default_currency?: string }): Promise<TestStore> {
      const res = await platform.internal<TestStore>('POST', '/stores', input);
      if (res.status !== 201) throw new Error(`createStore failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    /** A signed connect link for the store, from the internal API. */
    async connectLink(storeId: string, body: { return_url?: string; ttl_seconds?: number } = {}): Promise<string> {
      const res = await platform.internal<{ url: string }>('POST', `/stores/${storeId}/connect-link`, body);
      if (res.status !== 200) throw new Error(`connect-link failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.url;
    },
    /** The real flow: signed link → GET the form → POST the form. Throws unless it ends in the 303 to success. */
    async connectStore(storeId: string, keys: KeyPair): Promise<Response> {
      const res = await submitConnectForm(await platform.connectLink(storeId), keys);
      if (res.status !== 303) throw new Error(`connectStore failed: ${res.status} ${(await res.text()).slice(0, 500)}`);
      return res;
    },
  };
  return platform;
}

/**
 * Starts the app on 127.0.0.1:0 with a fresh temp SQLite file, or with TEST_DATABASE=postgres a fresh
 * PostgreSQL database `cb_test_<random>` (dropped by destroy()); `publicUrl` is set to its real URL.
 */
export async function startTestServer(options: TestServerOptions = {}) {
  const database = await throwawayDatabase(options);
  const { dir } = database;
  const logs: string[] = [];
  const clock = options.clock ?? systemClock;
  const config = testConfig(options, dir, database.pgDatabase);
  const stripeSettings: Partial<StripeSettings> = { timeoutMs: 5000, maxNetworkRetries: 2, ...options.stripe };
  const http = await listenLocally();
  const { url } = http;
  if (!options.env?.publicUrl) config.publicUrl = url;
  // The same composition root as the server: the same secrets scrubbed, the same storage and Stripe client.
  const build = () => buildDeps(config, { clock, stripe: stripeSettings, logDestination: { write: (line: string) => void logs.push(line) } });
  let deps = await build();
  await upgradeSealedValues(deps); // as main.ts does before it listens
  http.serve(deps);

  let closed = false;
  /** Second instances opened by twin(), closed with this server. */
  const twins: { close(): Promise<void> }[] = [];
  const server = {
    url,
    dir,
    config,
    logs,
    get deps() {
      return deps;
    },
    engine: config.databaseUrl ? ('postgres' as const) : ('sqlite' as const),
    /** The database settings as environment variables, for the real server or a CLI run on the same data. */
    get databaseEnv(): Record<string, string> {
      return { DATABASE_PATH: config.databasePath, ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}) };
    },
    ...databaseAccess(config, dir),
    get internalSecret() {
      return config.internalSecrets[0];
    },
    ...platformClient(url, config.internalSecrets[0]),
    /**
     * A second instance of the app on the same database (SQLite file or PostgreSQL database), config and
     * clock, with its own deps (own storage connection(s), own instanceId) and its own HTTP port: two server
     * processes without the processes. Closed with this server.
     */
    async twin(): Promise<{ url: string; deps: AppDeps; close(): Promise<void> }> {
      const twinDeps = await build();
      const twinHttp = await listenLocally();
      twinHttp.serve(twinDeps);
      let twinClosed = false;
      const twin = {
        url: twinHttp.url,
        deps: twinDeps,
        async close(): Promise<void> {
          if (twinClosed) return;
          twinClosed = true;
          await twinHttp.close();
          await twinDeps.storage.close();
        },
      };
      twins.push(twin);
      return twin;
    },
    /** Closes the HTTP server and the database (and any twin). */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const t of twins) await t.close();
      await http.close();
      await deps.storage.close();
    },
    /** Reopens the same database (SQLite file or PostgreSQL database) with the same keys (a process restart without the process). */
    async restart(): Promise<void> {
      if (closed) throw new Error('restart() after close()');
      await deps.storage.close();
      deps = await build();
      await upgradeSealedValues(deps); // as main.ts does before it listens
      http.serve(deps);
    },
    /** Closes and deletes the temp directory (and the throw-away PostgreSQL database). */
    async destroy(): Promise<void> {
      await server.close();
      await database.drop();
    },
  };
  return server;
}

/** GETs the connect form at `url` (must be 200) and posts it back with the keys, like a browser would. */
export async function submitConnectForm(url: string, keys: KeyPair, accept = 'text/html'): Promise<Response> {
  const form = await fetch(url);
  if (form.status !== 200) throw new Error(`connect form answered ${form.status}`);
  await form.text();
  return postConnectForm(url, keys, accept);
}

/** Posts the connect form of `url` with the keys (the form already open in the browser). */
export function postConnectForm(url: string, keys: KeyPair, accept = 'text/html'): Promise<Response> {
  const u = new URL(url);
  const body = new URLSearchParams(u.searchParams);
  body.set('publishable_key', keys.publishable);
  body.set('secret_key', keys.secret);
  return fetch(new URL('/stripe/connect', u), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: accept },
    body,
    redirect: 'manual',
  });
}

/**
 * Opens a checkout session for one product over the public API, as the widget does from `origin`:
 * a new cart, one item, then checkout. Fails loudly unless the checkout answers 201.
 */
export async function openCheckout(
  serverUrl: string,
  storeId: string,
  { origin, productId = 'house-blend' }: { origin: string; productId?: string },
): Promise<{ token: string; url: string; expires_at: number }> {
  const headers = { 'Content-Type': 'application/json', Origin: origin };
  const post = (path: string, body: unknown) => fetch(`${serverUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const cart = await (await post(`/api/stores/${storeId}/carts`, {})).json();
  await post(`/api/carts/${cart.id}/items`, { product_id: productId, quantity: 1 });
  const res = await post(`/api/carts/${cart.id}/checkout`, {});
  if (res.status !== 201) throw new Error(`checkout answered ${res.status}: ${await res.text()}`);
  return res.json();
}
