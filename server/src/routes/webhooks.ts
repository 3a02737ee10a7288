import Router from '@koa/router';
import Stripe from 'stripe';
import type { AppDeps } from '../app';
import { AppError } from '../errors';
import { readRawBody } from '../http/body';
import { applyStripeEvent } from '../checkout/webhook-events';

/** Stripe's event payloads (a charge with its refunds) can outgrow the ordinary body limit. */
const WEBHOOK_BODY_LIMIT = 512 * 1024;

const invalid = () => new AppError('webhook_signature_invalid', 400, 'Webhook signature is missing, wrong or too old');

/**
 * Incoming events from a store's own Stripe account. The signature is checked on the raw bytes with the
 * store's signing secret (opened only for this request) before anything is parsed or changed.
 */
export function webhookRoutes(deps: AppDeps, router = new Router({ sensitive: true })): Router {
  router.post('/stripe/webhooks/:store_id', async (ctx) => {
    const storeId = ctx.params.store_id!;
    const raw = await readRawBody(ctx, WEBHOOK_BODY_LIMIT);
    const sealed = deps.storage.stores.getWebhookSecretSealed(storeId);
    if (!sealed) throw invalid();
    let event: Stripe.Event;
    try {
      const secret = deps.sealer.open(storeId, sealed);
      // Tolerance uses the wall clock on purpose: signatures carry real time, whatever clock the app runs on.
      event = Stripe.webhooks.constructEvent(raw, ctx.get('Stripe-Signature'), secret);
    } catch {
      throw invalid();
    }
    if (!isEventShaped(event)) throw new AppError('invalid_webhook_event', 400, 'The event needs a string id and type and a data.object');
    const fresh = applyStripeEvent(deps, storeId, event);
    ctx.body = { received: true, duplicate: !fresh };
  });
  return router;
}

/** A signed body is still only bytes from outside: it must at least look like an event before we act on it. */
function isEventShaped(event: unknown): event is Stripe.Event {
  const e = event as { id?: unknown; type?: unknown; data?: { object?: unknown } } | null;
  return typeof e === 'object' && e !== null && !Array.isArray(e) && typeof e.id === 'string' && e.id !== ''
    && typeof e.type === 'string' && typeof e.data?.object === 'object' && e.data.object !== null;
}
