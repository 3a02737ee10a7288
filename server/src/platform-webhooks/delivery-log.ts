/**
 * The delivery log of an endpoint (what was sent, how it went, what is due) and redelivery: a platform that
 * lost an event, or fixed its receiver after the retries gave up, asks for it again. The routes
 * (routes/internal/webhook-endpoints.ts) parse and answer; this reads the storage and shapes the answer.
 */
import { errors } from '../errors';
import type { DeliveryLogEntry, Storage } from '../storage/port';
import { loadEndpoint } from './endpoints';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A delivery as the internal API answers it. */
export function deliveryJson(d: DeliveryLogEntry) {
  return {
    event_id: d.event_id,
    event_type: d.event_type,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    last_attempt_at: iso(d.last_attempt_at),
    next_attempt_at: iso(d.next_attempt_at),
    created_at: new Date(d.created_at).toISOString(),
  };
}

/** One page of an endpoint's deliveries, newest first: 404 for an unknown endpoint or `startingAfter`. */
export async function listDeliveries(deps: { storage: Storage }, endpointId: string, page: { limit: number; startingAfter?: string }) {
  await loadEndpoint(deps, endpointId);
  const found = await deps.storage.webhookDeliveries.listForEndpoint(endpointId, page);
  if (!found) throw errors.webhookDeliveryNotFound(page.startingAfter!);
  return { object: 'list' as const, data: found.data.map(deliveryJson), has_more: found.has_more };
}

/**
 * Sends an event to an endpoint again, as soon as the worker gets to it: the delivery becomes pending and due
 * now, delivered or failed before, its attempts kept (the log shows them all). A disabled endpoint gets it once
 * it is enabled again.
 */
export async function redeliver(deps: { storage: Storage }, endpointId: string, eventId: string) {
  await loadEndpoint(deps, endpointId);
  const entry = await deps.storage.webhookDeliveries.redeliver(endpointId, eventId);
  if (!entry) throw errors.webhookDeliveryNotFound(eventId);
  return deliveryJson(entry);
}
