// `npm run bench`: what users get from the built server, next to what Node + Koa cost at all. Each row starts
// the app as `npm start` does (dist/server.mjs in a process of its own, production settings, rate limits
// raised as an operator would for a load test; app.ts), makes its data over HTTP (fixtures.ts), and measures
// GET /api/carts/:id, PATCH …/items/:product_id and POST /api/checkout/{token}/payment-intent with autocannon
// on loopback against the app and, in alternation, two bare Koa processes (baselines.ts): hello-world (a
// fixed small JSON) and same-shape (the same answers without checks or database; the same Stripe call). The
// Stripe emulator runs in a process of its own (emulator.ts). Knobs: BENCH_SECONDS (per run, default 4),
// BENCH_PI_REQUESTS (default 1000), BENCH_PI_WARMUP (payment intents each target answers first, default 1000),
// BENCH_ROWS (sqlite,postgres,cluster; default all).
// The postgres row runs one app process on a throwaway database on the test server (test/support/pg.ts;
// skipped with a line when nothing answers there) and adds the physical floor for the GET: the app's one
// cart-read statement on a bare pg Pool of the same size (baselines.ts), printed as app/floor. The cluster
// row runs three app processes on one throwaway database behind a round-robin keep-alive proxy in a process
// of its own (proxy.ts; test/support/multi-instance.ts's proxy closes every connection and its instances run
// server/src/main.ts under tsx in test mode, so the bench starts its own); the proxy's CPU is shown apart.
// Memory: the first row's app process's RSS after start, after its fixtures and runs, and after each of
// BENCH_MEMORY_ROUNDS (default 3; 0: none) rounds of 100,000 requests, GET and PATCH in turn.
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, ensureBuilt, startApp, type AppUnderTest } from './app';
import { makeFixtures, SHOP_ORIGIN, type Fixtures } from './fixtures';
import { compare, CONNECTIONS, measure, roundRobin, type Figures, type Target } from './load';
import { rssMegabytes, startScript, type Child } from './processes';
import { PG_ADDRESS, postgresAnswers } from '../support/multi-instance';
import { throwawayDatabase } from '../support/pg';
import { formatTable, type Result } from './report';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const PI_REQUESTS = Number(process.env.BENCH_PI_REQUESTS ?? 1000);
const ROWS = (process.env.BENCH_ROWS ?? 'sqlite,postgres,cluster')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
/** Carts the GET and PATCH runs go round: about one per connection, as many shoppers would be. */
const CARTS = CONNECTIONS;
/**
 * Payment intents each target answers before the measured run. A server that runs for days answers from
 * optimised code; with 100 the measured run still paid for the JIT's warm-up, the bare baseline (350 µs a
 * request once warm, 530 after 100) more than the app (1,050 and 1,300).
 */
const WARMUP_PI = Number(process.env.BENCH_PI_WARMUP ?? 1000);
const MEMORY_ROUNDS = Number(process.env.BENCH_MEMORY_ROUNDS ?? 3);
const MEMORY_ROUND_REQUESTS = 100_000;
/** DATABASE_POOL_SIZE's default (config.ts): the app's pool, and the floor's. */
const POOL_SIZE = '10';

interface Emulator {
  url: string;
  keys: { publishable: string; secret: string };
}

const dir = mkdtempSync(join(tmpdir(), 'cb-bench-'));
const stops: (() => Promise<unknown>)[] = [];
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Starts a baseline (baselines.ts) in its own process. */
async function baseline(mode: string, env: Record<string, string>): Promise<Target> {
  const { child, ready } = await startScript<{ url: string }>(
    mode,
    'test/bench/baselines.ts',
    childEnv({ BENCH_MODE: mode, ...env }),
    join(dir, `${mode}.log`),
  );
  stops.push(() => child.stop());
  return { name: mode, url: ready.url, pids: [child.pid] };
}

/** Measures the three requests against `app` and its baselines (and `floor` for the GET, when given). */
async function measureRow(row: string, app: Target, fx: Fixtures, emu: Emulator, floorEnv?: Record<string, string>): Promise<Result[]> {
  const hello = await baseline('hello', {});
  const same = await baseline('same-shape', { BENCH_CART: JSON.stringify(fx.cart), BENCH_STRIPE_URL: emu.url, BENCH_STRIPE_KEY: emu.keys.secret });
  const floor = floorEnv ? await baseline('floor', { BENCH_CART: JSON.stringify(fx.cart), ...floorEnv }) : undefined;
  const headers = { origin: SHOP_ORIGIN, 'content-type': 'application/json' };
  const carts = fx.cartIds.map((id) => `/api/carts/${id}`);
  const items = fx.cartIds.map((id) => `/api/carts/${id}/items/mug`);
  const results: Result[] = [];

  log(`${row}: GET /api/carts/:id`);
  const getTargets = [app, hello, same, ...(floor ? [floor] : [])];
  const got = await compare(getTargets, () => roundRobin('GET', carts, headers), SECONDS);
  results.push({ row, request: 'GET /api/carts/:id', app: got[0], hello: got[1], same: got[2], ...(floor ? { floor: got[3] } : {}) });

  log(`${row}: PATCH /api/carts/:id/items/:product_id`);
  const patched = await compare([app, hello, same], () => roundRobin('PATCH', items, headers), SECONDS);
  results.push({ row, request: 'PATCH /api/carts/:id/items/:product_id', app: patched[0], hello: patched[1], same: patched[2] });

  log(`${row}: POST /api/checkout/{token}/payment-intent`);
  let next = 0;
  // Every app request opens the intent of a session of its own (fixtures.ts); the baselines answer any path.
  const intents = (t: Target, amount: number) => ({
    amount,
    requests: [
      {
        method: 'POST' as const,
        setupRequest: (req: object) => ({ ...req, path: t === app ? `/api/checkout/${fx.tokens[next++]}/payment-intent` : '/payment-intent' }),
      },
    ],
  });
  for (const t of [app, hello, same]) await measure(t, intents(t, WARMUP_PI));
  const pi: Figures[] = [];
  for (const t of [app, hello, same]) pi.push(await measure(t, intents(t, PI_REQUESTS)));
  results.push({ row, request: 'POST /api/checkout/{token}/payment-intent', app: pi[0], hello: pi[1], same: pi[2] });
  return results;
}

/** The RSS of one app process, MB: after start, after fixtures and the row's runs, after each round of GET+PATCH. */
interface Memory {
  row: string;
  after_start: number;
  after_runs: number;
  after_rounds: number[];
}

/** Rounds of MEMORY_ROUND_REQUESTS requests, GET and PATCH in turn, with the app's RSS after each. */
async function memoryRounds(row: string, app: Target, fx: Fixtures, afterStart: number): Promise<Memory> {
  const pid = app.pids[0];
  const memory: Memory = { row, after_start: afterStart, after_runs: rssMegabytes(pid), after_rounds: [] };
  const headers = { origin: SHOP_ORIGIN, 'content-type': 'application/json' };
  for (let round = 1; round <= MEMORY_ROUNDS; round++) {
    log(`${row}: memory round ${round} of ${MEMORY_ROUNDS} (${MEMORY_ROUND_REQUESTS.toLocaleString('en-US')} requests)`);
    const get = roundRobin(
      'GET',
      fx.cartIds.map((id) => `/api/carts/${id}`),
      headers,
    ).requests!;
    const patch = roundRobin(
      'PATCH',
      fx.cartIds.map((id) => `/api/carts/${id}/items/mug`),
      headers,
    ).requests!;
    const f = await measure(app, { amount: MEMORY_ROUND_REQUESTS, requests: [...get, ...patch] });
    if (f.errors) log(`${row}: memory round ${round}: ${f.errors} errors`);
    memory.after_rounds.push(rssMegabytes(pid));
  }
  return memory;
}

/** The memory figures as lines. */
function formatMemory(m: Memory): string {
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  const rounds = m.after_rounds.map((r, i) => `${((i + 1) * MEMORY_ROUND_REQUESTS).toLocaleString('en-US')}: ${mb(r)}`);
  const growth = m.after_rounds.slice(1).map((r, i) => `${r - m.after_rounds[i] >= 0 ? '+' : ''}${(r - m.after_rounds[i]).toFixed(1)}`);
  return [
    `Memory, ${m.row} app process RSS: after start ${mb(m.after_start)}, after fixtures and runs ${mb(m.after_runs)}` +
      (rounds.length ? `; after each further round of GET+PATCH ${rounds.join(', ')}` : ''),
    ...(growth.length ? [`  growth between rounds: ${growth.join(', ')} MB`] : []),
  ].join('\n');
}

let memory: Memory | undefined;

/** Starts the app of one row, makes its fixtures and measures it; stops everything of the row after. */
async function runRow(row: string, emu: Emulator, count: number, database: Record<string, string>, floorEnv?: Record<string, string>): Promise<Result[]> {
  log(`${row}: starting ${count} app process${count > 1 ? 'es' : ''}`);
  const app: AppUnderTest = await startApp({ count, database, stripeUrl: emu.url, dir, name: row });
  stops.push(() => app.stop());
  const afterStart = rssMegabytes(app.instances[0].pid);
  log(`${row}: fixtures (${CARTS} carts, ${PI_REQUESTS + WARMUP_PI} checkout sessions) over HTTP`);
  const fx = await makeFixtures(app.url, app.internalSecret, emu.keys, CARTS, PI_REQUESTS + WARMUP_PI);
  const target: Target = { name: 'app', url: app.url, pids: app.instances.map((c) => c.pid), ...(app.proxy ? { sidePids: [app.proxy.pid] } : {}) };
  const results = await measureRow(row, target, fx, emu, floorEnv);
  if (!memory) memory = await memoryRounds(row, target, fx, afterStart);
  await stopAll();
  return results;
}

async function stopAll(): Promise<void> {
  while (stops.length) await stops.pop()!();
}

/** The machine, for the record: date, nproc, CPU model, Node, commit. */
function machine() {
  const sh = (cmd: string) => {
    try {
      return execSync(cmd, { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  return {
    date: new Date().toISOString(),
    nproc: Number(sh('nproc')),
    cpu: cpus()[0]?.model ?? '?',
    node: process.version,
    commit: sh('git rev-parse --short HEAD'),
  };
}

let emulator: Child | undefined;
let failed = true;
try {
  ensureBuilt();
  const started = await startScript<Emulator>('emulator', 'test/bench/emulator.ts', childEnv(), join(dir, 'emulator.log'));
  emulator = started.child;
  const emu = started.ready;
  const results: Result[] = [];
  const notes: string[] = [];
  /** Runs one row; a failure becomes a note (and exit code 1) so the rows measured so far are still printed. */
  const attempt = async (row: string, work: () => Promise<Result[]>) => {
    try {
      results.push(...(await work()));
    } catch (err) {
      notes.push(`${row} row FAILED: ${(err as Error).message.split('\n')[0]}`);
      log(`${row}: ${(err as Error).stack ?? String(err)}`);
      process.exitCode = 1;
    } finally {
      await stopAll();
    }
  };
  /** A row on a throwaway PostgreSQL database (dropped after), or a note when nothing answers there. */
  const onPostgres = async (row: string, work: (url: string) => Promise<Result[]>) => {
    if (!(await postgresAnswers())) return void notes.push(`${row} row SKIPPED: nothing answers on ${PG_ADDRESS}`);
    const db = await throwawayDatabase();
    try {
      await attempt(row, () => work(db.url));
    } finally {
      await db.drop();
    }
  };
  if (ROWS.includes('sqlite')) await attempt('sqlite', () => runRow('sqlite', emu, 1, { DATABASE_PATH: join(dir, 'bench.sqlite') }));
  if (ROWS.includes('postgres')) {
    await onPostgres('postgres', (url) =>
      runRow('postgres', emu, 1, { DATABASE_URL: url, DATABASE_POOL_SIZE: POOL_SIZE }, { BENCH_DATABASE_URL: url, BENCH_POOL_SIZE: POOL_SIZE }),
    );
  }
  if (ROWS.includes('cluster')) await onPostgres('cluster', (url) => runRow('cluster', emu, 3, { DATABASE_URL: url, DATABASE_POOL_SIZE: POOL_SIZE }));
  const m = machine();
  for (const note of notes) console.log(note);
  console.log(
    `\n${m.date}, ${m.nproc} CPUs (${m.cpu}), Node ${m.node}, commit ${m.commit}; ${CONNECTIONS} connections on loopback, ${SECONDS} s per GET/PATCH run (best of 2), ${PI_REQUESTS} payment intents per run after ${WARMUP_PI}\n`,
  );
  console.log(formatTable(results));
  if (memory) console.log(`\n${formatMemory(memory)}`);
  console.log(JSON.stringify({ ...m, seconds: SECONDS, pi_requests: PI_REQUESTS, pi_warmup: WARMUP_PI, connections: CONNECTIONS, notes, results, memory }));
  failed = process.exitCode === 1;
} finally {
  await stopAll();
  await emulator?.stop();
  if (failed) log(`failed; the processes' logs are in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
