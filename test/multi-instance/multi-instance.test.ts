// Three real server processes on one PostgreSQL database behind a round-robin proxy (see
// test/support/multi-instance.ts). Started once for the file and reused by every scenario, in order.
// Skipped loudly when nothing answers on 127.0.0.1:5432, unless CI=true (then it fails), as test/run.mjs does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, confirmWithCard, intentsOfCart as intentsOf, PRODUCTS, type Answer } from '../support/shop';
import { submitConnectForm, type KeyPair } from '../support/app';
import { PG_ADDRESS, postgresAnswers, runReconcile, startCluster, type Cluster, type Instance } from '../support/multi-instance';

const pgUp = await postgresAnswers();
const CI = process.env.CI === 'true';
const SKIP = !pgUp && !CI ? `PostgreSQL SKIPPED: nothing answers on ${PG_ADDRESS} (the multi-instance suite needs it)` : false;
if (SKIP) process.stderr.write(`\n########\n# multi-instance suite ${SKIP}\n########\n`);

const CARD = '4242424242424242';

describe('three instances on one database', { skip: SKIP, timeout: 300_000 }, () => {
  let c: Cluster;
  let storeId: string;
  let keys: KeyPair;
  const timings: string[] = [];

  const internal = <T = any>(method: string, path: string, body?: unknown, base = c.proxyUrl) =>
    call<T>(base, method, `/api/internal${path}`, body, { 'X-Internal-Secret': c.internalSecret });
  /** Every order of the store, all pages. */
  const allOrders = async () => {
    const all: any[] = [];
    for (let after = ''; ;) {
      const page = await internal('GET', `/stores/${storeId}/orders?limit=100${after ? `&starting_after=${after}` : ''}`);
      assert.equal(page.status, 200, page.text);
      all.push(...(page.body.data as any[]));
      if (!page.body.has_more) return all;
      after = all[all.length - 1].id as string;
    }
  };
  const ordersOf = async (paymentIntentId: string) => (await allOrders()).filter((o) => o.payment_intent_id === paymentIntentId);
  /** Every PaymentIntent the emulator holds for a cart (by our metadata). */
  const intentsOfCart = (cartId: string) => intentsOf(c.emu, keys.secret, cartId);
  /** A cart with one line and a checkout session for it, through the proxy. */
  const newCheckout = async (base = c.proxyUrl) => {
    const cart = await call(base, 'POST', `/api/stores/${storeId}/carts`);
    assert.equal(cart.status, 201, cart.text);
    const added = await call(base, 'POST', `/api/carts/${cart.body.id}/items`, { product_id: 'tee', quantity: 1 });
    assert.equal(added.status, 200, added.text);
    const checkout = await call(base, 'POST', `/api/carts/${cart.body.id}/checkout`);
    assert.equal(checkout.status, 201, checkout.text);
    return { cartId: cart.body.id as string, token: checkout.body.token as string };
  };
  const intentAt = (i: Instance | string, token: string) => call(typeof i === 'string' ? i : i.url, 'POST', `/api/checkout/${token}/payment-intent`);
  const timed = async (label: string, run: () => Promise<void>) => {
    const t0 = Date.now();
    try {
      await run();
    } finally {
      timings.push(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  };

  before(async () => {
    if (!pgUp) throw new Error(`PostgreSQL FAILED: nothing answers on ${PG_ADDRESS} (CI=true requires it)`);
    const t0 = Date.now();
    c = await startCluster(3);
    const store = await internal('POST', '/stores', { name: 'Multi Shop', allowed_origins: [] });
    assert.equal(store.status, 201, store.text);
    storeId = store.body.id;
    const acct = c.emu.createAccount('Multi Shop');
    keys = acct.keys.test;
    const link = await internal<{ url: string }>('POST', `/stores/${storeId}/connect-link`, {});
    assert.equal((await submitConnectForm(link.body.url, keys)).status, 303);
    const put = await internal('PUT', `/stores/${storeId}/products`, { products: PRODUCTS });
    assert.equal(put.status, 200, put.text);
    timings.push(`start 3 instances + store: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    if (c) {
      process.stdout.write(`# proxied per instance: ${JSON.stringify(c.proxied)}\n`);
      await c.destroy();
    }
    process.stdout.write(`# multi-instance timings:\n${timings.map((t) => `#   ${t}`).join('\n')}\n`);
  });

  it('1. one session asked for its PaymentIntent on all three instances at once → one intent, the same id everywhere', () =>
    timed('1 same session ×3', async () => {
      for (let round = 0; round < 3; round++) {
        const { token, cartId } = await newCheckout();
        const answers = await Promise.all(c.instances.map((i) => intentAt(i, token)));
        for (const a of answers) assert.equal(a.status, 200, a.text);
        assert.equal(
          new Set(answers.map((a) => a.body.payment_intent_id)).size,
          1,
          `round ${round}: ${answers.map((a) => a.body.payment_intent_id).join(', ')}`,
        );
        assert.equal((await intentsOfCart(cartId)).length, 1, `round ${round}: intents at the emulator`);
      }
    }));

  it('2. two tabs of one cart asking on two instances at once → at most one live intent for the cart', () =>
    timed('2 two tabs ×2 instances', async () => {
      const problems: string[] = [];
      for (let round = 0; round < 10; round++) {
        const { token: first, cartId } = await newCheckout();
        const second = (await call(c.proxyUrl, 'POST', `/api/carts/${cartId}/checkout`)).body.token as string;
        const [a, b] = await Promise.all([intentAt(c.instances[0], first), intentAt(c.instances[1], second)]);
        const live = (await intentsOfCart(cartId)).filter((pi) => pi.status !== 'canceled');
        if (live.length > 1) {
          // What the shopper could do with them: pay both tabs (the consequence, for the failure message).
          const paidBoth = await Promise.all([a, b].filter((x) => x.status === 200).map((x) => confirmWithCard(c.emu, x.body.publishable_key, x.body, CARD)));
          problems.push(
            `round ${round}: ${live.length} live intents (answers ${a.status}/${b.status}); paying both tabs: ${paidBoth.map((p) => p.body.status ?? p.body.error?.code).join(', ')}`,
          );
        }
        for (const x of [a, b]) if (x.status !== 200) assert.equal(x.body?.error?.code, 'checkout_superseded', x.text);
      }
      assert.deepEqual(problems, []);
    }));

  it('3. /complete on all three at once plus the webhook through the proxy → exactly one order', () =>
    timed('3 complete ×3 + webhook', async () => {
      const { token } = await newCheckout();
      const intent = await intentAt(c.proxyUrl, token);
      assert.equal(intent.status, 200, intent.text);
      c.emu.webhooks.pause();
      const paid = await confirmWithCard(c.emu, intent.body.publishable_key, intent.body, CARD);
      assert.equal(paid.body.status, 'succeeded');
      const body = { payment_intent_id: intent.body.payment_intent_id };
      const completes = Promise.all(c.instances.map((i) => call(i.url, 'POST', `/api/checkout/${token}/complete`, body)));
      c.emu.webhooks.resume();
      const answers = await completes;
      await c.emu.webhooks.idle();
      for (const a of answers) assert.equal(a.status, 200, a.text);
      assert.equal(new Set(answers.map((a) => a.body.order.id)).size, 1);
      const succeeded = c.emu.webhooks.deliveries.filter(
        (d) => d.eventType === 'payment_intent.succeeded' && d.payload.includes(intent.body.payment_intent_id),
      );
      assert.ok(
        succeeded.some((d) => d.ok && d.url.startsWith(`${c.proxyUrl}/`)),
        `the webhook was delivered through the proxy: ${JSON.stringify(succeeded.map((d) => [d.url, d.status]))}`,
      );
      const orders = await ordersOf(intent.body.payment_intent_id);
      assert.equal(orders.length, 1);
      assert.equal(orders[0].id, answers[0].body.order.id);
    }));

  it('4. one connect link submitted to three instances at once → one 303, the others link_used', () =>
    timed('4 connect link ×3', async () => {
      const store = await internal('POST', '/stores', { name: 'Link Race', allowed_origins: [] });
      const acct = c.emu.createAccount('Link Race');
      const link = new URL((await internal<{ url: string }>('POST', `/stores/${store.body.id}/connect-link`, {})).body.url);
      assert.equal((await fetch(link)).status, 200);
      const form = new URLSearchParams(link.searchParams);
      form.set('publishable_key', acct.keys.test.publishable);
      form.set('secret_key', acct.keys.test.secret);
      const answers = await Promise.all(
        c.instances.map((i) =>
          fetch(`${i.url}/stripe/connect`, { method: 'POST', body: form, headers: { Accept: 'application/json' }, redirect: 'manual' }).then(async (r) => ({
            status: r.status,
            text: await r.text(),
          })),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [303, 403, 403], JSON.stringify(answers));
      for (const a of answers.filter((x) => x.status === 403)) assert.equal(JSON.parse(a.text).error.code, 'link_used');
      const endpoints = await fetch(`${c.emu.url}/v1/webhook_endpoints?limit=100`, { headers: { Authorization: `Bearer ${acct.keys.test.secret}` } }).then(
        (r) => r.json(),
      );
      assert.equal((endpoints.data as any[]).length, 1, 'webhook endpoints the account was left with');
    }));

  it('5. the reconciliation sweep twice at once on the same database → no order recorded twice, no errors', () =>
    timed('5 reconcile ×2', async () => {
      c.emu.webhooks.pause();
      const intents: string[] = [];
      for (let n = 0; n < 6; n++) {
        const { token } = await newCheckout();
        const intent = await intentAt(c.proxyUrl, token);
        assert.equal((await confirmWithCard(c.emu, intent.body.publishable_key, intent.body, CARD)).body.status, 'succeeded');
        intents.push(intent.body.payment_intent_id);
      }
      // Every Stripe call takes 150 ms during the sweeps, so the two runs overlap although they start apart.
      c.emu.faults.latencyMs = 150;
      const runs = await Promise.all([runReconcile(c.env), runReconcile(c.env)]).finally(() => (c.emu.faults.latencyMs = 0));
      for (const r of runs) {
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        assert.doesNotMatch(r.stderr, /error|fail/i, r.stderr);
        assert.match(r.stdout, / 0 check\(s\) failed/);
      }
      const recorded = runs.map((r) => Number(/recorded (\d+) paid/.exec(r.stdout)?.[1] ?? NaN));
      for (const id of intents) assert.equal((await ordersOf(id)).length, 1, `orders of ${id}`);
      assert.ok(recorded[0] + recorded[1] >= intents.length, `recorded ${recorded.join(' + ')}`);
      c.emu.webhooks.resume();
      await c.emu.webhooks.idle();
      for (const id of intents) assert.equal((await ordersOf(id)).length, 1, `orders of ${id} after the webhooks`);
      timings.push(`  5: ${runs.map((r) => (/^checked .*? failed/m.exec(r.stdout) ?? ['?'])[0]).join(' | ')}`);
    }));

  it('6. kill -9 of the instance in the middle of a payment-intent call → another instance serves the cart within the claim’s expiry and the payment completes', () =>
    timed('6 kill -9 mid payment-intent', async () => {
      const [victim, other, third] = c.instances;
      const { token } = await newCheckout();
      c.emu.faults.enqueue({ kind: 'hang', count: 1, method: 'POST', path: '/v1/payment_intents' });
      const seen = c.emu.requests.length;
      const dying = intentAt(victim, token).catch((err: Error) => err);
      const deadline = Date.now() + 10_000;
      while (!c.emu.requests.slice(seen).some((r) => r.path === '/v1/payment_intents' && r.fault === 'hang')) {
        assert.ok(Date.now() < deadline, 'the create never reached the emulator');
        await sleep(20);
      }
      await victim.kill9();
      assert.ok((await dying) instanceof Error, 'the killed instance answered');
      try {
        const t0 = Date.now();
        let served: Answer | undefined;
        const tries: string[] = [];
        while (Date.now() - t0 < 40_000) {
          const a = await intentAt(other, token);
          if (a.status === 200) {
            served = a;
            break;
          }
          tries.push(String(a.status));
          assert.ok(a.status < 500 || a.status === 503, a.text);
          await sleep(250);
        }
        assert.ok(served, `never served: ${tries.join(',')}`);
        timings.push(`  6: served by ${other.name} after ${((Date.now() - t0) / 1000).toFixed(1)} s (${tries.length} refusals)`);
        const again = await intentAt(third, token);
        assert.equal(again.body.payment_intent_id, served.body.payment_intent_id);
        assert.equal((await confirmWithCard(c.emu, served.body.publishable_key, served.body, CARD)).body.status, 'succeeded');
        const done = await call(third.url, 'POST', `/api/checkout/${token}/complete`, { payment_intent_id: served.body.payment_intent_id });
        assert.equal(done.status, 200, done.text);
        assert.equal((await ordersOf(served.body.payment_intent_id)).length, 1);
      } finally {
        c.emu.faults.clear();
        await victim.start();
      }
    }));

  it('7. a rolling restart of all three under steady cart and payment traffic → no order lost, no 5xx from instances that are up', () =>
    timed('7 rolling restart', async () => {
      await c.emu.webhooks.idle();
      const firstDelivery = c.emu.webhooks.deliveries.length;
      const violations: string[] = [];
      const paid: string[] = [];
      let retried = 0;
      let flows = 0;
      let running = true;
      /** One request on an instance that is up now; retried elsewhere only on a network error of an instance that stopped meanwhile. */
      const send = async (method: string, path: string, body?: unknown): Promise<Answer> => {
        for (let attempt = 0; ; attempt++) {
          const up = c.instances.filter((i) => i.state === 'up');
          if (!up.length) {
            await sleep(50);
            continue;
          }
          const i = up[Math.floor(Math.random() * up.length)];
          try {
            const a = await call(i.url, method, path, body);
            if (a.status >= 500)
              violations.push(`${i.name} answered ${a.status} to ${method} ${path.replace(/chk_[^/]+|cart_[^/]+/, ':id')}: ${a.text.slice(0, 200)}`);
            return a;
          } catch (err) {
            if (i.state === 'up' || attempt > 20) {
              violations.push(`${i.name} (${i.state}) failed ${method} ${path}: ${(err as Error).message}`);
              throw err;
            }
            retried++;
          }
        }
      };
      const shopper = async () => {
        while (running) {
          const cart = await send('POST', `/api/stores/${storeId}/carts`);
          if (cart.status !== 201) continue;
          await send('POST', `/api/carts/${cart.body.id}/items`, { product_id: 'mug', quantity: 2 });
          const checkout = await send('POST', `/api/carts/${cart.body.id}/checkout`);
          if (checkout.status !== 201) continue;
          const intent = await send('POST', `/api/checkout/${checkout.body.token}/payment-intent`);
          if (intent.status !== 200) continue;
          const confirmed = await confirmWithCard(c.emu, intent.body.publishable_key, intent.body, CARD);
          if (confirmed.body.status === 'succeeded') paid.push(intent.body.payment_intent_id);
          await send('POST', `/api/checkout/${checkout.body.token}/complete`, { payment_intent_id: intent.body.payment_intent_id });
          flows++;
        }
      };
      const traffic = Promise.all([shopper(), shopper(), shopper()]);
      try {
        await sleep(500);
        for (const i of c.instances) {
          const code = await i.stop();
          assert.equal(code, 0, `${i.name} exited with ${code}:\n${i.tail()}`);
          await i.start();
          await sleep(300);
        }
      } finally {
        running = false;
        await traffic;
      }
      await c.emu.webhooks.idle();
      const list = await allOrders();
      const byIntent = new Map<string, number>();
      for (const o of list) byIntent.set(o.payment_intent_id, (byIntent.get(o.payment_intent_id) ?? 0) + 1);
      const lost = paid.filter((id) => byIntent.get(id) !== 1);
      timings.push(`  7: ${flows} flows, ${paid.length} paid, ${retried} retried network errors of stopping instances`);
      assert.ok(paid.length > 0, 'no traffic went through');
      assert.deepEqual(lost, [], 'payments without exactly one order');
      assert.deepEqual(violations, []);
      const attempts = c.emu.webhooks.deliveries.slice(firstDelivery);
      const delivered = new Set(attempts.filter((d) => d.ok).map((d) => d.eventId));
      const undelivered = [...new Set(attempts.map((d) => d.eventId))].filter((id) => !delivered.has(id));
      assert.deepEqual(undelivered, [], 'webhook events never delivered during the restart');
      timings.push(`  7: ${attempts.length} webhook attempts, ${attempts.filter((d) => !d.ok).length} failed and retried`);
    }));
});
