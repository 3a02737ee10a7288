/** The events a platform's webhook endpoint may subscribe to. */
export const EVENT_TYPES = ['order.paid', 'order.refunded', 'store.stripe.connected', 'store.stripe.disconnected', 'store.stripe.keys_invalid'] as const;

/** One of the event types we send. */
export type EventType = (typeof EVENT_TYPES)[number];

/** How a delivery's body wraps an event: what a receiver reads (and verifies the signature over). */
export interface EventEnvelope {
  id: string;
  type: EventType;
  created_at: string;
  store_id: string;
  data: unknown;
}
