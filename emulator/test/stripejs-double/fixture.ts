// Shared setup for the Stripe.js double's browser tests: one emulator, one test account, one test page server and
// one Chromium per test file; a fresh browser context (and a fresh PaymentIntent) per test.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StripeAddressElementOptions, StripeLinkAuthenticationElementOptions } from '@stripe/stripe-js';
import type Stripe from 'stripe';
import { createStripeFactory } from '../../../server/src/stripe/client';
import { launchBrowser, newStripeContext } from '../../../test/support/browser';
import { startStripeEmulator } from '../../src/index';
import { startTestPage, type TestPageServer } from './test-page';

type Emulator = Awaited<ReturnType<typeof startStripeEmulator>>;

/** How the test checkout is opened. */
export interface CheckoutOptions {
  locale?: string;
  stripeJsUrl?: string;
  link?: StripeLinkAuthenticationElementOptions;
  address?: StripeAddressElementOptions;
}

/** Everything one test file needs. */
export interface DoubleFixture {
  emu: Emulator;
  keys: { publishable: string; secret: string };
  /** The official stripe client with the account's secret key, pointed at the emulator (the server side). */
  stripe: Stripe;
  pages: TestPageServer;
  browser: Browser;
  /** Creates a PaymentIntent server-side, as the checkout server does. */
  createIntent(amount?: number, currency?: string): Promise<Stripe.PaymentIntent>;
  /**
   * Opens the test checkout for a PaymentIntent in a new context and waits for the Payment Element's ready event;
   * with `link` or `address` options it also mounts those Elements (above the Payment Element) and waits for them.
   */
  openCheckout(intent: Stripe.PaymentIntent, options?: CheckoutOptions): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the emulator, the test page server and Chromium. */
export async function startDoubleFixture(): Promise<DoubleFixture> {
  const [emu, pages, browser] = await Promise.all([startStripeEmulator({ port: 0 }), startTestPage(), launchBrowser()]);
  const keys = emu.createAccount('Double Test Shop').keys.test;
  const stripe = createStripeFactory({ apiUrl: emu.url, timeoutMs: 5000, maxNetworkRetries: 0 }).forKey(keys.secret);
  const contexts: BrowserContext[] = [];
  return {
    emu,
    keys,
    stripe,
    pages,
    browser,
    createIntent: (amount = 1999, currency = 'eur') => stripe.paymentIntents.create({ amount, currency, automatic_payment_methods: { enabled: true } }),
    async openCheckout(intent, { locale, stripeJsUrl, link, address } = {}) {
      const context = await newStripeContext(browser, emu.url);
      contexts.push(context);
      const page = await context.newPage();
      const query = new URLSearchParams({ pk: keys.publishable, cs: intent.client_secret ?? '' });
      if (locale) query.set('locale', locale);
      if (stripeJsUrl) query.set('stripejs', stripeJsUrl);
      if (link) query.set('link', JSON.stringify(link));
      if (address) query.set('address', JSON.stringify(address));
      await page.goto(`${pages.url}/pay?${query}`);
      await page.evaluate(() => window.testApp.loaded);
      // Every mounted Element has answered with ready or loaderror (no named helpers: tsx would add __name calls).
      await page.waitForFunction(() => {
        const app = window.testApp;
        return [app.events, app.link ? app.linkEvents : null, app.address ? app.addressEvents : null].every(
          (events) => !events || events.some((e) => e.type === 'ready' || e.type === 'loaderror'),
        );
      });
      return page;
    },
    async close() {
      await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
      await browser.close();
      await pages.close();
      await emu.close();
    },
  };
}

/** Fills the Payment Element's card fields (one input event per field, as a paste or autofill gives). */
export async function fillCard(page: Page, number: string, expiry = '12 / 34', cvc = '123'): Promise<void> {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiration date').fill(expiry);
  await page.getByLabel('Security code').fill(cvc);
}

/** Confirms with `redirect: 'if_required'` in the page and returns what stripe.confirmPayment resolved to. */
export function confirmInPage(page: Page, receiptEmail?: string) {
  return page.evaluate(
    (email) =>
      window.testApp.stripe!.confirmPayment({
        elements: window.testApp.elements!,
        confirmParams: { return_url: `${location.origin}/return`, ...(email ? { receipt_email: email } : {}) },
        redirect: 'if_required',
      }),
    receiptEmail,
  );
}
