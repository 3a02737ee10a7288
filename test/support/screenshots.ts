// `npm run screenshots`: starts a fresh demo (temp data folder, free ports), walks it in headless Chromium and
// writes the README's pictures to docs/screenshots/: the storefront, the open cart (with the free-shipping progress,
// then past it), the checkout overlay, the checkout page with email, address, rates and tax, the connect form and its
// success page. Look at each after running it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, newStripeContext } from './browser';
import { startDemo } from '../demo/demo-process';
import { addToCart, fillAddress, fillCard, openCart, startCheckout } from '../demo/shopper';

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
    await openCart(page);
    await page.getByText(/for free shipping/).waitFor();
    await shot(page, 'cart-free-shipping');
    await page.keyboard.press('Escape');
    await addToCart(page, 'pour-over-kit');
    await openCart(page);
    await shot(page, 'cart-open');

    const frame = await startCheckout(page);
    await frame.getByLabel('Email').fill('ada@example.com');
    // California: the summary shows the demo store's sales tax line (7.25%) above the total.
    await fillAddress(frame, { country: 'US', line1: '1 Grand Ave', city: 'Los Angeles', postal_code: '90012' });
    await frame.getByLabel('State').fill('CA');
    await frame.getByRole('radio', { name: /Standard shipping/ }).waitFor();
    await fillCard(frame, '4242 4242 4242 4242', null);
    await frame.locator('.summary [data-shipping="0"]').waitFor();
    await frame.locator('.summary [data-tax]').waitFor();
    await shot(page, 'checkout-overlay');

    // The same checkout on its own page, whole: email, address, the rate (free over $40), card and summary with tax.
    const checkoutUrl = await page.locator('iframe[src*="/checkout/"]').getAttribute('src');
    const full = await context.newPage();
    await full.goto(checkoutUrl!);
    await full.getByRole('radio', { name: /Standard shipping/ }).waitFor({ timeout: 20_000 });
    await fillCard(full, '4242 4242 4242 4242', null);
    await full.evaluate(() => window.scrollTo(0, 0));
    await full.waitForTimeout(400);
    await full.screenshot({ path: join(OUT, 'checkout-shipping.png'), fullPage: true });
    console.log('  docs/screenshots/checkout-shipping.png');
    await full.close();

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
