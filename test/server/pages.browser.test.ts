import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newStripeContext, saveScreenshot } from '../support/browser';
import { startTestServer, type TestServer } from '../support/app';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

let emu: StripeEmulator;
let server: TestServer;
let browser: Browser;
let parent: { url: string; server: Server };

/** A page on another origin that frames `?src=` and records every message it receives. */
async function startParentSite(): Promise<{ url: string; server: Server }> {
  const http = createServer((req, res) => {
    const src = new URL(req.url!, 'http://x').searchParams.get('src') ?? '';
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><title>Store admin</title><h1>Store admin</h1>
<iframe id="f" src="${src.replace(/"/g, '&quot;')}" style="width:520px;height:760px;border:1px solid #ccc"></iframe>
<script>window.messages=[];addEventListener('message',function(e){window.messages.push({origin:e.origin,data:e.data})});</script>`);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, server: http };
}

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu });
  parent = await startParentSite();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  parent?.server.close();
  await server?.destroy();
  await emu?.close();
});

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await newStripeContext(browser, emu.url, { viewport: { width: 640, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

describe('connect pages in a real browser', () => {
  it('fills the form by keyboard, shows the mode, explains a refused key, then connects', async () => {
    const acct = emu.createAccount('Keyboard Coffee');
    const store = await server.createStore({ name: 'Keyboard Coffee' });
    const { page, errors } = await newPage();
    await page.goto(await server.connectLink(store.id, { return_url: `${parent.url}/done` }));
    await saveScreenshot(page, 'connect-form');
    await page.keyboard.press('Tab'); // first focusable is the publishable key field
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'publishable_key');
    await page.keyboard.type(acct.keys.test.publishable);
    assert.equal(await page.locator('#mode-badge').textContent(), 'Test mode');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'secret_key');
    await page.keyboard.type('sk_test_' + 'w'.repeat(24));
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'submit');
    await Promise.all([page.waitForURL(/\/stripe\/connect$/), page.keyboard.press('Enter')]);
    assert.match((await page.locator('#form-error').textContent()) ?? '', /Invalid API key/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-error', 'the error summary takes focus');
    assert.equal(await page.locator('#secret_key').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#publishable_key').inputValue(), acct.keys.test.publishable, 'the publishable key is kept');
    assert.equal(await page.locator('#secret_key').inputValue(), '', 'the secret key is not echoed back');
    await saveScreenshot(page, 'connect-form-error');
    await page.fill('#secret_key', acct.keys.test.secret);
    await Promise.all([page.waitForURL(/\/stripe\/success\//), page.click('#submit')]);
    assert.match((await page.locator('h1').textContent()) ?? '', /Stripe is connected/);
    assert.equal(await page.locator('a.button').getAttribute('href'), `${parent.url}/done`);
    await saveScreenshot(page, 'connect-success');
    assert.deepEqual(
      errors.filter((e) => !/status of 422/.test(e)),
      [],
      'no other console errors (CSP blocks nothing we use)',
    );
    await page.context().close();
  });

  it('works framed by an allowed origin and tells the parent window once connected', async () => {
    const acct = emu.createAccount('Framed Tea');
    const store = await server.createStore({ name: 'Framed Tea', allowed_origins: [parent.url] });
    const { page } = await newPage();
    // The widget's admin modal declares the page that frames the form (parent_origin), as the widget does.
    const link = `${await server.connectLink(store.id)}&parent_origin=${encodeURIComponent(parent.url)}`;
    await page.goto(`${parent.url}/?src=${encodeURIComponent(link)}`);
    const frame = page.frameLocator('#f');
    await frame.locator('#publishable_key').fill(acct.keys.live.publishable);
    assert.equal(await frame.locator('#mode-badge').textContent(), 'Live mode: real payments');
    await frame.locator('#secret_key').fill(acct.keys.live.secret);
    await frame.locator('#submit').click();
    await page.waitForFunction(() => (window as unknown as { messages: unknown[] }).messages.length > 0);
    const messages = await page.evaluate(() => (window as unknown as { messages: unknown[] }).messages);
    assert.deepEqual(messages, [{ origin: server.url, data: { type: 'checkout-best:stripe-connected', store_id: store.id, is_live_mode: true } }]);
    await saveScreenshot(page, 'connect-framed-success');
    await page.context().close();
  });

  it('cannot be framed by an origin the store did not allow', async () => {
    const store = await server.createStore({ name: 'Not framable', allowed_origins: ['https://elsewhere.example'] });
    const { page } = await newPage();
    await page.goto(`${parent.url}/?src=${encodeURIComponent(await server.connectLink(store.id))}`);
    await page.waitForTimeout(300);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.equal(await frame?.locator('#publishable_key').count(), 0);
    await page.context().close();
  });

  it('shows a plain 403 page for an expired or tampered link', async () => {
    const store = await server.createStore({ name: 'Tampered' });
    const { page } = await newPage();
    const url = new URL(await server.connectLink(store.id));
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
    const res = await page.goto(url.toString());
    assert.equal(res?.status(), 403);
    assert.match((await page.locator('h1').textContent()) ?? '', /not valid/);
    await saveScreenshot(page, 'connect-link-invalid');
    await page.context().close();
  });
});
