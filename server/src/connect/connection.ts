import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { StripeConnection } from '../storage/port';

/** The one rule of "can this store take payments now": keys stored and not known to be invalid. */
export function canTakePayments(conn: StripeConnection | null): conn is StripeConnection {
  return conn !== null && conn.key_status === 'valid';
}

/** The store's connection when it can take payments now, else null. */
export async function usableConnection(deps: Pick<AppDeps, 'storage'>, storeId: string): Promise<StripeConnection | null> {
  const conn = await deps.storage.stores.getConnection(storeId);
  return canTakePayments(conn) ? conn : null;
}

/** The store's connection if it can take payments now; 409 `store_not_connected` otherwise. */
export async function requireUsableConnection(deps: Pick<AppDeps, 'storage'>, storeId: string): Promise<StripeConnection> {
  return requireUsable(await deps.storage.stores.getConnection(storeId));
}

/** `conn`, a store's connection as already read, if it can take payments now; 409 `store_not_connected` otherwise. */
export function requireUsable(conn: StripeConnection | null): StripeConnection {
  if (!canTakePayments(conn)) throw errors.storeNotConnected();
  return conn;
}
