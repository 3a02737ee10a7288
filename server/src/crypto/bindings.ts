import type { SealedValueRef } from '../storage/port';
import type { SealBinding, SealPurpose } from './seal';

/**
 * The binding of every sealed column: which store, purpose and row a box in it is sealed for. Call sites use
 * these rather than spelling out bindings, so a box is always sealed and opened for the same place.
 */

/** `stripe_connections.secret_key_sealed` of a store (the row is the store). */
export function secretKeyBinding(storeId: string): SealBinding {
  return { storeId, purpose: 'stripe_secret_key', rowId: storeId };
}

/** `stripe_connections.webhook_secret_sealed` of a store (the row is the store). */
export function webhookSecretBinding(storeId: string): SealBinding {
  return { storeId, purpose: 'stripe_webhook_secret', rowId: storeId };
}

/** `checkouts.sealed_client_secret` of a checkout session (the row is the session). */
export function clientSecretBinding(checkout: { id: string; store_id: string }): SealBinding {
  return { storeId: checkout.store_id, purpose: 'checkout_client_secret', rowId: checkout.id };
}

/**
 * The "store" of a platform webhook endpoint's boxes: an endpoint belongs to the platform, not to one store,
 * and no store id (a UUID) can be spelt like this.
 */
export const PLATFORM_BINDING_STORE = 'platform';

/**
 * `webhook_endpoints.secret_sealed` (current) or `.previous_secret_sealed` (previous) of an endpoint (the row is
 * the endpoint): the two columns have purposes of their own, so neither box opens in the other's place.
 */
export function webhookEndpointSecretBinding(endpointId: string, which: 'current' | 'previous'): SealBinding {
  const purpose = which === 'current' ? 'platform_webhook_secret' : 'platform_webhook_previous_secret';
  return { storeId: PLATFORM_BINDING_STORE, purpose, rowId: endpointId };
}

/** The purpose of each sealed column. */
export const PURPOSE_OF_COLUMN: Record<SealedValueRef['column'], SealPurpose> = {
  secret_key_sealed: 'stripe_secret_key',
  webhook_secret_sealed: 'stripe_webhook_secret',
  sealed_client_secret: 'checkout_client_secret',
  secret_sealed: 'platform_webhook_secret',
  previous_secret_sealed: 'platform_webhook_previous_secret',
};

/**
 * The binding of a value listed by the SealedValuesRepository (key rotation, the v1 upgrade). A retired
 * connection holds its former connection's boxes unchanged, so its row is the store too: a store's key
 * opens as that store's key in either table, and nowhere else. A webhook endpoint's row is the endpoint.
 */
export function bindingOf(value: SealedValueRef & { storeId: string }): SealBinding {
  const rowId = value.table === 'checkouts' || value.table === 'webhook_endpoints' ? value.rowId : value.storeId;
  return { storeId: value.storeId, purpose: PURPOSE_OF_COLUMN[value.column], rowId };
}
