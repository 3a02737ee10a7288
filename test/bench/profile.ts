// `npm run bench:profile -- get|patch|pi [sqlite|postgres]`: where one request's CPU goes in the built server.
// Starts the app as the bench does (app.ts) under `node --cpu-prof`, makes the fixtures, sends only that
// request for BENCH_SECONDS (default 8; PI: BENCH_PI_REQUESTS, default 2000) with autocannon, stops the app
// (the profile is written at its exit) and prints the self time of the hottest functions and of each package,
// in µs per request, counting only the samples taken while the load ran (not the start or the fixtures).
// The .cpuprofile stays in the printed directory, to open in Chrome DevTools (Performance → Load profile).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, ensureBuilt, startApp } from './app';
import { makeFixtures, SHOP_ORIGIN } from './fixtures';
import { measure, roundRobin, type Figures, type Target } from './load';
import { startScript } from './processes';
import { throwawayDatabase } from '../support/pg';

const [request = 'get', engine = 'sqlite'] = process.argv.slice(2);
if (!['get', 'patch', 'pi'].includes(request) || !['sqlite', 'postgres'].includes(engine)) {
  process.stderr.write('usage: npm run bench:profile -- get|patch|pi [sqlite|postgres]\n');
  process.exit(2);
}
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const PI_REQUESTS = Number(process.env.BENCH_PI_REQUESTS ?? 2000);
const TOP = 40;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function and per package (node_modules/<name>, node:internal, ours), µs, of the samples taken
 * while the load ran: the profile ends when the process exits, so the window is [end - after - during, end - after].
 */
function summarize(
  profile: CpuProfile,
  window: { duringMs: number; afterMs: number },
): { functions: Map<string, number>; packages: Map<string, number>; inclusive: Map<string, number>; total: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const at: number[] = [];
  let t = 0;
  for (const d of profile.timeDeltas) at.push((t += d));
  const to = t - window.afterMs * 1000;
  const from = to - window.duringMs * 1000;
  profile.samples.forEach((id, i) => {
    if (at[i] >= from && at[i] <= to) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  const keyOf = (f: ProfileNode['callFrame']) =>
    `${f.functionName || '(anonymous)'} ${f.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    total += us;
    const key = keyOf(f);
    functions.set(key, (functions.get(key) ?? 0) + us);
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url)?.[1] ??
      (f.url.startsWith('node:') ? 'node:' + f.url.slice(5).split('/')[0] : f.url ? 'dist/server.mjs' : f.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  // Inclusive time of the server's own functions (dist/server.mjs): self time plus callees', a function counted
  // once per stack even when it recurses.
  const inclusive = new Map<string, number>();
  const subtree = new Map<number, number>();
  const sum = (n: ProfileNode): number => {
    let us = self.get(n.id) ?? 0;
    for (const c of n.children ?? []) us += sum(byId.get(c)!);
    subtree.set(n.id, us);
    return us;
  };
  sum(profile.nodes[0]);
  const onStack = new Set<string>();
  const walk = (n: ProfileNode) => {
    const key = n.callFrame.url.includes('/dist/') ? keyOf(n.callFrame) : null;
    const first = key !== null && !onStack.has(key);
    if (first) {
      inclusive.set(key, (inclusive.get(key) ?? 0) + subtree.get(n.id)!);
      onStack.add(key);
    }
    for (const c of n.children ?? []) walk(byId.get(c)!);
    if (first) onStack.delete(key);
  };
  walk(profile.nodes[0]);
  return { functions, packages, inclusive, total };
}

const dir = mkdtempSync(join(tmpdir(), 'cb-profile-'));
ensureBuilt();
const { child: emulator, ready: emu } = await startScript<{ url: string; keys: { publishable: string; secret: string } }>(
  'emulator',
  'test/bench/emulator.ts',
  childEnv(),
  join(dir, 'emulator.log'),
);
const db = engine === 'postgres' ? await throwawayDatabase() : null;
try {
  const app = await startApp({
    count: 1,
    database: db ? { DATABASE_URL: db.url } : { DATABASE_PATH: join(dir, 'profile.sqlite') },
    stripeUrl: emu.url,
    dir,
    name: 'profile',
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  let figures: Figures;
  let duringMs = 0;
  let afterMs = 0;
  try {
    const fx = await makeFixtures(app.url, app.internalSecret, emu.keys, 32, request === 'pi' ? PI_REQUESTS : 0);
    const target: Target = { name: 'app', url: app.url, pids: [app.instances[0].pid] };
    const headers = { origin: SHOP_ORIGIN, 'content-type': 'application/json' };
    const started = performance.now();
    if (request === 'pi') {
      let next = 0;
      figures = await measure(target, {
        amount: PI_REQUESTS,
        requests: [{ method: 'POST', setupRequest: (req: object) => ({ ...req, path: `/api/checkout/${fx.tokens[next++]}/payment-intent` }) }],
      });
    } else {
      const paths = fx.cartIds.map((id) => (request === 'get' ? `/api/carts/${id}` : `/api/carts/${id}/items/mug`));
      figures = await measure(target, { ...roundRobin(request === 'get' ? 'GET' : 'PATCH', paths, headers), duration: SECONDS });
    }
    duringMs = performance.now() - started;
  } finally {
    const stopping = performance.now();
    await app.stop();
    afterMs = performance.now() - stopping;
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile was written in ${dir}`);
  const { functions, packages, inclusive, total } = summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, { duringMs, afterMs });
  const n = figures.requests;
  const per = (us: number) => (us / n).toFixed(1).padStart(7);
  console.log(
    `${request.toUpperCase()} on ${engine}: ${n} requests, ${figures.rps.toFixed(0)} req/s, ${figures.cpu.toFixed(0)} µs CPU/req (from /proc), ${figures.errors} errors`,
  );
  console.log(`profiled while the load ran (not idle): ${per(total)} µs/req; profile: ${join(dir, file)}\n\nµs/req  package`);
  for (const [k, us] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${per(us)}  ${k}`);
  console.log(`\nµs/req  function (self time)`);
  for (const [k, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${per(us)}  ${k}`);
  console.log(`\nµs/req  the server's functions (inclusive: with what they call)`);
  for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP * 2)) console.log(`${per(us)}  ${k}`);
} finally {
  await emulator.stop();
  await db?.drop();
}
