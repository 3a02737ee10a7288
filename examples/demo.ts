/**
 * `npm run demo`: the whole product on one machine, offline. Starts the Stripe emulator, the checkout-best
 * server (its own SQLite under ./data/demo/), creates a demo store with a catalog, connects emulator test keys
 * through the real signed connect flow, serves examples/storefront/ on its own origin and prints every URL.
 * Ctrl-C stops everything.
 *
 * Settings (all optional): DEMO_DATA_DIR, DEMO_SERVER_PORT, DEMO_STOREFRONT_PORT, DEMO_EMULATOR_PORT
 * (0 = any free port; a busy default port falls back to a free one).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStripeEmulator } from '../emulator/src/index';
import { DEMO_DISCOUNT, DEMO_PRODUCTS, DEMO_SHIPPING, DEMO_TAX, DEMO_STORE_ID, DEMO_STORE_NAME } from './demo/catalog';
import type { MerchantKeys } from './demo/connect-form';
import { connectKeys, connectLink, ensureDiscount, ensureStore, internalApi, setShipping, setTax, syncCatalog, type InternalApi } from './demo/platform';
import { freePort, startServerProcess } from './demo/server-process';
import { startStaticServer } from './demo/static-server';
import { storefrontRewrite, storefrontRoutes } from './demo/storefront';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface DemoSecrets {
  master_key: string;
  internal_secret: string;
}

/** The demo's own secrets, made once and kept in the data folder (mode 0600) so restarts keep the store. */
function loadSecrets(dataDir: string): DemoSecrets {
  const path = join(dataDir, 'demo-secrets.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DemoSecrets;
  const secrets = { master_key: randomBytes(32).toString('base64'), internal_secret: randomBytes(32).toString('base64url') };
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function envPort(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return port;
}

/** The widget bundles are built once; a fresh clone has no dist/ yet. */
function ensureWidgetBuilt(): void {
  if (['widget.js', 'widget.css', 'checkout.js'].every((f) => existsSync(join(ROOT, 'dist', f)))) return;
  console.log('Building the widget (first run)…');
  const rollup = join(ROOT, 'node_modules', 'rollup', 'dist', 'bin', 'rollup');
  const built = spawnSync(process.execPath, [rollup, '-c', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('Building the widget failed (npm run build)');
}

async function startEmulator(port: number) {
  try {
    return await startStripeEmulator({ port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return startStripeEmulator({ port: 0 });
  }
}

type Stops = Array<() => Promise<void> | void>;

/** Starts the emulator, the storefront and the server; each registers its stop. */
async function startServices(dataDir: string, secrets: DemoSecrets, stops: Stops) {
  const emu = await startEmulator(envPort('DEMO_EMULATOR_PORT', 12111));
  stops.push(() => emu.close());
  // The storefront starts first so its real origin is known before the store's allowed_origins are set;
  // its pages and its /demo/connect-link route learn the server's URL and API once those exist.
  const late: { serverUrl: string; api?: InternalApi } = { serverUrl: '' };
  const storefront = await startStaticServer({
    root: join(ROOT, 'examples', 'storefront'),
    port: envPort('DEMO_STOREFRONT_PORT', 4001),
    rewrite: (html) => storefrontRewrite(html, { serverUrl: late.serverUrl, storeId: DEMO_STORE_ID, emulatorUrl: emu.url }),
    routes: storefrontRoutes(() => late.api, DEMO_STORE_ID),
  });
  stops.push(() => storefront.close());
  const server = await startServerProcess({
    port: await freePort(envPort('DEMO_SERVER_PORT', 4000)),
    cwd: ROOT,
    logPath: join(dataDir, 'server.log'),
    env: {
      NODE_ENV: 'development',
      DATABASE_PATH: join(dataDir, 'checkout-best.sqlite'),
      MASTER_KEY: secrets.master_key,
      INTERNAL_SECRET: secrets.internal_secret,
      STRIPE_API_URL: emu.url,
      // A browser with no internet cannot load js.stripe.com; the checkout page loads the emulator's double.
      STRIPE_JS_URL: `${emu.url}/endive/stripe.js`,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
  });
  stops.push(() => server.stop());
  late.serverUrl = server.url;
  late.api = internalApi(server.url, secrets.internal_secret);
  return { emu, storefront, serverUrl: server.url, api: late.api };
}

/** Creates (or updates) the demo store, syncs its catalog, shipping and tax and connects fresh emulator test keys. */
async function prepareStore(api: InternalApi, storefrontUrl: string, keys: MerchantKeys): Promise<void> {
  const origins = [storefrontUrl, storefrontUrl.replace('127.0.0.1', 'localhost')];
  await ensureStore(api, { id: DEMO_STORE_ID, name: DEMO_STORE_NAME, allowed_origins: origins, default_currency: 'usd' });
  await syncCatalog(api, DEMO_STORE_ID, DEMO_PRODUCTS);
  await setShipping(api, DEMO_STORE_ID, DEMO_SHIPPING);
  await setTax(api, DEMO_STORE_ID, DEMO_TAX);
  await ensureDiscount(api, DEMO_STORE_ID, DEMO_DISCOUNT);
  await connectKeys(api, DEMO_STORE_ID, keys);
}

/** Secrets go to files (mode 0600), never to the terminal: the BMOS examples and a person read them there. */
function writeHandoffFiles(dataDir: string, serverUrl: string, secret: string, account: { id: string; keys: { test: MerchantKeys } }) {
  const envFile = join(dataDir, 'bmos.env');
  writeFileSync(envFile, `CHECKOUT_BEST_URL=${serverUrl}\nCHECKOUT_BEST_SECRET=${secret}\n`, { mode: 0o600 });
  const keysFile = join(dataDir, 'stripe-test-keys.txt');
  const { publishable, secret: sk } = account.keys.test;
  const keys = `Emulator account ${account.id} (${DEMO_STORE_NAME}), test mode\npublishable key: ${publishable}\nsecret key:      ${sk}\n`;
  writeFileSync(keysFile, keys, { mode: 0o600 });
  return { envFile: shortPath(envFile), keysFile: shortPath(keysFile), logFile: shortPath(join(dataDir, 'server.log')) };
}

async function main(): Promise<void> {
  const dataDir = resolve(process.env.DEMO_DATA_DIR ?? join(ROOT, 'data', 'demo'));
  mkdirSync(dataDir, { recursive: true });
  const secrets = loadSecrets(dataDir);
  const stops: Stops = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
  };
  onSignal(stopAll);
  try {
    ensureWidgetBuilt();
    const { emu, storefront, serverUrl, api } = await startServices(dataDir, secrets, stops);
    const account = emu.createAccount(DEMO_STORE_NAME);
    await prepareStore(api, storefront.url, account.keys.test);
    const adminLink = await connectLink(api, DEMO_STORE_ID, `${storefront.url}/`);
    const files = writeHandoffFiles(dataDir, serverUrl, secrets.internal_secret, account);
    printBanner({ storefront: storefront.url, server: serverUrl, emulator: emu.url, adminLink, accountId: account.id, ...files });
  } catch (err) {
    console.error(`\nThe demo could not start: ${(err as Error).message}`);
    await stopAll();
    process.exit(1);
  }
}

/** A path as a person would type it from here: relative inside the working directory, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function onSignal(stopAll: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the storefront, the server and the Stripe emulator…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void stopAll().then(() => {
      console.log('Stopped.');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('Ctrl-C'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function printBanner(u: {
  storefront: string;
  server: string;
  emulator: string;
  adminLink: string;
  accountId: string;
  envFile: string;
  keysFile: string;
  logFile: string;
}): void {
  const line = (label: string, value: string) => console.log(`  ${label.padEnd(22)}${value}`);
  console.log('\ncheckout-best demo is running, offline (Stripe is the local emulator).\n');
  line('Storefront', `${u.storefront}/`);
  line('JavaScript API page', `${u.storefront}/api.html`);
  line('Checkout server', u.server);
  line('Connect link', u.adminLink);
  line('', '(signed, single use, 30 minutes; "Merchant admin" on the API page makes fresh ones)');
  line('Stripe emulator', u.emulator);
  line('BMOS examples how-to', 'examples/bmos-flask/README.md, examples/bmos-node/README.md');
  line('', `set -a; . ${u.envFile}; set +a; python3 examples/bmos-flask/app.py`);
  console.log('');
  line('Pay with', '4242 4242 4242 4242, any future date, any CVC');
  line('Declined', '4000 0000 0000 0002 (and 4000 0000 0000 9995: insufficient funds)');
  line('Ships to', `${DEMO_SHIPPING.countries.join(', ')}: $5.00, free over $40 (the gift card ships nothing)`);
  line('Tax', 'sales tax added in CA, NY, TX; VAT inside the prices for DE, FR, GB');
  line('Discount code', `${DEMO_DISCOUNT.code} (${DEMO_DISCOUNT.percent_off}% off, on the checkout page)`);
  line('Store', `${DEMO_STORE_NAME} (${DEMO_STORE_ID}), test mode, emulator account ${u.accountId}`);
  line('Test keys', `${u.keysFile} (to paste into the connect form)`);
  line('Server log', u.logFile);
  console.log('\nPress Ctrl-C to stop everything.');
}

await main();
