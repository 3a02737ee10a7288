// GET /openapi.json is kept true by driving every endpoint over HTTP against a real test server (success and
// representative errors) and validating each answer, status and JSON body, against the document with ajv
// (JSON Schema 2020-12, the dialect of OpenAPI 3.1), after the document itself passed the OpenAPI 3.1 schema
// (@seriousme/openapi-schema-validator). An endpoint the app's routers serve but the document lacks, or a
// documented one no router serves, fails; so does a documented operation this test never drives.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Router from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { signPayload, startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { createApp } from '../../server/src/app';
import { webhookSecretBinding } from '../../server/src/crypto/bindings';
import { ERROR_CATALOGUE } from '../../server/src/errors';
import { confirmWithCard, PRODUCTS } from '../support/shop';
import { startTestServer, type TestServer } from '../support/app';

type Json = Record<string, any>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A checked answer. */
interface Checked {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

const SHOP_ORIGIN = 'https://shop.example';
const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

describe('GET /openapi.json: the document and every real answer agree', () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let doc: Json;
  const ajv = new Ajv2020({ strictSchema: false, allErrors: true });
  addFormats.default(ajv);
  const validators = new Map<string, ValidateFunction>();
  /** `METHOD /template` → statuses checked. */
  const checked = new Map<string, Set<number>>();
  let answers = 0;

  const validatorAt = (pointer: string): ValidateFunction => {
    let v = validators.get(pointer);
    if (!v) {
      v = ajv.compile({ $ref: `openapi.json#${pointer}` });
      validators.set(pointer, v);
    }
    return v;
  };
  const explain = (v: ValidateFunction) => JSON.stringify(v.errors?.slice(0, 5), null, 1);

  /**
   * Calls `method template` (params substituted) and validates the answer against the document: the status must
   * be documented for the operation (or be the global 404/405), a JSON body must match its schema, and any other
   * answer must have one of the documented media types. A successful call's JSON request body is validated too.
   */
  async function api(
    method: Method,
    template: string,
    params: Record<string, string> = {},
    options: {
      query?: Record<string, string>;
      body?: unknown;
      form?: URLSearchParams;
      raw?: string;
      headers?: Record<string, string>;
      internal?: boolean;
    } = {},
  ): Promise<Checked> {
    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? assert.fail(`no ${name} for ${template}`)));
    const url = new URL(path, server.url);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { ...options.headers };
    if (options.internal) headers['X-Internal-Secret'] = server.internalSecret;
    let body: string | undefined;
    if (options.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = options.form.toString();
    } else if (options.raw !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = options.raw;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetch(url, { method: method.toUpperCase(), headers, body, redirect: 'manual' });
    const text = await res.text();
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    const answer: Checked = { status: res.status, headers: res.headers, body: type === 'application/json' && text ? JSON.parse(text) : null, text };

    const where = `${method.toUpperCase()} ${template} → ${res.status}`;
    const opPointer = `/paths/${escape(template)}/${method}`;
    const op = doc.paths[template]?.[method];
    let responsePointer: string;
    if (op?.responses[String(res.status)]) responsePointer = `${opPointer}/responses/${res.status}`;
    else if (res.status === 404 && answer.body?.error?.code === 'not_found') responsePointer = '/components/responses/NotFound';
    else if (res.status === 405) responsePointer = '/components/responses/MethodNotAllowed';
    else assert.fail(`${where}: the document has no such answer (${text.slice(0, 300)})`);
    const response = responsePointer
      .split('/')
      .slice(1)
      .reduce((o: any, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    const media = Object.keys(response.content ?? {});
    if (media.length === 0) assert.equal(text, '', `${where}: documented without a body`);
    else {
      assert.ok(media.includes(type), `${where}: answered ${type}, documented ${media.join(', ')}`);
      if (type === 'application/json') {
        const v = validatorAt(`${responsePointer}/content/application~1json/schema`);
        assert.ok(v(answer.body), `${where}: the body does not match the document: ${explain(v)}\n${text.slice(0, 500)}`);
      }
    }
    if (res.status < 300 && body !== undefined && options.body !== undefined) {
      const content = op.requestBody?.content?.['application/json'];
      assert.ok(content, `${where}: a JSON body was accepted but none is documented`);
      const v = validatorAt(`${opPointer}/requestBody/content/application~1json/schema`);
      assert.ok(v(options.body), `${where}: the accepted request does not match its documented schema: ${explain(v)}`);
    }
    if (op) {
      const key = `${method.toUpperCase()} ${template}`;
      checked.set(key, (checked.get(key) ?? new Set()).add(res.status));
    }
    answers++;
    return answer;
  }

  before(async () => {
    emu = await startStripeEmulator({ port: 0, webhookRetryBaseMs: 50 });
    server = await startTestServer({ emulator: emu });
    const res = await fetch(`${server.url}/openapi.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
    doc = (await res.json()) as Json;
    ajv.addSchema(doc, 'openapi.json');
  });
  after(async () => {
    await server?.destroy();
    await emu?.close();
  });

  it('is a valid OpenAPI 3.1 document with the internal security scheme and every catalogue code', async () => {
    const result = await new Validator().validate(doc);
    assert.ok(result.valid, `not a valid OpenAPI document: ${JSON.stringify(result.errors, null, 1)?.slice(0, 2000)}`);
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.components.securitySchemes.internalSecret, {
      type: 'apiKey',
      in: 'header',
      name: 'X-Internal-Secret',
      description: doc.components.securitySchemes.internalSecret.description,
    });
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const op of Object.values<Json>(item)) {
        assert.equal(
          path.startsWith('/api/internal/'),
          (op.security ?? []).some((s: Json) => 'internalSecret' in s),
          `${path}: security`,
        );
      }
    }
    const documented = new Set(
      JSON.stringify(doc)
        .match(/"enum":\[[^\]]*\]/g)!
        .flatMap((e) => JSON.parse(e.slice(7)) as string[]),
    );
    const missing = ERROR_CATALOGUE.map((e) => e.code).filter((c) => !documented.has(c));
    assert.deepEqual(missing, [], 'every code of the error catalogue is answered by some documented endpoint');
  });

  it('documents exactly the routes the app serves', () => {
    const app = createApp(server.deps);
    const served = new Set<string>();
    for (const mw of app.middleware) {
      const router = (mw as { router?: Router }).router;
      for (const layer of router?.stack ?? []) {
        if (layer.methods.length === 0) continue; // router.use middleware
        const path = String(layer.path).replace(/:(\w+)/g, '{$1}');
        // router.all() routes (the public status) take GET; the others their own methods; HEAD follows GET
        // and OPTIONS preflights are CORS, not operations.
        const methods = layer.methods.length > 10 ? ['GET'] : layer.methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
        for (const m of methods) served.add(`${m} ${path}`);
      }
    }
    const inDocument = new Set(Object.entries<Json>(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`)));
    assert.deepEqual(
      [...served].filter((e) => !inDocument.has(e)),
      [],
      'served but missing from /openapi.json',
    );
    assert.deepEqual(
      [...inDocument].filter((e) => !served.has(e)),
      [],
      'documented but not served',
    );
    assert.ok(served.size >= 30);
  });

  it('every endpoint answers as documented, in success and in error', async () => {
    // ---- meta and probes ----
    await api('get', '/openapi.json');
    await api('get', '/healthz');
    await api('get', '/readyz');
    await api('get', '/no/such/endpoint');

    // ---- stores (internal) ----
    assert.equal((await api('post', '/api/internal/stores', {}, { body: { name: 'X' } })).status, 401);
    const store = (
      await api('post', '/api/internal/stores', {}, { internal: true, body: { name: 'OpenAPI Shop', allowed_origins: [SHOP_ORIGIN], default_currency: 'EUR' } })
    ).body;
    assert.equal((await api('post', '/api/internal/stores', {}, { internal: true, body: { id: store.id, name: 'Again' } })).body.error.code, 'store_exists');
    assert.equal((await api('post', '/api/internal/stores', {}, { internal: true, body: { name: 'X', colour: 'red' } })).status, 400);
    assert.equal((await api('post', '/api/internal/stores', {}, { internal: true, raw: '{nope' })).body.error.code, 'invalid_json');
    const id = { id: store.id };
    assert.equal((await api('get', '/api/internal/stores/{id}', id, { internal: true })).status, 200);
    assert.equal((await api('get', '/api/internal/stores/{id}', { id: 'nope' }, { internal: true })).status, 400);
    assert.equal((await api('get', '/api/internal/stores/{id}', { id: '0c5e2a7e-61a4-4c2b-9d7e-5b0f0a3c9b11' }, { internal: true })).status, 404);
    assert.equal((await api('patch', '/api/internal/stores/{id}', id, { internal: true, body: { name: 'OpenAPI Shop' } })).status, 200);
    assert.equal((await api('get', '/api/internal/stores/{id}/stripe-status', id, { internal: true })).body.has_stripe, false);

    // ---- catalog and shipping (internal) ----
    assert.equal((await api('put', '/api/internal/stores/{id}/products', id, { internal: true, body: { products: PRODUCTS } })).status, 200);
    const mixed = { products: [{ id: 'dollar', name: 'Dollar thing', unit_amount: 100, currency: 'usd' }] };
    assert.equal((await api('put', '/api/internal/stores/{id}/products', id, { internal: true, body: mixed })).body.error.code, 'currency_mismatch');
    await api('get', '/api/internal/stores/{id}/products', id, { internal: true });
    const beans = { ...PRODUCTS[0], id: 'stocked-beans', stock: 5 };
    assert.equal((await api('put', '/api/internal/stores/{id}/products', id, { internal: true, body: { products: [beans] } })).body.data.at(-1).available, 5);
    const stock = '/api/internal/stores/{id}/products/{product_id}/stock';
    const beansPath = { ...id, product_id: beans.id };
    assert.equal((await api('post', stock, beansPath, { internal: true, body: { adjust: 2 } })).body.stock, 7);
    assert.equal((await api('post', stock, beansPath, { internal: true, body: { adjust: -100 } })).body.error.stock, 7);
    assert.equal((await api('post', stock, beansPath, { internal: true, body: { adjust: 0 } })).status, 400);
    await api('get', '/api/stores/{store_id}/products', { store_id: store.id });
    assert.equal((await api('get', '/api/internal/stores/{id}/shipping', id, { internal: true })).body.shipping, null);
    const settings = {
      countries: ['US', 'de'],
      rates: [
        { id: 'standard', display_name: 'Standard', amount: 500, free_over: 100_000, delivery_estimate: { min_days: 3, max_days: 5 } },
        { id: 'heavy', display_name: 'Freight', amount: 900, countries: ['US'], weight_bands: [{ min_grams: 0, max_grams: null, amount: 900 }] },
      ],
    };
    assert.equal((await api('put', '/api/internal/stores/{id}/shipping', id, { internal: true, body: settings })).status, 200);
    const badRates = { countries: ['US'], rates: [{ id: 'x', display_name: 'X', amount: -1 }] };
    assert.equal((await api('put', '/api/internal/stores/{id}/shipping', id, { internal: true, body: badRates })).body.error.code, 'invalid_shipping_settings');

    // ---- tax settings (internal) ----
    assert.equal((await api('get', '/api/internal/stores/{id}/tax', id, { internal: true })).body.tax, null);
    const taxRates = {
      mode: 'rates',
      tax_shipping: true,
      rates: [{ country: 'us', state: 'ca', percentage: 7.25, inclusive: false, display_name: 'Sales tax' }],
    };
    assert.equal((await api('put', '/api/internal/stores/{id}/tax', id, { internal: true, body: taxRates })).body.tax.rates[0].state, 'CA');
    assert.equal(
      (await api('put', '/api/internal/stores/{id}/tax', id, { internal: true, body: { mode: 'rates', rates: [] } })).body.error.code,
      'invalid_tax_settings',
    );
    assert.equal((await api('delete', '/api/internal/stores/{id}/tax', id, { internal: true })).body.tax, null);

    // ---- discount codes (internal) ----
    const discounts = '/api/internal/stores/{id}/discounts';
    const discount = (
      await api('post', discounts, id, { internal: true, body: { code: 'WELCOME10', percent_off: 10, product_ids: ['tee'], ends_at: '2030-01-01T00:00:00Z' } })
    ).body;
    assert.equal(
      (await api('post', discounts, id, { internal: true, body: { code: 'welcome10', amount_off: 500, currency: 'eur' } })).body.error.code,
      'discount_code_taken',
    );
    assert.equal((await api('post', discounts, id, { internal: true, body: { code: 'X', percent_off: 10 } })).body.error.code, 'invalid_discount');
    assert.equal((await api('get', discounts, id, { internal: true })).body.data[0].id, discount.id);
    const oneDiscount = { ...id, discount_id: discount.id as string };
    assert.equal((await api('get', `${discounts}/{discount_id}`, oneDiscount, { internal: true })).body.code, 'WELCOME10');
    assert.equal((await api('get', `${discounts}/{discount_id}`, { ...id, discount_id: 'disc_nope' }, { internal: true })).status, 404);
    assert.equal(
      (await api('patch', `${discounts}/{discount_id}`, oneDiscount, { internal: true, body: { active: false, min_subtotal: 1000 } })).body.active,
      false,
    );
    assert.equal((await api('patch', `${discounts}/{discount_id}`, oneDiscount, { internal: true, body: { percent_off: 0 } })).status, 422);

    // ---- connecting Stripe: link, form, success page ----
    const acct = emu.createAccount('OpenAPI Shop');
    const link = new URL(
      (await api('post', '/api/internal/stores/{id}/connect-link', id, { internal: true, body: { return_url: 'https://platform.example/stores/1' } })).body.url,
    );
    const linkQuery = Object.fromEntries(link.searchParams);
    assert.equal((await api('get', '/stripe/connect', {}, { query: linkQuery })).status, 200);
    assert.equal((await api('get', '/stripe/connect', {}, { query: { ...linkQuery, signature: '0'.repeat(64) } })).status, 403);
    const form = (keys: { publishable: string; secret: string }) =>
      new URLSearchParams({ ...linkQuery, publishable_key: keys.publishable, secret_key: keys.secret });
    const refused = await api(
      'post',
      '/stripe/connect',
      {},
      { form: form({ publishable: 'pk_nope', secret: 'sk_nope' }), headers: { Accept: 'application/json' } },
    );
    assert.equal(refused.status, 422);
    assert.equal((await api('post', '/stripe/connect', {}, { form: form({ publishable: 'pk_nope', secret: 'sk_nope' }) })).status, 422); // the form again, HTML
    const connected = await api('post', '/stripe/connect', {}, { form: form(acct.keys.test) });
    assert.equal(connected.status, 303);
    const success = new URL(connected.headers.get('location')!, server.url);
    assert.equal((await api('get', '/stripe/success/{store_id}', { store_id: store.id }, { query: Object.fromEntries(success.searchParams) })).status, 200);
    assert.equal((await api('get', '/stripe/success/{store_id}', { store_id: '0c5e2a7e-61a4-4c2b-9d7e-5b0f0a3c9b11' })).status, 404);
    assert.equal(
      (await api('post', '/stripe/connect', {}, { form: form(acct.keys.test), headers: { Accept: 'application/json' } })).body.error.code,
      'link_used',
    );
    assert.equal((await api('get', '/api/internal/stores/{id}/stripe-status', id, { internal: true })).body.has_stripe, true);
    await api('get', '/api/internal/stores/{id}/events', id, { internal: true });
    assert.equal((await api('get', '/stripe/status/{store_id}', { store_id: store.id })).body.has_stripe, true);
    assert.equal((await api('post', '/stripe/status/{store_id}', { store_id: store.id })).status, 405);
    assert.equal((await api('get', '/stripe/status/{store_id}', { store_id: 'nope' })).status, 400);

    // ---- carts ----
    assert.equal((await api('post', '/api/stores/{store_id}/carts', { store_id: '0c5e2a7e-61a4-4c2b-9d7e-5b0f0a3c9b11' })).status, 404);
    const newCart = async () =>
      (await api('post', '/api/stores/{store_id}/carts', { store_id: store.id }, { headers: { Origin: SHOP_ORIGIN } })).body.id as string;
    const cart = { id: await newCart() };
    assert.equal((await api('post', '/api/carts/{id}/checkout', cart)).body.error.code, 'cart_empty');
    assert.equal((await api('post', '/api/carts/{id}/items', cart, { body: { product_id: 'tee', quantity: 2 } })).status, 200);
    assert.equal((await api('post', '/api/carts/{id}/items', cart, { body: { product_id: 'nope' } })).body.error.code, 'product_not_found');
    assert.equal((await api('post', '/api/carts/{id}/items', cart, { body: { product_id: 'tee', quantity: 1.5 } })).body.error.code, 'invalid_quantity');
    assert.equal((await api('post', '/api/carts/{id}/items', cart, { body: { product_id: 'mug', quantity: 1 } })).status, 200);
    assert.equal((await api('patch', '/api/carts/{id}/items/{product_id}', { ...cart, product_id: 'tee' }, { body: { quantity: 1 } })).status, 200);
    assert.equal((await api('delete', '/api/carts/{id}/items/{product_id}', { ...cart, product_id: 'mug' })).status, 200);
    assert.equal((await api('get', '/api/carts/{id}', cart)).body.requires_shipping, true);
    assert.equal((await api('get', '/api/carts/{id}', { id: 'cart_nope' })).status, 404);
    assert.equal((await api('put', '/api/carts/{id}', cart)).status, 405);
    assert.equal((await api('post', discounts, id, { internal: true, body: { code: 'TENOFF', percent_off: 10 } })).status, 201);
    assert.equal((await api('post', '/api/carts/{id}/discount', cart, { body: { code: 'welcome10' } })).body.error.code, 'discount_not_found');
    assert.equal((await api('post', '/api/carts/{id}/discount', cart, { body: { code: 7 } })).status, 400);
    assert.equal((await api('post', '/api/carts/{id}/discount', cart, { body: { code: 'tenoff' } })).body.discount.code, 'TENOFF');
    assert.equal((await api('delete', '/api/carts/{id}/discount', cart)).body.discount, null);
    const session = (await api('post', '/api/carts/{id}/checkout', cart)).body;
    const token = { token: session.token as string };

    // ---- the checkout page and its API ----
    await api('get', '/checkout/{token}', token);
    assert.equal((await api('get', '/checkout/{token}', { token: 'nope' })).status, 404);
    assert.equal((await api('get', '/api/checkout/{token}', { token: 'x'.repeat(43) })).status, 404);
    assert.equal((await api('get', '/api/checkout/{token}', token)).body.status, 'open');
    assert.equal((await api('post', '/api/checkout/{token}/details', token, { body: { email: 'nope' } })).body.error.code, 'invalid_email');
    const noShip = { shipping: { name: 'Ada', address: { line1: '1 Main St', city: 'Paris', postal_code: '75001', country: 'FR' } } };
    assert.equal((await api('post', '/api/checkout/{token}/details', token, { body: noShip })).body.error.code, 'shipping_country_unsupported');
    const details = {
      email: 'ada@example.com',
      shipping: {
        name: 'Ada Lovelace',
        phone: null,
        address: { line1: '1 Main St', line2: null, city: 'Arlington', state: 'VA', postal_code: '22201', country: 'US' },
      },
      shipping_rate_id: 'standard',
    };
    assert.equal((await api('post', '/api/checkout/{token}/details', token, { body: details })).body.details.complete, true);
    // An endpoint listening before the order is paid, for the delivery log below.
    const listening = { url: 'http://127.0.0.1:9/log', event_types: ['order.paid'], store_ids: [store.id] };
    const logged = { id: (await api('post', '/api/internal/webhook-endpoints', {}, { internal: true, body: listening })).body.id as string };
    const intent = (await api('post', '/api/checkout/{token}/payment-intent', token)).body;
    assert.equal(
      (await api('post', '/api/checkout/{token}/complete', token, { body: { payment_intent_id: intent.payment_intent_id } })).body.error.code,
      'payment_incomplete',
    );
    assert.equal(
      (await api('post', '/api/checkout/{token}/complete', token, { body: { payment_intent_id: 'pi_someone_elses' } })).body.error.code,
      'payment_intent_mismatch',
    );
    assert.equal((await api('post', '/api/checkout/{token}/complete', token, { body: { payment_intent_id: 'nope' } })).status, 400);
    await confirmWithCard(emu, intent.publishable_key, intent, '4000000000000002');
    assert.equal(
      (await api('post', '/api/checkout/{token}/complete', token, { body: { payment_intent_id: intent.payment_intent_id } })).body.error.code,
      'payment_failed',
    );
    await confirmWithCard(emu, intent.publishable_key, intent, '4242424242424242');
    const paid = (await api('post', '/api/checkout/{token}/complete', token, { body: { payment_intent_id: intent.payment_intent_id } })).body.order;
    assert.equal((await api('get', '/api/checkout/{token}', token)).body.order.id, paid.id);
    assert.equal((await api('post', '/api/checkout/{token}/details', token, { body: { email: 'grace@example.com' } })).body.error.code, 'details_locked');
    assert.equal((await api('get', '/api/carts/{id}', cart)).body.error.code, 'cart_closed');

    // A delayed (SEPA) payment: /complete answers 202 while it is processing.
    const sepaCart = { id: await newCart() };
    await api('post', '/api/carts/{id}/items', sepaCart, { body: { product_id: 'poster' } });
    const sepa = { token: (await api('post', '/api/carts/{id}/checkout', sepaCart)).body.token as string };
    const sepaIntent = (await api('post', '/api/checkout/{token}/payment-intent', sepa)).body;
    const confirmed = await fetch(`${emu.url}/v1/payment_intents/${sepaIntent.payment_intent_id}/confirm`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${acct.keys.test.secret}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'payment_method=pm_sepaDebit_processing',
    });
    assert.equal(((await confirmed.json()) as Json).status, 'processing');
    assert.equal((await api('post', '/api/checkout/{token}/complete', sepa, { body: { payment_intent_id: sepaIntent.payment_intent_id } })).status, 202);

    // ---- orders (internal) ----
    assert.equal((await api('get', '/api/internal/stores/{id}/orders', id, { internal: true, query: { limit: '5' } })).body.data[0].id, paid.id);
    assert.equal((await api('get', '/api/internal/stores/{id}/orders', id, { internal: true, query: { starting_after: 'ord_nope' } })).status, 404);
    assert.equal((await api('get', '/api/internal/stores/{id}/orders', id, { internal: true, query: { limit: '0' } })).status, 400);
    assert.equal((await api('get', '/api/internal/orders/{id}', { id: paid.id }, { internal: true })).body.shipping.rate.id, 'standard');
    assert.equal((await api('get', '/api/internal/orders/{id}', { id: 'ord_nope' }, { internal: true })).status, 404);

    // ---- the platform's webhook endpoints (internal) ----
    const endpoints = '/api/internal/webhook-endpoints';
    const created = await api(
      'post',
      endpoints,
      {},
      { internal: true, body: { url: 'http://127.0.0.1:9/hooks', event_types: ['order.paid'], store_ids: [store.id] } },
    );
    assert.equal(created.status, 201);
    const ep = { id: created.body.id as string };
    assert.equal((await api('post', endpoints, {}, { internal: true, body: { url: 'ftp://x', event_types: ['order.paid'] } })).status, 400);
    assert.ok((await api('get', endpoints, {}, { internal: true })).body.data.some((e: Json) => e.id === ep.id));
    assert.equal((await api('get', `${endpoints}/{id}`, ep, { internal: true })).body.url, 'http://127.0.0.1:9/hooks');
    assert.equal((await api('get', `${endpoints}/{id}`, { id: 'we_nope' }, { internal: true })).status, 404);
    assert.equal((await api('patch', `${endpoints}/{id}`, ep, { internal: true, body: { enabled: false } })).body.enabled, false);
    assert.equal((await api('patch', `${endpoints}/{id}`, ep, { internal: true, body: { event_types: ['order.shipped'] } })).status, 400);
    assert.equal((await api('patch', `${endpoints}/{id}`, { id: 'we_nope' }, { internal: true, body: {} })).status, 404);
    assert.match((await api('post', `${endpoints}/{id}/rotate-secret`, ep, { internal: true })).body.secret, /^whsec_/);
    assert.equal((await api('post', `${endpoints}/{id}/rotate-secret`, { id: 'we_nope' }, { internal: true })).status, 404);
    const log = (await api('get', `${endpoints}/{id}/deliveries`, logged, { internal: true, query: { limit: '5' } })).body;
    assert.deepEqual([log.data[0].event_type, log.has_more], ['order.paid', false]);
    const deliveryOf = { ...logged, event_id: log.data[0].event_id as string };
    assert.equal((await api('get', `${endpoints}/{id}/deliveries`, logged, { internal: true, query: { starting_after: 'evt_nope' } })).status, 404);
    assert.equal((await api('get', `${endpoints}/{id}/deliveries`, logged, { internal: true, query: { limit: '0' } })).status, 400);
    assert.equal((await api('get', `${endpoints}/{id}/deliveries`, { id: 'we_nope' }, { internal: true })).status, 404);
    assert.equal((await api('post', `${endpoints}/{id}/deliveries/{event_id}/redeliver`, deliveryOf, { internal: true })).body.status, 'pending');
    assert.equal((await api('post', `${endpoints}/{id}/deliveries/{event_id}/redeliver`, { ...logged, event_id: 'evt_nope' }, { internal: true })).status, 404);
    assert.equal(
      (await api('post', `${endpoints}/{id}/deliveries/{event_id}/redeliver`, { id: 'we_nope', event_id: 'evt_nope' }, { internal: true })).status,
      404,
    );
    assert.equal((await api('delete', `${endpoints}/{id}`, logged, { internal: true })).body.deleted, true);
    assert.equal((await api('delete', `${endpoints}/{id}`, ep, { internal: true })).body.deleted, true);
    assert.equal((await api('delete', `${endpoints}/{id}`, ep, { internal: true })).status, 404);

    // ---- webhooks ----
    await emu.webhooks.idle();
    const delivered = emu.webhooks.deliveries.find((d) => d.eventType === 'payment_intent.succeeded' && d.ok);
    assert.ok(delivered, 'the emulator delivered payment_intent.succeeded');
    const secret = server.deps.sealer.open(webhookSecretBinding(store.id), (await server.deps.storage.stores.getWebhookSecretSealed(store.id))!);
    const now = Math.floor(Date.now() / 1000);
    const hook = (raw: string, signature: string) =>
      api('post', '/stripe/webhooks/{store_id}', { store_id: store.id }, { raw, headers: { 'Stripe-Signature': signature } });
    assert.equal((await hook(delivered.payload, signPayload(secret, delivered.payload, now))).body.duplicate, true);
    assert.equal((await hook(delivered.payload, 't=1,v1=abc')).body.error.code, 'webhook_signature_invalid');
    assert.equal((await hook('{"hello":1}', signPayload(secret, '{"hello":1}', now))).body.error.code, 'invalid_webhook_event');

    // ---- bundles ----
    const widget = await api('get', '/widget.js');
    await api('get', '/widget.mjs');
    if (widget.status === 200) {
      const hashed = /<\/assets\/([^>]+)>/.exec(widget.headers.get('link') ?? '')![1];
      await api('get', '/assets/{file}', { file: hashed });
    }
    assert.equal((await api('get', '/assets/{file}', { file: 'widget.0000000000.js' })).status, 404);

    // ---- undoing ----
    assert.equal((await api('delete', '/api/internal/stores/{id}/shipping', id, { internal: true })).body.shipping, null);
    assert.equal((await api('delete', '/api/internal/stores/{id}/stripe', id, { internal: true })).body.has_stripe, false);
    assert.equal((await api('post', '/api/checkout/{token}/payment-intent', sepa)).status, 409);

    // Every documented operation was driven, and to a success unless the bundles are not built.
    const operations = Object.entries<Json>(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    assert.deepEqual(
      operations.filter((o) => !checked.has(o)),
      [],
      'documented operations this test never drove',
    );
    const unbuilt = widget.status === 503;
    const noSuccess = operations.filter((o) => ![...checked.get(o)!].some((s) => s < 400) && !(unbuilt && /widget|assets|checkout\/\{token\}$/.test(o)));
    assert.deepEqual(noSuccess, [], 'operations never answered with success');
    const statuses = [...checked.values()].reduce((n, s) => n + s.size, 0);
    process.stdout.write(
      `# openapi: ${operations.length} endpoints (${Object.keys(doc.paths).length} paths), ${answers} answers checked, ${statuses} documented statuses seen\n`,
    );
  });
});
