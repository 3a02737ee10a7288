import { STORE_ID_PATTERN } from '../connect/stores';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { Store } from '../storage/port';

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
