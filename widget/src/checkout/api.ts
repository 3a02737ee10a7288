/** The checkout page's calls to its own origin's JSON API (`/api/checkout/:token/...`); bodies per server/src/wire.ts. */
import { ApiError, requestJson } from '../net/client';
import type { CheckoutDetailsInput, CheckoutView, CompleteAnswer, DetailsAnswer, Order, PaymentIntentAnswer } from '../../../server/src/wire';

/** The calls the page makes for `token`. */
export function checkoutApi(token: string) {
  const base = `/api/checkout/${encodeURIComponent(token)}`;
  const f = (u: string, i?: RequestInit) => fetch(u, i);
  return {
    view: () => requestJson<CheckoutView>(f, base),
    intent: () => requestJson<PaymentIntentAnswer>(f, `${base}/payment-intent`, 'POST', {}),
    details: (input: CheckoutDetailsInput) => requestJson<DetailsAnswer>(f, `${base}/details`, 'POST', input),
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
