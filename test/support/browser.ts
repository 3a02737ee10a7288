// Browser test harness: Debian's Chromium through playwright-core, with Stripe's hosts routed to the emulator.
// Nothing here reaches the internet: js.stripe.com and api.stripe.com are answered by the emulator, and every other
// host except the loopback one is aborted, so a test that forgot a route fails instead of hanging on the network.
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Frame,
  type FrameLocator,
  type Locator,
  type Page,
  type Route,
} from 'playwright-core';

const require = createRequire(import.meta.url);

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Repository root, so screenshots land in the same place whatever the working directory. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where saveScreenshot writes its PNG files. */
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

const STRIPE_HOSTS = /^https:\/\/(js|api)\.stripe\.com\//;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Launches headless Debian Chromium (`CHROMIUM_PATH` overrides /usr/bin/chromium) with the project's flags. */
export async function launchBrowser(options: { headless?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: options.headless ?? true,
    args: CHROMIUM_ARGS,
  });
}

/** Answers a request for a Stripe host from the emulator: same method, headers, body, path and query. */
async function forwardToEmulator(route: Route, emulatorUrl: string): Promise<void> {
  const original = new URL(route.request().url());
  const target = new URL(original.pathname + original.search, emulatorUrl).href;
  try {
    const response = await route.fetch({ url: target, maxRedirects: 0 });
    await route.fulfill({ response });
  } catch {
    // The emulator is closed or the page went away: look like a network failure, as Stripe.js would see it.
    await route.abort('connectionrefused').catch(() => undefined);
  }
}

/**
 * A browser context whose https://js.stripe.com/** and https://api.stripe.com/** requests are served by the
 * emulator at `emulatorUrl`; requests to any non-loopback host are aborted unless `allowOtherHosts` is set.
 */
export async function newStripeContext(
  browser: Browser,
  emulatorUrl: string,
  options: BrowserContextOptions & { allowOtherHosts?: boolean } = {},
): Promise<BrowserContext> {
  const { allowOtherHosts, ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  if (!allowOtherHosts) {
    // Registered first, so the Stripe route below (registered later) takes precedence for Stripe's hosts.
    await context.route(
      (url) => /^https?:$/.test(url.protocol) && !LOOPBACK_HOSTS.has(url.hostname),
      (route) => route.abort('blockedbyclient'),
    );
  }
  await context.route(STRIPE_HOSTS, (route) => forwardToEmulator(route, emulatorUrl));
  return context;
}

/** Saves a PNG of a page (full page) or of one element to test-results/screenshots/<name>.png and returns its path. */
export async function saveScreenshot(target: Page | Locator, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  if ('goto' in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
  return path;
}

/** One axe-core finding, as the browser tests report it. */
export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** WCAG 2.1 A and AA, the level the project promises (axe-core's tags). */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let axeSource: Promise<string> | null = null;

/**
 * Runs axe-core (WCAG 2.1 A/AA rules) on a page or frame as it is now and fails on any serious or critical violation,
 * naming the rule, its help text and the elements; moderate and minor ones are returned (and logged) for the report.
 * axe is evaluated through the DevTools protocol, so the checkout page's CSP needs nothing for it. It looks into open
 * shadow roots (the widget, the Stripe.js double's fields); a cross-origin frame (the checkout overlay) is checked by
 * passing that frame itself (page.frames()).
 */
export async function checkAccessibility(target: Page | Frame, state: string): Promise<AxeFinding[]> {
  axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // A string is evaluated as a script by the protocol, outside the page's CSP (an eval() in the page would not be).
  if (!(await target.evaluate('!!window.axe'))) await target.evaluate(await axeSource);
  const findings = await target.evaluate(async (tags) => {
    type Violation = { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> };
    const axe = (window as unknown as { axe: { run(ctx: unknown, options: unknown): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, iframes: false, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  }, WCAG_TAGS);
  const blocking = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
  const others = findings.filter((f) => !blocking.includes(f));
  if (others.length) console.log(`[axe] ${state}: ${others.map((f) => `${f.impact} ${f.id} (${f.nodes.length})`).join(', ')}`);
  if (blocking.length) {
    const text = blocking.map((f) => `  ${f.impact} ${f.id}: ${f.help}\n    ${f.nodes.join('\n    ')}`).join('\n');
    throw new Error(`axe-core (WCAG 2.1 A/AA) found ${blocking.length} serious or critical violation(s) on ${state}:\n${text}`);
  }
  return findings;
}

/**
 * Types the email every checkout asks for (unless `email` is null: the test typed its own) and a card with a future
 * expiry into the checkout page (the overlay's frame, or a page).
 */
export async function fillCard(frame: FrameLocator | Page, number: string, email: string | null = 'shopper@example.com'): Promise<void> {
  if (email !== null) await frame.getByLabel('Email').fill(email);
  await frame.getByLabel('Card number').fill(number);
  await frame.getByLabel('Expiration date').fill(`12 / ${(new Date().getFullYear() + 3) % 100}`);
  await frame.getByLabel('Security code').fill('123');
}
