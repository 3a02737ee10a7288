/** A store and its Stripe connection as the internal API and the platform's events show them. */
import type { Store, StripeConnection } from '../storage/port';
import { canTakePayments } from './connection';

/** The store as the internal API answers it. */
export function storeJson(s: Store) {
  return {
    id: s.id,
    name: s.name,
    allowed_origins: s.allowed_origins,
    default_currency: s.default_currency,
    created_at: new Date(s.created_at).toISOString(),
    updated_at: new Date(s.updated_at).toISOString(),
  };
}

/** The internal stripe-status answer; never carries key material. */
export function stripeStatusJson(storeId: string, conn: StripeConnection | null) {
  return {
    store_id: storeId,
    has_stripe: canTakePayments(conn),
    is_live_mode: conn?.livemode ?? false,
    account_id: conn?.account_id ?? null,
    account_name: conn?.account_name ?? null,
    key_type: conn?.key_type ?? null,
    key_status: conn?.key_status ?? null,
    webhooks: conn?.webhook_endpoint_id != null,
    connected_at: conn ? new Date(conn.connected_at).toISOString() : null,
    last_error: conn?.last_error ?? null,
  };
}
