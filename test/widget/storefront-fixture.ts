// Shared setup of the widget's browser tests: the Stripe emulator, the real server with a connected
// test store and a catalog, the example storefront (examples/storefront/) on its own origin through the
// real script tag, and Chromium. Each test gets a fresh browser context (fresh localStorage).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchBrowser, newStripeContext } from '../support/browser';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer, type TestServer } from '../support/app';
import { startStaticServer, type StaticServer } from '../../examples/demo/static-server';
import { storefrontRewrite } from '../../examples/demo/storefront';

export const PRODUCTS = [
  { id: 'house-blend', name: 'House Blend, 250 g', unit_amount: 1400, currency: 'usd' },
  { id: 'ethiopia-guji', name: 'Ethiopia Guji, 250 g', unit_amount: 1850, currency: 'usd' },
  { id: 'pour-over-kit', name: 'Pour-over kit', unit_amount: 4200, currency: 'usd' },
  { id: 'gift-card-25', name: 'Gift card, $25', unit_amount: 2500, currency: 'usd', max_quantity: 5, shippable: false },
];

/** Builds dist/ when a test file runs on its own before `npm run build`. */
export function ensureBuilt(): void {
  if (existsSync('dist/widget.js') && existsSync('dist/checkout.js') && existsSync('dist/widget.css')) return;
  const r = spawnSync('npx', ['rollup', '-c', '--silent'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** Everything a widget browser test needs. */
export interface ShopFixture {
  emu: StripeEmulator;
  server: TestServer;
  shop: StaticServer;
  browser: Browser;
  storeId: string;
  /** The connected store's test keys (the secret one only for server-side steps of tests). */
  keys: { publishable: string; secret: string };
  /** Points the storefront pages at another store (for the admin test). */
  useStore(id: string): void;
  newPage(options?: { reducedMotion?: 'reduce' | 'no-preference' }): Promise<Page>;
  close(): Promise<void>;
}

/** Starts emulator, server (store connected with test keys), storefront and Chromium. */
export async function startShop(): Promise<ShopFixture> {
  ensureBuilt();
  const emu = await startStripeEmulator({ port: 0 });
  const server = await startTestServer({ emulator: emu });
  let storeId = '';
  const shop = await startStaticServer({
    root: 'examples/storefront',
    port: 0,
    rewrite: (html) => storefrontRewrite(html, { serverUrl: server.url, storeId, emulatorUrl: emu.url }),
    routes: async (pathname, origin) => {
      if (pathname !== '/demo/connect-link') return null;
      const url = await server.connectLink(storeId, { return_url: `${origin}/api.html` });
      return { status: 200, type: 'application/json', body: JSON.stringify({ url }) };
    },
  });
  const store = await server.createStore({ name: 'Demo Coffee Roasters', allowed_origins: [shop.url] });
  storeId = store.id;
  const put = await server.internal('PUT', `/stores/${store.id}/products`, { products: PRODUCTS });
  if (put.status !== 200) throw new Error(`catalog: ${put.status} ${JSON.stringify(put.body)}`);
  const keys = emu.createAccount('Demo Coffee Roasters').keys.test;
  await server.connectStore(store.id, keys);
  const browser = await launchBrowser();
  const contexts: BrowserContext[] = [];
  return {
    emu,
    server,
    shop,
    browser,
    storeId: store.id,
    keys,
    useStore: (id) => void (storeId = id),
    async newPage(options = {}) {
      const context = await newStripeContext(browser, emu.url, {
        viewport: { width: 1280, height: 800 },
        reducedMotion: options.reducedMotion ?? 'reduce',
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error('[page error]', err.message));
      return page;
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
      await browser.close();
      await shop.close();
      await server.close();
      await emu.close();
    },
  };
}

/** The widget's cart dialog (Playwright's role locators pierce the open shadow root). */
export const drawer = (page: Page) => page.getByRole('dialog', { name: /cart/i });

/** The checkout overlay's frame. */
export const checkoutFrame = (page: Page): FrameLocator => page.frameLocator('iframe[src*="/checkout/"]');

/** Opens a storefront page and waits until the widget has mounted (its launcher or the page's cart button counts). */
export async function openShop(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const root = document.querySelector('[data-checkout-best-root]');
    return !!root?.shadowRoot?.querySelector('.root');
  });
}

/** Records the widget's events in `window.__events` for later assertions. */
export async function recordEvents(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __events: Array<[string, unknown]>; CheckoutBest: { on(e: string, f: (p: unknown) => void): void } };
    w.__events = [];
    for (const name of ['cart:updated', 'checkout:opened', 'checkout:completed', 'checkout:failed', 'stripe:connected']) {
      w.CheckoutBest.on(name, (p) => w.__events.push([name, p]));
    }
  });
}

/** The recorded events named `name`. */
export async function eventsNamed(page: Page, name: string): Promise<unknown[]> {
  return page.evaluate((n) => (window as unknown as { __events: Array<[string, unknown]> }).__events.filter(([e]) => e === n).map(([, p]) => p), name);
}

export { fillCard } from '../support/browser';
