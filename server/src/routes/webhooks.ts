import Router from '@koa/router';
import Stripe from 'stripe';
import { webhookSecretBinding } from '../crypto/bindings';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import { readRawBody } from '../http/body';
import { applyStripeEvent } from '../payments/webhook-events';

/** Stripe's event payloads (a charge with its refunds) can outgrow the ordinary body limit. */
const WEBHOOK_BODY_LIMIT = 512 * 1024;

/**
 * Incoming events from a store's own Stripe account. The signature is checked on the raw bytes with the
 * store's signing secret (opened only for this request) before anything is parsed or changed.
 */
export function webhooksRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });
  router.post('/stripe/webhooks/:store_id', async (ctx) => {
    const storeId = ctx.params.store_id;
    // Before the body is read: a path that names no store with a webhook secret costs no 512 KB buffer.
    const sealed = await webhookSecretsOf(deps, storeId);
    if (sealed.length === 0) throw errors.webhookSignatureInvalid();
    const raw = await readRawBody(ctx, WEBHOOK_BODY_LIMIT);
    const signed = verified(deps, storeId, sealed, raw, ctx.get('Stripe-Signature'));
    if (!signed) throw errors.webhookSignatureInvalid();
    const { event } = signed;
    if (!isEventShaped(event)) throw errors.invalidWebhookEvent();
    const fresh = await applyStripeEvent(deps, storeId, event);
    ctx.body = { received: true, duplicate: !fresh };
  });
  return router;
}

/**
 * The sealed signing secrets events of this store may carry: the current endpoint's, then those of retired
 * connections still followed for processing payments (their endpoints post to the same URL).
 */
async function webhookSecretsOf(deps: AppDeps, storeId: string): Promise<string[]> {
  const current = await deps.storage.stores.getWebhookSecretSealed(storeId);
  const retired = await deps.storage.stores.listRetiredConnections(storeId);
  return [current, ...retired.map((r) => r.webhook_secret_sealed)].filter((s): s is string => s !== null);
}

/** The event, if the signature verifies with one of the secrets (each opened only for this check). */
function verified(deps: AppDeps, storeId: string, sealed: string[], raw: string, signature: string): { event: unknown } | null {
  for (const box of sealed) {
    try {
      const secret = deps.sealer.open(webhookSecretBinding(storeId), box);
      // Tolerance uses the wall clock on purpose: signatures carry real time, whatever clock the app runs on.
      return { event: Stripe.webhooks.constructEvent(raw, signature, secret) };
    } catch {
      // not this secret (or not a valid signature at all): try the next
    }
  }
  return null;
}

/** A signed body is still only bytes from outside: it must at least look like an event before we act on it. */
function isEventShaped(event: unknown): event is Stripe.Event {
  const e = event as { id?: unknown; type?: unknown; data?: { object?: unknown } } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    !Array.isArray(e) &&
    typeof e.id === 'string' &&
    e.id !== '' &&
    typeof e.type === 'string' &&
    typeof e.data?.object === 'object' &&
    e.data.object !== null
  );
}
