// Events: every change to a PaymentIntent, charge or refund becomes an `event` in the account's bucket and is
// handed to the webhook dispatcher for that account's endpoints.
import type Stripe from 'stripe';
import { API_VERSION, nowSeconds, type RequestContext } from './context';
import { newId } from './ids';

/** Records an event about `object` (a snapshot, so later changes do not alter it) and dispatches it. */
export function emitEvent(ctx: Pick<RequestContext, 'core' | 'caller' | 'requestId' | 'idempotencyKey'>, type: string, object: object): Stripe.Event {
  const { bucket } = ctx.caller;
  const event = {
    id: newId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: nowSeconds(ctx.core),
    // A JSON round trip is a faster deep copy than structuredClone for these plain objects.
    data: { object: JSON.parse(JSON.stringify(object)) as object },
    livemode: bucket.mode === 'live',
    pending_webhooks: 0,
    request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey ?? null },
    type,
  } as unknown as Stripe.Event;
  bucket.events.set(event.id, event);
  ctx.core.webhooks.dispatch(bucket, event);
  return event;
}
