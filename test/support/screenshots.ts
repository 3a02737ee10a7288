// `npm run screenshots`: starts a fresh demo (temp data folder, free ports), walks it in headless Chromium and
// writes the README's pictures to docs/screenshots/: the storefront, the open cart, the checkout overlay, the
// connect form and its success page. Look at each after running it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, newStripeContext } from './browser';
import { startDemo } from '../demo/demo-process';
import { addToCart, fillCard, openCart, startCheckout } from '../demo/shopper';

const OUT = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'docs', 'screenshots');

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400); // let transitions settle (the widget animates unless reduced motion is asked)
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`  docs/screenshots/${name}.png`);
}

function readTestKeys(dataDir: string): { publishable: string; secret: string } {
  const text = readFileSync(join(dataDir, 'stripe-test-keys.txt'), 'utf8');
  return { publishable: /pk_test_\S+/.exec(text)![0], secret: /sk_test_\S+/.exec(text)![0] };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'checkout-best-screenshots-'));
  const demo = await startDemo(dataDir);
  const browser = await launchBrowser();
  try {
    const context = await newStripeContext(browser, demo.urls.emulator, { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    console.log('Writing:');
    await page.goto(`${demo.urls.storefront}/`);
    await page.waitForLoadState('networkidle');
    await shot(page, 'storefront');

    await addToCart(page, 'house-blend');
    await addToCart(page, 'pour-over-kit');
    await openCart(page);
    await shot(page, 'cart-open');

    const frame = await startCheckout(page);
    await fillCard(frame, '4242 4242 4242 4242');
    await shot(page, 'checkout-overlay');

    // The merchant's side: the signed connect form, filled with the emulator's test keys, and its success page.
    const keys = readTestKeys(dataDir);
    const admin = await context.newPage();
    await admin.setViewportSize({ width: 900, height: 900 });
    await admin.goto(demo.urls.connectLink);
    await admin.getByLabel(/publishable key/i).fill(keys.publishable);
    await admin.getByLabel(/secret key/i).fill(keys.secret);
    await shot(admin, 'connect-form');
    await Promise.all([admin.waitForURL(/\/stripe\/success\//), admin.getByRole('button', { name: /connect/i }).click()]);
    await shot(admin, 'connect-success');
  } finally {
    await browser.close();
    await demo.interrupt();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
