// Helpers for the payment-flow tests: a connected store with a catalog, JSON calls to the app, and card
// confirmation the way Stripe.js does it (publishable key + client_secret against the emulator).
import type { StripeEmulator } from '../../emulator/src/index';
import type { TestServer } from './app';

export type { TestServer };

/** A JSON answer: status, headers and parsed body. */
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Every answer body this test file received through `call`, for the secret-leak checks. */
export const transcript: string[] = [];

/** Calls the app with a JSON body (or none) and parses the answer. */
export async function call<T = any>(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  transcript.push(text, JSON.stringify(Object.fromEntries(res.headers)));
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** The demo catalog (EUR, minor units). */
export const PRODUCTS = [
  { id: 'tee', name: 'T-shirt', unit_amount: 2500, currency: 'eur' },
  { id: 'mug', name: 'Mug', unit_amount: 1200, currency: 'eur', max_quantity: 5 },
  { id: 'poster', name: 'Poster', unit_amount: 900, currency: 'eur' },
];

/** A store with a catalog, connected to a fresh emulator account with its test keys. */
export async function openShop(server: TestServer, emu: StripeEmulator, name = 'Demo Shop', options: { allowed_origins?: string[]; connect?: boolean } = {}) {
  const store = await server.createStore({ name, allowed_origins: options.allowed_origins ?? [] });
  const acct = emu.createAccount(name);
  if (options.connect !== false) await server.connectStore(store.id, acct.keys.test);
  const put = await internal(server, 'PUT', `/api/internal/stores/${store.id}/products`, { products: PRODUCTS });
  if (put.status !== 200) throw new Error(`catalog upload failed: ${put.text}`);
  return { store, acct };
}

/** Calls an internal endpoint with the platform's secret. */
export function internal<T = any>(server: TestServer, method: string, path: string, body?: unknown) {
  return call<T>(server.url, method, path, body, { 'X-Internal-Secret': server.internalSecret });
}

/** Makes a cart with the given lines and opens a checkout session for it. */
export async function checkoutFor(server: TestServer, storeId: string, lines: [string, number][] = [['tee', 2]]) {
  const cart = await call(server.url, 'POST', `/api/stores/${storeId}/carts`);
  for (const [product_id, quantity] of lines) {
    const added = await call(server.url, 'POST', `/api/carts/${cart.body.id}/items`, { product_id, quantity });
    if (added.status !== 200) throw new Error(`add failed: ${added.text}`);
  }
  const checkout = await call(server.url, 'POST', `/api/carts/${cart.body.id}/checkout`);
  if (checkout.status !== 201) throw new Error(`checkout failed: ${checkout.text}`);
  return { cartId: cart.body.id as string, token: checkout.body.token as string, checkout: checkout.body };
}

/** Confirms a PaymentIntent with a card number, as Stripe.js would from the checkout page. */
export async function confirmWithCard(
  emu: StripeEmulator,
  publishableKey: string,
  intent: { payment_intent_id: string; client_secret: string },
  number: string,
): Promise<Answer> {
  const form = new URLSearchParams({
    client_secret: intent.client_secret,
    'payment_method_data[type]': 'card',
    'payment_method_data[card][number]': number,
    'payment_method_data[card][exp_month]': '12',
    'payment_method_data[card][exp_year]': '2034',
    'payment_method_data[card][cvc]': '123',
  });
  return call(emu.url, 'POST', `/v1/payment_intents/${intent.payment_intent_id}/confirm`, form.toString(), {
    Authorization: `Bearer ${publishableKey}`,
    'Content-Type': 'application/x-www-form-urlencoded',
  });
}

/** Creates the session's PaymentIntent and pays it with `number`; returns the intent answer. */
export async function pay(server: TestServer, emu: StripeEmulator, token: string, number = '4242424242424242') {
  const intent = await call(server.url, 'POST', `/api/checkout/${token}/payment-intent`);
  if (intent.status !== 200) throw new Error(`payment-intent failed: ${intent.text}`);
  const confirmed = await confirmWithCard(emu, intent.body.publishable_key, intent.body, number);
  return { intent: intent.body, confirmed };
}

/** PaymentIntents the emulator created (successful POST /v1/payment_intents). */
export function createdIntents(emu: StripeEmulator) {
  return emu.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && r.status === 200 && !r.replayed);
}

/** Every PaymentIntent the emulator holds for a cart, as Stripe sees them (found by our metadata). */
export async function intentsOfCart(emu: Pick<StripeEmulator, 'url'>, secret: string, cartId: string): Promise<any[]> {
  const list = await fetch(`${emu.url}/v1/payment_intents?limit=100`, { headers: { Authorization: `Bearer ${secret}` } }).then((r) => r.json());
  return (list.data as any[]).filter((pi) => pi.metadata.cart_id === cartId);
}
