import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../../server/src/clock';
import { signConnectLink } from '../../server/src/security/connect-link';
import { startTestServer, submitConnectForm, type TestServer } from '../support/app';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';

let emu: StripeEmulator;
let server: TestServer;
const clock = manualClock(Date.now());

before(async () => {
  emu = await startStripeEmulator({ port: 0 });
  server = await startTestServer({ emulator: emu, clock });
});
after(async () => {
  await server.destroy();
  await emu.close();
});

/** Signs a link the way the README tells platforms to, independently of the server's code. */
function platformSign(secret: string, storeId: string, returnUrl: string, expires: number): string {
  const sig = createHmac('sha256', secret).update(`checkout-best-connect-v1\n${storeId}\n${returnUrl}\n${expires}`).digest('hex');
  const q = new URLSearchParams({ store_id: storeId, ...(returnUrl ? { return_url: returnUrl } : {}), expires: String(expires), signature: sig });
  return `${server.url}/stripe/connect?${q}`;
}

const nowSeconds = () => Math.floor(clock.now() / 1000);

async function expectRefusal(url: string, status: number, text: RegExp): Promise<void> {
  const res = await fetch(url);
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type')!, /text\/html/);
  assert.match(await res.text(), text);
}

describe('connect links', () => {
  it('serves an accessible form, framable only by the store origins, not cached, no referrer', async () => {
    const store = await server.createStore({ name: 'Form Shop', allowed_origins: ['https://shop.example'] });
    const res = await fetch(await server.connectLink(store.id, { return_url: 'https://builder.example/done' }));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.match(res.headers.get('content-security-policy')!, /frame-ancestors https:\/\/shop\.example(;|$)/);
    const html = await res.text();
    assert.match(html, /<label for="publishable_key">/);
    assert.match(html, /<label for="secret_key">/);
    assert.match(html, /<input[^>]*name="secret_key"[^>]*type="password"[^>]*autocomplete="new-password"/);
    assert.match(html, /Developers → API keys/);
    assert.match(html, /Reveal/);
    assert.match(html, /id="mode-badge"/);
    assert.match(html, /PaymentIntents: Write/);
  });

  it('accepts a link signed by a platform with the documented algorithm', async () => {
    const acct = emu.createAccount('Platform Signed');
    const store = await server.createStore({ name: 'Signed' });
    const url = platformSign(server.internalSecret, store.id, 'https://builder.example/x?y=1', nowSeconds() + 600);
    const res = await submitConnectForm(url, acct.keys.test);
    assert.equal(res.status, 303);
  });

  it('refuses a link with no or a wrong signature', async () => {
    const store = await server.createStore({ name: 'Unsigned' });
    await expectRefusal(`${server.url}/stripe/connect?store_id=${store.id}`, 403, /not valid/);
    await expectRefusal(platformSign('some-other-secret-entirely', store.id, '', nowSeconds() + 600), 403, /not valid/);
  });

  it('refuses a link made for another store or another return_url', async () => {
    const a = await server.createStore({ name: 'A' });
    const b = await server.createStore({ name: 'B' });
    const link = new URL(await server.connectLink(a.id, { return_url: 'https://builder.example/a' }));
    link.searchParams.set('store_id', b.id);
    await expectRefusal(link.toString(), 403, /not valid/);
    link.searchParams.set('store_id', a.id);
    link.searchParams.set('return_url', 'https://evil.example/');
    await expectRefusal(link.toString(), 403, /not valid/);
  });

  it('refuses an expired link', async () => {
    const store = await server.createStore({ name: 'Slow' });
    const url = await server.connectLink(store.id, { ttl_seconds: 60 });
    clock.advance(61_000);
    await expectRefusal(url, 403, /expired/);
  });

  it('expires links after 30 minutes by default', async () => {
    const store = await server.createStore({ name: 'Default TTL' });
    const res = await server.internal('POST', `/stores/${store.id}/connect-link`, {});
    assert.equal(Date.parse(res.body.expires_at), (nowSeconds() + 1800) * 1000);
  });

  it('refuses a link that was already used, on GET and on POST', async () => {
    const acct = emu.createAccount('Once');
    const store = await server.createStore({ name: 'Once' });
    const url = await server.connectLink(store.id);
    assert.equal((await submitConnectForm(url, acct.keys.test)).status, 303);
    await expectRefusal(url, 403, /already used/);
    const u = new URL(url);
    const body = new URLSearchParams(u.searchParams);
    body.set('publishable_key', acct.keys.test.publishable);
    body.set('secret_key', acct.keys.test.secret);
    const post = await fetch(`${server.url}/stripe/connect`, { method: 'POST', body, headers: { Accept: 'application/json' } });
    assert.equal(post.status, 403);
    assert.equal((await post.json()).error.code, 'link_used');
  });

  it('answers 404 for a correctly signed link to an unknown store', async () => {
    await expectRefusal(platformSign(server.internalSecret, '00000000-0000-4000-8000-000000000000', '', nowSeconds() + 600), 404, /Store not found/);
  });

  it('refuses a signed return_url that is not http(s)', async () => {
    const store = await server.createStore({ name: 'JS' });
    await expectRefusal(platformSign(server.internalSecret, store.id, 'javascript:alert(1)', nowSeconds() + 600), 403, /not valid/);
    const res = await server.internal('POST', `/stores/${store.id}/connect-link`, { return_url: 'javascript:alert(1)' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_request');
  });

  it('shows the success page with a button back to the signed return_url and posts only to the declared allowed parent', async () => {
    const acct = emu.createAccount('Happy Beans');
    const store = await server.createStore({ name: 'Happy', allowed_origins: ['https://happy.example', 'http://localhost:5173'] });
    const link = await server.connectLink(store.id, { return_url: 'https://builder.example/stores/1' });
    const form = await (await fetch(`${link}&parent_origin=${encodeURIComponent('http://localhost:5173')}`)).text();
    assert.match(form, /<input type="hidden" name="parent_origin" value="http:\/\/localhost:5173"\/>/);
    // The widget's parameter rides along unsigned; the signed fields are checked exactly as before.
    const res = await submitConnectForm(`${link}&parent_origin=${encodeURIComponent('http://localhost:5173')}`, acct.keys.test);
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location')!, /[?&]parent_origin=http%3A%2F%2Flocalhost%3A5173(&|$)/);
    const page = await fetch(new URL(res.headers.get('location')!, server.url));
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Stripe is connected/);
    assert.match(html, /Happy Beans/);
    assert.match(html, /Test mode/);
    assert.match(html, /href="https:\/\/builder\.example\/stores\/1"/);
    assert.match(html, /postMessage\(\{"type":"checkout-best:stripe-connected"[^)]*\},"http:\/\/localhost:5173"\)/);
    assert.doesNotMatch(html, /happy\.example/, 'no message addressed to an allowed origin that is not the parent');
    const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers.get('content-security-policy')!)![1];
    assert.match(html, new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`));
    // A foreign or missing parent_origin: the page still says connected, but posts to nobody.
    const location = new URL(res.headers.get('location')!, server.url);
    for (const parent of ['https://evil.example', null]) {
      if (parent) location.searchParams.set('parent_origin', parent);
      else location.searchParams.delete('parent_origin');
      const other = await (await fetch(location)).text();
      assert.match(other, /Stripe is connected/);
      assert.doesNotMatch(other, /postMessage/);
      assert.doesNotMatch(other, /evil\.example/);
    }
  });

  it('shows the Stripe account on the success page only with the signature the redirect carried', async () => {
    const acct = emu.createAccount('Hidden Holdings LLC');
    const store = await server.createStore({ name: 'Public Shop' });
    const res = await submitConnectForm(await server.connectLink(store.id), acct.keys.test);
    const signed = await (await fetch(new URL(res.headers.get('location')!, server.url))).text();
    assert.match(signed, /Hidden Holdings LLC/);
    assert.ok(signed.includes(acct.id));
    const forged = `expires=99999999999&signature=${'a'.repeat(64)}`;
    for (const query of ['', forged]) {
      const page = await fetch(`${server.url}/stripe/success/${store.id}?${query}`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /Stripe is connected/);
      assert.match(html, /Public Shop/);
      assert.ok(!html.includes(acct.id), 'no account id without the signature');
      assert.doesNotMatch(html, /Hidden Holdings|acct_/);
    }
  });

  it('answers an HTML 404 page for the success page of an unknown store', async () => {
    const res = await fetch(`${server.url}/stripe/success/00000000-0000-4000-8000-000000000000`);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /Store not found/);
  });

  it('does not link back to an unsigned return_url on the success page', async () => {
    const store = await server.createStore({ name: 'No redirect' });
    const html = await (await fetch(`${server.url}/stripe/success/${store.id}?return_url=https://evil.example&expires=1&signature=${'0'.repeat(64)}`)).text();
    assert.doesNotMatch(html, /evil\.example/);
  });

  it('answers 503 "Could not reach Stripe, try again" and stores nothing when Stripe is down', async () => {
    const acct = emu.createAccount('Down');
    const store = await server.createStore({ name: 'Down' });
    const url = await server.connectLink(store.id);
    emu.faults.enqueue({ kind: '500', count: 3, path: '/v1/account' }); // the first try and stripe-node's two retries
    const res = await submitConnectForm(url, acct.keys.test);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /Could not reach Stripe, try again/);
    assert.equal((await server.internal('GET', `/stores/${store.id}/stripe-status`)).body.has_stripe, false);
    emu.faults.clear();
    assert.equal((await submitConnectForm(url, acct.keys.test)).status, 303, 'the link still works once Stripe is back');
  });
});

describe('the documented signing algorithm', () => {
  it('matches the worked example in the README', () => {
    const sig = signConnectLink('example-internal-secret-1', {
      storeId: '0c5e2a7e-61a4-4c2b-9d7e-5b0f0a3c9b11',
      returnUrl: 'https://bmos.example.com/stores/42',
      expires: 1795682000,
    });
    assert.equal(sig, '4b8a4a874b6e38a6fa506bda64e807f101162ae024a79625878a46135f426740');
    assert.ok(readFileSync('README.md', 'utf8').includes(`signature \`${sig}\``), 'the README shows this signature');
  });
});
