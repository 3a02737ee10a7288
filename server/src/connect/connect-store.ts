import type Stripe from 'stripe';
import { secretKeyBinding, webhookSecretBinding } from '../crypto/bindings';
import type { AppDeps } from '../deps';
import { settlePreviousConnection } from '../payments/sweep';
import type { Store, StripeConnection, UsedLink } from '../storage/port';
import { registerWebhook, verifyKeys } from '../stripe/verify-keys';

/** The keys a merchant entered in the connect form. */
export interface EnteredKeys {
  publishable: string;
  secret: string;
}

/**
 * Connects a store: verifies the keys with Stripe, registers the webhook endpoint on the merchant's account,
 * then seals and stores everything and burns the link in one transaction. Nothing is stored unless every
 * check passed. The endpoint of an earlier connection is deleted afterwards (best effort).
 */
export async function connectStore(
  deps: AppDeps,
  store: Store,
  keys: EnteredKeys,
  link: UsedLink,
): Promise<StripeConnection> {
  const verified = await verifyKeys(deps.stripe, keys.publishable, keys.secret, store.default_currency);
  const client = deps.stripe.forKey(keys.secret);
  const webhook = await registerWebhook(client, deps.config.publicUrl, store.id);
  const conn: StripeConnection = {
    store_id: store.id,
    account_id: verified.account_id,
    account_name: verified.account_name,
    publishable_key: keys.publishable,
    secret_key_sealed: deps.sealer.seal(secretKeyBinding(store.id), keys.secret),
    key_type: verified.key_type,
    livemode: verified.livemode,
    key_status: 'valid',
    webhook_endpoint_id: webhook.id,
    webhook_secret_sealed: webhook.id ? deps.sealer.seal(webhookSecretBinding(store.id), webhook.secret) : null,
    connected_at: deps.clock.now(),
    last_error: webhook.id ? null : 'Webhook endpoint not registered: this key may not manage webhook endpoints',
  };
  let previous: StripeConnection | null;
  try {
    previous = await deps.storage.stores.saveConnection(conn, link);
  } catch (err) {
    // The link was burnt by a concurrent submit; do not leave our new endpoint behind.
    if (webhook.id) await deleteEndpoint(deps, client, webhook.id, store.id);
    throw err;
  }
  deps.logger.info({ store_id: store.id, account_id: conn.account_id, livemode: conn.livemode, key_type: conn.key_type, webhooks: webhook.id !== null }, 'store connected to Stripe');
  // Orders paid on the old key must exist before that key and its webhook endpoint are gone.
  if (previous) await settlePreviousConnection(deps, previous, conn);
  if (previous?.webhook_endpoint_id) await deletePreviousEndpoint(deps, previous, conn, client);
  return conn;
}

/**
 * Deletes an earlier connection's webhook endpoint: with the new key when it is the same account, else with
 * the old key if it still works. Failure only leaves a stale endpoint whose events we no longer verify.
 */
export async function deletePreviousEndpoint(
  deps: AppDeps,
  previous: StripeConnection,
  current: StripeConnection | null,
  currentClient: Stripe | null,
): Promise<void> {
  if (!previous.webhook_endpoint_id) return;
  let client = current && currentClient && current.account_id === previous.account_id ? currentClient : null;
  if (!client) {
    try {
      client = deps.stripe.forKey(deps.sealer.open(secretKeyBinding(previous.store_id), previous.secret_key_sealed));
    } catch {
      return;
    }
  }
  await deleteEndpoint(deps, client, previous.webhook_endpoint_id, previous.store_id);
}

async function deleteEndpoint(deps: AppDeps, client: Stripe, id: string, storeId: string): Promise<void> {
  try {
    await client.webhookEndpoints.del(id);
  } catch (err) {
    deps.logger.warn({ store_id: storeId, webhook_endpoint_id: id, type: (err as Error).name }, 'could not delete old webhook endpoint');
  }
}
