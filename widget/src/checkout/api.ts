/** The checkout page's calls to its own origin's JSON API (`/api/checkout/:token/...`). */
import { ApiError, requestJson } from '../net/client';
import type { Order } from '../messages';

/** One frozen line of the session. */
export interface CheckoutLine {
  product_id: string;
  name: string;
  unit_amount: number;
  quantity: number;
  line_total: number;
}

/** The session as `GET /api/checkout/:token` answers (the server also embeds it in the page). */
export interface CheckoutView {
  store: { id?: string; name: string };
  items: CheckoutLine[];
  amount: number;
  currency: string;
  publishable_key: string | null;
  is_live_mode: boolean;
  status: 'open' | 'paid';
  expires_at?: string;
  order?: Order;
}

/** What `POST .../payment-intent` answers. */
export interface IntentAnswer {
  payment_intent_id: string;
  client_secret: string;
  publishable_key: string;
  amount: number;
  currency: string;
}

/** `/complete` either has the order or says the payment is still processing (202). */
export type CompleteAnswer = { order: Order } | { status: 'processing'; payment_intent_id: string };

/** The three calls the page makes for `token`. */
export function checkoutApi(token: string) {
  const base = `/api/checkout/${encodeURIComponent(token)}`;
  const f = (u: string, i?: RequestInit) => fetch(u, i);
  return {
    view: () => requestJson<CheckoutView>(f, base),
    intent: () => requestJson<IntentAnswer>(f, `${base}/payment-intent`, 'POST', {}),
    complete: (payment_intent_id: string) => requestJson<CompleteAnswer>(f, `${base}/complete`, 'POST', { payment_intent_id }),
  };
}

/** The API of one checkout session. */
export type CheckoutApi = ReturnType<typeof checkoutApi>;

/** Asks `/complete` until the order exists; a payment still processing is asked again a few times. */
export async function completeWithRetry(api: CheckoutApi, intentId: string, attempts = 6): Promise<Order> {
  for (let i = 0; i < attempts; i++) {
    const answer = await api.complete(intentId);
    if ('order' in answer) return answer.order;
    await new Promise((r) => setTimeout(r, 1000 * (i + 1)));
  }
  throw new ApiError('payment_processing', 'Your payment is still processing. You will get a confirmation shortly.');
}
