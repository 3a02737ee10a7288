// The app under test, started as `npm start` starts it (`node --enable-source-maps dist/server.mjs`, after
// scripts/ensure-built.mjs), with the settings an operator would use for a load test in production: NODE_ENV
// production, throwaway MASTER_KEY and INTERNAL_SECRET, an https PUBLIC_URL, every RATE_LIMIT_* raised.
// Its fixtures are made over HTTP as a platform and shoppers would make them (fixtures.ts).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '../../examples/demo/server-process';
import { spawnNode, startScript, waitForHealth, type Child } from './processes';

/** What `npm start` runs after ensure-built. */
const START_ARGS = ['--enable-source-maps', 'dist/server.mjs'];
/** An origin nobody serves: production requires https, and every link the app makes points there. */
export const PUBLIC_URL = 'https://checkout.bench.invalid';

/** Every rate limit config.ts reads from the environment, raised so that no bench request is throttled. */
const RATE_LIMITS = [
  'CONNECT',
  'INTERNAL',
  'CARTS',
  'STORE_CARTS',
  'CART_ITEMS',
  'STORE_CART_ITEMS',
  'CHECKOUTS',
  'STORE_CHECKOUTS',
  'PAYMENT_INTENTS',
  'STORE_PAYMENT_INTENTS',
  'DETAILS',
  'STORE_DETAILS',
  'COMPLETE',
  'DISCOUNT_CODES',
  'CART_DISCOUNT_CODES',
].map((name) => [`RATE_LIMIT_${name}_PER_MINUTE`, '100000000']);

/** Settings of the bench's own environment that must not reach the servers. */
const SCRUBBED =
  /^(NODE_ENV|MASTER_KEYS?_?\w*|INTERNAL_SECRET|PUBLIC_URL|PORT|HOST|TRUST_PROXY|DATABASE_\w+|STRIPE_\w+|LOG_LEVEL|SHUTDOWN_DELAY_MS|RATE_LIMIT_\w+|BENCH_\w+)$/;

/** The bench's environment without any server setting: the base of every child's. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** Builds dist/ when it is missing or stale, exactly as `npm start` does. */
export function ensureBuilt(): void {
  execFileSync(process.execPath, ['scripts/ensure-built.mjs'], { stdio: 'inherit' });
}

/** One or more app processes on one database; with several, a round-robin proxy (proxy.ts) in front. */
export interface AppUnderTest {
  /** Where the load goes: the app, or the proxy. */
  url: string;
  internalSecret: string;
  /** The app processes (not the proxy). */
  instances: Child[];
  proxy?: Child;
  stop(): Promise<void>;
}

/** Starts `count` app processes on `database` (DATABASE_PATH or DATABASE_URL settings) and waits until all are healthy. */
export async function startApp(opts: {
  count: number;
  database: Record<string, string>;
  stripeUrl: string;
  dir: string;
  name: string;
  /** Node options before the script (profile.ts adds --cpu-prof). */
  nodeArgs?: string[];
}): Promise<AppUnderTest> {
  const internalSecret = randomBytes(24).toString('base64url');
  const env = childEnv({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PUBLIC_URL,
    MASTER_KEY: randomBytes(32).toString('base64'),
    INTERNAL_SECRET: internalSecret,
    STRIPE_API_URL: opts.stripeUrl,
    ...opts.database,
    ...Object.fromEntries(RATE_LIMITS),
    // Behind the proxy the client address is X-Forwarded-For's, and X-Forwarded-Proto says https.
    ...(opts.count > 1 ? { TRUST_PROXY: '1' } : {}),
  });
  const instances: Child[] = [];
  let proxy: Child | undefined;
  const stop = async () => {
    await Promise.all([...instances, ...(proxy ? [proxy] : [])].map((c) => c.stop()));
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < opts.count; i++) ports.push(await freePort(0));
    await Promise.all(
      ports.map(async (port, i) => {
        const log = join(opts.dir, `${opts.name}-${i + 1}.log`);
        const child = spawnNode(`${opts.name} app ${i + 1}`, [...(opts.nodeArgs ?? []), ...START_ARGS], { ...env, PORT: String(port) }, log);
        instances.push(child);
        await waitForHealth(child, `http://127.0.0.1:${port}`, log);
      }),
    );
    if (opts.count === 1) return { url: `http://127.0.0.1:${ports[0]}`, internalSecret, instances, stop };
    const started = await startScript<{ url: string }>(
      'proxy',
      'test/bench/proxy.ts',
      childEnv({ BENCH_UPSTREAMS: ports.join(',') }),
      join(opts.dir, `${opts.name}-proxy.log`),
    );
    proxy = started.child;
    return { url: started.ready.url, internalSecret, instances, proxy, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
