// `npm run demo` as a person runs it: one command, then a browser pays on the storefront it serves, and
// Ctrl-C stops everything. The demo runs as a child process with its own data folder and free ports.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import type { Order } from '../../server/src/wire';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startDemo, type DemoProcess } from './demo-process';
import { addToCart, fillAddress, fillCard, pay, startCheckout, waitForWidget } from './shopper';

/**
 * A browser as a person has it, but offline: no routes to the emulator (unlike the other browser tests), and
 * every request to a host other than 127.0.0.1 fails and is recorded, so the test proves the demo needs none.
 */
async function offlineContext(browser: Browser, outside: string[]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => {
      outside.push(route.request().url());
      return route.abort('internetdisconnected');
    },
  );
  return context;
}

describe('npm run demo', () => {
  let dataDir = '';
  let demo: DemoProcess;
  let browser: Browser;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'checkout-best-demo-'));
    demo = await startDemo(dataDir);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await demo?.interrupt();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a storefront, a signed connect link and the emulator, and each of them answers', async () => {
    const { urls } = demo;
    const shop = await fetch(`${urls.storefront}/`);
    assert.equal(shop.status, 200);
    const html = await shop.text();
    assert.ok(html.includes(`${urls.server}/widget.js`), 'the storefront loads the widget from the demo server');
    assert.ok(html.includes(urls.storeId), 'the storefront names the demo store');
    assert.notEqual(new URL(urls.storefront).origin, new URL(urls.server).origin, 'storefront on its own origin');

    const form = await fetch(urls.connectLink);
    assert.equal(form.status, 200);
    assert.match(await form.text(), /publishable_key/);
    assert.match(urls.connectLink, /[?&]signature=[0-9a-f]{64}/);

    const status = (await (await fetch(`${urls.server}/stripe/status/${urls.storeId}`)).json()) as Record<string, unknown>;
    assert.deepEqual(status, { store_id: urls.storeId, has_stripe: true, is_live_mode: false });
    assert.equal((await fetch(`${urls.emulator}/v3`)).status, 200);
    assert.match(demo.output(), /How-to|how-to/);
  });

  it('keeps secrets off the terminal and in files the BMOS examples read', () => {
    const env = readFileSync(join(dataDir, 'bmos.env'), 'utf8');
    const secret = /CHECKOUT_BEST_SECRET=(\S+)/.exec(env)?.[1];
    assert.ok(secret && secret.length >= 32);
    assert.ok(!demo.output().includes(secret), 'the internal secret is not printed');
    assert.doesNotMatch(demo.output(), /sk_test_|rk_test_|whsec_/);
    assert.match(readFileSync(join(dataDir, 'stripe-test-keys.txt'), 'utf8'), /sk_test_/);
  });

  it('lets a shopper in an offline browser give an address, be declined with 4000 0000 0000 0002, then pay with 4242', async () => {
    const outside: string[] = [];
    const context = await offlineContext(browser, outside);
    try {
      const page = await context.newPage();
      await page.goto(`${demo.urls.storefront}/`);
      await addToCart(page, 'house-blend');
      // The drawer keeps the storefront's promise: free shipping over $40.
      await page.getByText('Add $26.00 for free shipping.').waitFor({ timeout: 10_000 });
      const frame = await startCheckout(page);
      await frame.getByLabel('Email').fill('ada@example.com');
      await fillAddress(frame);
      await frame.getByRole('radio', { name: /Standard shipping/ }).waitFor({ timeout: 10_000 });
      await frame.getByRole('button', { name: 'Pay $19.00' }).waitFor({ timeout: 10_000 });
      await fillCard(frame, '4000 0000 0000 0002', null);
      await pay(frame);
      await frame.getByText('Your card was declined.').waitFor({ timeout: 20_000 });
      await fillCard(frame, '4242 4242 4242 4242', null);
      await pay(frame);
      await frame.getByText('Thank you! Your payment was received.').waitFor({ timeout: 20_000 });
      await saveScreenshot(page, 'demo-paid');

      const secret = /CHECKOUT_BEST_SECRET=(\S+)/.exec(readFileSync(join(dataDir, 'bmos.env'), 'utf8'))![1];
      const orders = (await (
        await fetch(`${demo.urls.server}/api/internal/stores/${demo.urls.storeId}/orders`, { headers: { 'X-Internal-Secret': secret } })
      ).json()) as { data: Order[] };
      assert.equal(orders.data.length, 1);
      const [order] = orders.data;
      assert.equal(order.status, 'paid');
      assert.equal(order.amount, 1900);
      assert.deepEqual(order.amounts, {
        subtotal: 1400,
        discount: 0,
        shipping: 500,
        tax: 0,
        tax_lines: [{ display_name: 'VAT', percentage: 19, inclusive: true, amount: 304 }],
        total: 1900,
      });
      assert.deepEqual(order.customer, { email: 'ada@example.com', name: 'Ada Lovelace', phone: null });
      assert.deepEqual(order.shipping, {
        name: 'Ada Lovelace',
        phone: null,
        address: { line1: 'Unter den Linden 1', line2: null, city: 'Berlin', state: null, postal_code: '10117', country: 'DE' },
        rate: { id: 'standard', display_name: 'Standard shipping', amount: 500 },
        delivery_estimate: { min_days: 3, max_days: 5 },
      });
      assert.deepEqual(outside, [], 'the browser needed nothing but 127.0.0.1');
    } finally {
      await context.close();
    }
  });

  it('opens the merchant admin modal from the JavaScript API page with a fresh signed link', async () => {
    const outside: string[] = [];
    const context = await offlineContext(browser, outside);
    try {
      const page = await context.newPage();
      await page.goto(`${demo.urls.storefront}/api.html`);
      await waitForWidget(page);
      await page.getByRole('button', { name: 'Merchant admin' }).click();
      const admin = page.frameLocator('iframe[src*="/stripe/connect"]');
      const text = readFileSync(join(dataDir, 'stripe-test-keys.txt'), 'utf8');
      await admin.getByLabel('Publishable key').fill(/pk_test_\S+/.exec(text)![0]);
      await admin.getByLabel('Secret key').fill(/sk_test_\S+/.exec(text)![0]);
      await admin.getByRole('button', { name: /verify and connect/i }).click();
      await admin.getByText('Stripe is connected').waitFor({ timeout: 20_000 });
      await page
        .locator('#log')
        .getByText(/stripe:connected/)
        .waitFor({ timeout: 10_000 });
      await saveScreenshot(page, 'demo-admin-connected');
      assert.deepEqual(outside, []);
    } finally {
      await context.close();
    }
  });

  it('stops the storefront, the server and the emulator cleanly on Ctrl-C', async () => {
    const { urls } = demo;
    const code = await demo.interrupt();
    assert.equal(code, 0);
    assert.match(demo.output(), /Stopped\./);
    for (const url of [urls.storefront, urls.server, urls.emulator]) {
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2000) }), `${url} is closed`);
    }
  });
});
