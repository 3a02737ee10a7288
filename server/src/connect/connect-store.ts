import type Stripe from 'stripe';
import { secretKeyBinding, webhookSecretBinding } from '../crypto/bindings';
import type { AppDeps } from '../deps';
import { settleInBackground } from '../payments/settle';
import { storeConnected } from '../platform-webhooks/announce';
import { errors } from '../errors';
import { LinkAlreadyUsedError, type Store, type StripeConnection, type UsedLink } from '../storage/port';
import { registerWebhook, verifyKeys } from '../stripe/verify-keys';

/** The keys a merchant entered in the connect form. */
export interface EnteredKeys {
  publishable: string;
  secret: string;
}

/**
 * Connects a store: verifies the keys with Stripe, registers the webhook endpoint on the merchant's account,
 * then seals and stores everything and burns the link in one transaction. Nothing is stored unless every
 * check passed; a link burnt meanwhile by a concurrent submit is `link_used`. The endpoint of an earlier connection is deleted afterwards (best effort).
 */
export async function connectStore(deps: AppDeps, store: Store, keys: EnteredKeys, link: UsedLink): Promise<StripeConnection> {
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
    previous = await deps.storage.stores.saveConnection(conn, link, storeConnected(deps.clock));
  } catch (err) {
    // The link was burnt by a concurrent submit; do not leave our new endpoint behind.
    if (webhook.id) await deleteEndpoint(deps, client, webhook.id, store.id);
    throw err instanceof LinkAlreadyUsedError ? errors.linkUsed() : err;
  }
  deps.logger.info(
    { store_id: store.id, account_id: conn.account_id, livemode: conn.livemode, key_type: conn.key_type, webhooks: webhook.id !== null },
    'store connected to Stripe',
  );
  // Orders paid on the old key must exist before that key and its webhook endpoint are gone.
  if (previous) await settleWithin(settleInBackground(deps, previous, conn, client));
  return conn;
}

/** How long a connect or disconnect waits for settling before answering (settling goes on afterwards). */
export const SETTLE_WAIT_MS = 2_000;

/**
 * Waits for a background settle, but at most SETTLE_WAIT_MS: a store with a handful of open sessions is
 * settled before the answer, one with a backlog (or a slow Stripe) does not hold the merchant's form.
 */
export async function settleWithin(task: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([task, new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_WAIT_MS)))]);
  clearTimeout(timer);
}

async function deleteEndpoint(deps: AppDeps, client: Stripe, id: string, storeId: string): Promise<void> {
  try {
    await client.webhookEndpoints.del(id);
  } catch (err) {
    deps.logger.warn({ store_id: storeId, webhook_endpoint_id: id, type: (err as Error).name }, 'could not delete old webhook endpoint');
  }
}
