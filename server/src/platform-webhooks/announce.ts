/**
 * The platform's events as the domain announces them: what each change reports, and to whom. The storage
 * use-cases (orders, stores) call these inside their transactions with what they wrote, and store the event
 * with its deliveries (storage/shared/outbox.ts), so a change committed always has its event.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { stripeStatusJson } from '../connect/views';
import type { Announce, Order, OutboxEvent, StripeConnection, WebhookEndpoint } from '../storage/port';
import type { EventType } from './events';

/** A new event id: `evt_` and 128 random bits (receivers dedupe on it: it is the `webhook-id`). */
export function newEventId(): string {
  return `evt_${randomBytes(16).toString('base64url')}`;
}

/** Whether `endpoint` receives events of `type` for `storeId`: enabled, the type asked for, and the store (or every store). */
export function subscribes(endpoint: WebhookEndpoint, type: EventType, storeId: string): boolean {
  return endpoint.enabled && endpoint.event_types.includes(type) && (endpoint.store_ids === null || endpoint.store_ids.includes(storeId));
}

function event(clock: Clock, type: EventType, storeId: string, object: unknown): OutboxEvent {
  return {
    id: newEventId(),
    type,
    store_id: storeId,
    created_at: clock.now(),
    payload: JSON.stringify(object),
    subscribes: (endpoint) => subscribes(endpoint, type, storeId),
  };
}

/** `order.paid`: the new order, as GET /api/internal/orders/{id} shows it. */
export function orderPaid(clock: Clock): Announce<Order> {
  return (order) => event(clock, 'order.paid', order.store_id, order);
}

/**
 * `order.refunded`: the order after a refund (`amount_refunded`, and `status` refunded when in full or
 * partially_refunded). Nothing when the refund reported is older than what the order already shows (Stripe
 * may deliver a smaller partial refund after a larger one: it changed nothing).
 */
export function orderRefunded(clock: Clock, amountRefunded: number): Announce<Order> {
  return (order) => (order.amount_refunded > amountRefunded ? null : event(clock, 'order.refunded', order.store_id, order));
}

/** `store.stripe.connected`: the store's stripe-status after a (re)connection. */
export function storeConnected(clock: Clock): Announce<StripeConnection> {
  return (conn) => event(clock, 'store.stripe.connected', conn.store_id, stripeStatusJson(conn.store_id, conn));
}

/** `store.stripe.keys_invalid`: the stripe-status once Stripe refused the stored key (key_status invalid, last_error why). */
export function storeKeysInvalid(clock: Clock): Announce<StripeConnection> {
  return (conn) => event(clock, 'store.stripe.keys_invalid', conn.store_id, stripeStatusJson(conn.store_id, conn));
}

/** `store.stripe.disconnected`: the stripe-status after (no Stripe) and the account that was removed. */
export function storeDisconnected(clock: Clock): Announce<StripeConnection> {
  return (removed) =>
    event(clock, 'store.stripe.disconnected', removed.store_id, { ...stripeStatusJson(removed.store_id, null), previous_account_id: removed.account_id });
}
