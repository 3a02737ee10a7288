import { canTakePayments } from '../connect/connection';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { Store, StripeConnection } from '../storage/port';

/** Store ids are UUIDs (any version; platforms may bring their own), compared in lower case. */
export const STORE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Validates a store id from a URL; a malformed one is a 400 `invalid_request`. */
export function parseStoreId(raw: string | undefined): string {
  const id = (raw ?? '').toLowerCase();
  if (!STORE_ID_PATTERN.test(id)) throw errors.invalidRequest('store_id must be a UUID');
  return id;
}

/** Loads a store by the id in a URL: 400 when malformed, 404 `store_not_found` when unknown. */
export async function loadStore(deps: Pick<AppDeps, 'storage'>, raw: string | undefined): Promise<Store> {
  const store = await deps.storage.stores.get(parseStoreId(raw));
  if (!store) throw errors.storeNotFound();
  return store;
}

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
