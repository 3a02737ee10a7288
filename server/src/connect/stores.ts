/**
 * The rules of a store's life that the platform drives (routes/internal/stores.ts is HTTP only): what a new
 * store gets by default, how a connect link is made unique, and what disconnecting it from Stripe must do
 * before it answers.
 */
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import { settleInBackground } from '../payments/settle';
import { storeDisconnected } from '../platform-webhooks/announce';
import { buildConnectUrl, signConnectLink } from '../security/connect-link';
import type { Store } from '../storage/port';
import { settleWithin } from './connect-store';

/** Store ids are UUIDs (any version; platforms may bring their own), compared in lower case. */
export const STORE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The currency of a store created without one (its catalog's currency wins once it has products). */
export const DEFAULT_CURRENCY = 'usd';

/** What the platform may give a new store; everything else has a default. */
export interface StoreInput {
  id?: string;
  name: string;
  allowed_origins?: string[];
  default_currency?: string;
}

/** Creates a store (a random UUID unless the platform chose one); `store_exists` when the id is taken. */
export async function createStore(deps: Pick<AppDeps, 'storage'>, input: StoreInput): Promise<Store> {
  const store = await deps.storage.stores.create({
    id: input.id ?? randomUUID(),
    name: input.name,
    allowed_origins: input.allowed_origins ?? [],
    default_currency: input.default_currency ?? DEFAULT_CURRENCY,
  });
  if (!store) throw errors.storeExists();
  return store;
}

/**
 * A signed connect link for the store, valid `ttlSeconds`. Identical fields make an identical link; if that
 * one was just used (links are burnt once), a second later is a fresh one.
 */
export async function connectLinkFor(
  deps: Pick<AppDeps, 'storage' | 'config' | 'clock'>,
  storeId: string,
  returnUrl: string,
  ttlSeconds: number,
): Promise<{ url: string; expires_at: string }> {
  const secret = deps.config.internalSecrets[0];
  const params = { storeId, returnUrl, expires: Math.floor(deps.clock.now() / 1000) + ttlSeconds };
  while (await deps.storage.stores.isLinkUsed(signConnectLink(secret, params))) params.expires += 1;
  return { url: buildConnectUrl(deps.config.publicUrl, secret, params), expires_at: new Date(params.expires * 1000).toISOString() };
}

/**
 * Disconnects the store from Stripe. Orders paid with the old key must exist before that key and its webhook
 * endpoint are gone, so the settling of its open sessions is waited for (within a bound) before answering.
 */
export async function disconnectStore(deps: AppDeps, storeId: string): Promise<void> {
  const removed = await deps.storage.stores.disconnect(storeId, storeDisconnected(deps.clock));
  if (!removed) return;
  deps.logger.info({ store_id: storeId, account_id: removed.account_id }, 'store disconnected from Stripe');
  await settleWithin(settleInBackground(deps, removed, null, null));
}
