// `npm run bench`: autocannon on loopback against the real app and a bare Koa app in the same run, so the
// ratios say what our code costs on this machine. Not a test: it prints requests/s, p99 and the server
// process's CPU time per request (steadier than requests/s on a busy machine).
//
// Also measures the CPU cost per Stripe call of the two ways to carry a merchant key:
//   new Stripe(key) per call  vs  the server's way (stripe/client.ts): one shared client that holds no key,
//   and a throwaway `forKey(key)` view of it that puts `{ apiKey }` into each call's options.
// First measured 2026-11-26 with a hand-made shared client: new Stripe() per call 857–1380 µs CPU/call,
// shared + { apiKey } 493–736, i.e. 365–644 µs more per call. The server now uses the shared client.
// Measured again after the switch (3 runs, 400 publishable-key retrieves each, 2-vCPU container busy with
// other jobs): new Stripe() per call 1335–1497 µs CPU/call, forKey() view 695–814 µs, i.e. 596–683 µs saved
// per call (making the view and reaching a method through it costs under 0.5 µs).
// The shared client refuses a call without `{ apiKey }` with an authenticator that THROWS: stripe-node 23
// calls it synchronously inside the call's promise, so the call rejects before any request is sent. An
// authenticator that returns a rejected promise instead leaves the call pending forever and the rejection
// unhandled (test/server/stripe-client.test.ts covers both the refusal and per-store keys).
// GET/PATCH, 2026-11-26, the commit before (b9ebb29) and after the hot-path work run alternately, 3 runs each,
// medians: GET 0.35× → 0.58× bare Koa (app 67–100 → 50–64 µs CPU/req, bare 29–42), p99 6 → 3 ms; PATCH
// 0.41× → 0.40× (111–118 vs 92–124 µs CPU/req, bare 36–54): within the noise. Payment intent: 2.0–2.2 →
// 1.5–2.1 ms CPU/req (the emulator runs in the same process); in its CPU profile forKey/new Stripe() fell
// from 6.4 % of the server's samples to 0.1 %.
// Goals: GET ≥ 0.6× and PATCH ≥ 0.45× bare Koa, p99 < 20 ms at 32 connections. Second pass,
// 2026-11-26, e33223c vs b9fb60a alternately, 3 runs each (BENCH_PI_REQUESTS=100), medians: GET 0.52× → 0.63×
// (47 → 40 µs CPU/req, bare 23–30), p99 2–3 ms; PATCH 0.37× → 0.43× (82 → 73 µs, bare 29–33; runs
// 0.33/0.43/0.45), p99 7–8 ms. Changes: the two hot cart requests skip the router's matching, a cart write
// reads cart and product in one statement, and the hot handlers stringify their JSON (no MIME lookup).
// PATCH stays short of 0.45×: of its ~40 µs over bare Koa, ~15–17 µs is the SQLite write transaction
// (BEGIN 0.5, cart+product SELECT with its read snapshot ~4.5, upsert ~2, COMMIT's WAL frame write ~8),
// ~2.5 µs the six security headers' Node validation, the rest body type check + validation and middleware.
// 2026-12-04, after the architecture change (async storage port, routers per resource, compare-and-set cart
// writes) against 5ffc46d, alternating, 3 runs each (BENCH_PI_REQUESTS=300), medians: GET 14430 → 13226 req/s
// (69 → 75 µs CPU/req), PATCH 7092 → 6744 req/s (141 → 147 µs; 145 without the new rate limit). First cut was
// GET 107 µs, PATCH ~200 µs: the router's per-request match+compose (~7 µs, now routes/hot-routes.ts through the
// carts router's own layers), object rows with every product column (~10 µs, back to .raw() with only pricing's
// columns) and a cart-row UPDATE on every quantity change (11 µs of a 26 µs transaction; keepVersion).
// Payment-intent runs give every checkout session a cart of its own: a cart keeps one live intent, so
// sessions of one shared cart would each cancel the previous intent and measure that instead.
import autocannon from 'autocannon';
import Stripe from 'stripe';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createStripeFactory } from '../../server/src/stripe/client';

const CONNECTIONS = 32;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 4);
const PI_REQUESTS = Number(process.env.BENCH_PI_REQUESTS ?? 2000);
const WARMUP_PI = 200;

interface Fixtures {
  appUrl: string;
  bareUrl: string;
  emulatorUrl: string;
  cartId: string;
  tokens: string[];
}

let serverCpu: () => Promise<number> = () => Promise.resolve(0);

async function startServers(): Promise<{ fixtures: Fixtures; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/servers.ts'], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_CHECKOUTS: String(PI_REQUESTS + WARMUP_PI + 10) },
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
  });
  serverCpu = () =>
    new Promise((resolve) => {
      child.once('message', (u: NodeJS.CpuUsage) => resolve(u.user + u.system));
      child.send('cpu');
    });
  return { fixtures: JSON.parse(line) as Fixtures, stop: () => child.kill('SIGTERM') };
}

interface Figures {
  rps: number;
  p99: number;
  errors: number;
  /** CPU time of the server process per request, in µs. */
  cpu: number;
}

async function run(opts: autocannon.Options): Promise<Figures> {
  const before = await serverCpu();
  const r = await autocannon({ connections: CONNECTIONS, ...opts });
  const cpu = ((await serverCpu()) - before) / Math.max(1, r.requests.total);
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, cpu };
}

/**
 * Measures the app and the bare handler alternately (after a warm-up each), twice, and keeps each side's
 * best run: other work on a small machine then shifts both sides alike instead of skewing the ratio.
 */
async function pair(app: autocannon.Options, bare: autocannon.Options): Promise<[Figures, Figures]> {
  await run({ ...app, duration: 1 });
  await run({ ...bare, duration: 1 });
  const best = (a: Figures, b: Figures) => (b.rps > a.rps ? b : a);
  let [x, y] = [await run(app), await run(bare)];
  x = best(x, await run(app));
  y = best(y, await run(bare));
  return [x, y];
}

function row(name: string, app: Figures, bare: Figures): string {
  const ratio = (app.rps / bare.rps).toFixed(2);
  const cell = (f: Figures) =>
    `${f.rps.toFixed(0).padStart(6)} req/s p99 ${String(f.p99).padStart(3)} ms ${f.cpu.toFixed(0).padStart(4)} µs CPU/req` +
    (f.errors ? ` (${f.errors} errors)` : '');
  return `${name.padEnd(26)} app ${cell(app)} | bare Koa ${cell(bare)} | ratio ${ratio}× (CPU ${(bare.cpu / app.cpu).toFixed(2)}×)`;
}

/** CPU µs per call for `n` sequential retrieves made by `call`. */
async function cpuPerCall(n: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await call();
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

async function stripeClientCost(f: Fixtures): Promise<string[]> {
  const url = new URL(f.emulatorUrl);
  const opts = { host: url.hostname, port: Number(url.port), protocol: 'http' as const, telemetry: false };
  const key = await fetch(`${f.appUrl}/api/checkout/${f.tokens.at(-1)}/payment-intent`, { method: 'POST' })
    .then((r) => r.json() as Promise<{ payment_intent_id: string; publishable_key: string; client_secret: string }>);
  // A publishable key + client_secret retrieve: the cheapest real call, so the client's own cost shows.
  const params = { client_secret: key.client_secret } as Stripe.PaymentIntentRetrieveParams;
  // The server's way (stripe/client.ts): one shared client that holds no key, and a per-call view of it that
  // puts `{ apiKey }` into each call's options.
  const shared = createStripeFactory({ apiUrl: f.emulatorUrl, timeoutMs: 20_000, maxNetworkRetries: 0 });
  const perCall = await cpuPerCall(400, () => new Stripe(key.publishable_key, opts).paymentIntents.retrieve(key.payment_intent_id, params));
  const perRequest = await cpuPerCall(400, () => shared.forKey(key.publishable_key).paymentIntents.retrieve(key.payment_intent_id, params));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) new Stripe(key.publishable_key, opts);
  const construct = Number(process.hrtime.bigint() - t0) / 2000 / 1000;
  return [
    `Stripe client per call:   new Stripe() per call ${perCall.toFixed(0)} µs CPU/call, shared keyless client + forKey() view ${perRequest.toFixed(0)} µs CPU/call`,
    `                          difference ${(perCall - perRequest).toFixed(0)} µs/call; new Stripe() alone ${construct.toFixed(0)} µs`,
  ];
}

const { fixtures: f, stop } = await startServers();
try {
  const lines: string[] = [];
  const json = { 'content-type': 'application/json' };
  // Alternate the quantity so every PATCH really writes (a repeated value could be answered from a no-op).
  let flip = 0;
  const bodies = [JSON.stringify({ quantity: 1 }), JSON.stringify({ quantity: 2 })];
  const cartPath = `/api/carts/${f.cartId}`;
  lines.push(row('GET /api/carts/:id', ...(await pair(
    { url: `${f.appUrl}${cartPath}`, duration: DURATION_S },
    { url: `${f.bareUrl}${cartPath}`, duration: DURATION_S },
  ))));
  const patch = {
    duration: DURATION_S,
    requests: [{ method: 'PATCH' as const, headers: json, setupRequest: (req: any) => ({ ...req, body: bodies[flip++ & 1] }) }],
  };
  lines.push(row('PATCH /api/carts/:id/items', ...(await pair(
    { url: `${f.appUrl}${cartPath}/items/mug`, ...patch },
    { url: `${f.bareUrl}${cartPath}/items/mug`, ...patch },
  ))));
  let next = 0;
  const fresh = (amount: number): autocannon.Options => ({
    url: f.appUrl,
    amount,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, path: `/api/checkout/${f.tokens[next++]}/payment-intent` }) }],
  });
  await run(fresh(WARMUP_PI));
  await run({ url: `${f.bareUrl}/payment-intent`, method: 'POST', amount: WARMUP_PI });
  const pi = await run(fresh(PI_REQUESTS));
  const barePi = await run({ url: `${f.bareUrl}/payment-intent`, method: 'POST', amount: PI_REQUESTS });
  lines.push(row('POST …/payment-intent', pi, barePi));
  lines.push(...(await stripeClientCost(f)));
  console.log(`\n${CONNECTIONS} connections on loopback, ${DURATION_S} s per GET/PATCH run (best of 2), ${PI_REQUESTS} payment intents per run\n`);
  console.log(lines.join('\n'));
} finally {
  stop();
}
