/**
 * A paid order with an email, an address and a shipping rate, made the way a shopper's checkout makes it (cart →
 * checkout → details → PaymentIntent → card confirmed at the Stripe emulator with the publishable key → complete),
 * for the BMOS dashboards' tests. Sets the store's shipping first. Needs a connected store with `productId`.
 */
import type { MerchantKeys } from './connect-form';

/** What payShippedOrder sends as the shopper's details. */
export const SHOPPER = {
  email: 'ada@example.com',
  shipping: {
    name: 'Ada Lovelace',
    phone: null,
    address: { line1: 'Unter den Linden 1', line2: 'Hinterhaus', city: 'Berlin', state: null, postal_code: '10117', country: 'DE' },
  },
};

/** One flat rate to the countries of the demo. */
export const FLAT_SHIPPING = {
  countries: ['US', 'CA', 'DE'],
  rates: [{ id: 'standard', display_name: 'Standard shipping', amount: 500, delivery_estimate: { min_days: 3, max_days: 5 } }],
};

export async function payShippedOrder(opts: {
  serverUrl: string;
  internalSecret: string;
  emulatorUrl: string;
  storeId: string;
  productId: string;
  origin: string;
  keys: MerchantKeys;
}): Promise<{ id: string; amount: number }> {
  const json = async <T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const answer = await fetch(opts.serverUrl + path, {
      method,
      headers: { 'Content-Type': 'application/json', Origin: opts.origin, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  await json('PUT', `/api/internal/stores/${opts.storeId}/shipping`, FLAT_SHIPPING, { 'X-Internal-Secret': opts.internalSecret });
  const cart = await json<{ id: string }>('POST', `/api/stores/${opts.storeId}/carts`, {});
  await json('POST', `/api/carts/${cart.id}/items`, { product_id: opts.productId, quantity: 1 });
  const { token } = await json<{ token: string }>('POST', `/api/carts/${cart.id}/checkout`, {});
  await json('POST', `/api/checkout/${token}/details`, { ...SHOPPER, shipping_rate_id: 'standard' });
  const intent = await json<{ payment_intent_id: string; client_secret: string }>('POST', `/api/checkout/${token}/payment-intent`, {});
  const form = new URLSearchParams({
    client_secret: intent.client_secret,
    'payment_method_data[type]': 'card',
    'payment_method_data[card][number]': '4242424242424242',
    'payment_method_data[card][exp_month]': '12',
    'payment_method_data[card][exp_year]': String(new Date().getFullYear() + 3),
    'payment_method_data[card][cvc]': '123',
  });
  const confirmed = await fetch(`${opts.emulatorUrl}/v1/payment_intents/${intent.payment_intent_id}/confirm`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${opts.keys.publishable}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  if (!confirmed.ok) throw new Error(`confirm answered ${confirmed.status}: ${await confirmed.text()}`);
  const { order } = await json<{ order: { id: string; amount: number } }>('POST', `/api/checkout/${token}/complete`, {
    payment_intent_id: intent.payment_intent_id,
  });
  return order;
}
