import type { Clock } from '../../clock';
import { LinkAlreadyUsedError, type RetiredConnection, type Store, type StoreEvent, type StoresRepository, type StripeConnection, type UsedLink } from '../port';
import { run, type SqliteDatabase } from './db';
import { connectEvent, definedOnly, toStore, type NewEvent, type StoreRow } from '../rows';

type ConnectionRow = Omit<StripeConnection, 'livemode'> & { livemode: number };
type EventRow = Omit<StoreEvent, 'livemode'> & { livemode: number | null };

/** The SQLite implementation of the stores repository. */
export function createStoresRepository(db: SqliteDatabase, clock: Clock): StoresRepository {
  const q = {
    insertStore: db.prepare(
      `INSERT INTO stores (id, name, allowed_origins, default_currency, created_at, updated_at)
       VALUES (@id, @name, @allowed_origins, @default_currency, @created_at, @updated_at) ON CONFLICT (id) DO NOTHING`,
    ),
    getStore: db.prepare('SELECT * FROM stores WHERE id = ?'),
    setShipping: db.prepare('UPDATE stores SET shipping_json = ?, free_shipping_over = ?, updated_at = ? WHERE id = ?'),
    updateStore: db.prepare(
      `UPDATE stores SET name = @name, allowed_origins = @allowed_origins, default_currency = @default_currency,
       updated_at = @updated_at WHERE id = @id`,
    ),
    getConn: db.prepare('SELECT * FROM stripe_connections WHERE store_id = ?'),
    deleteConn: db.prepare('DELETE FROM stripe_connections WHERE store_id = ?'),
    insertConn: db.prepare(
      `INSERT INTO stripe_connections (store_id, account_id, account_name, publishable_key, secret_key_sealed, key_type,
       livemode, key_status, webhook_endpoint_id, webhook_secret_sealed, connected_at, last_error)
       VALUES (@store_id, @account_id, @account_name, @publishable_key, @secret_key_sealed, @key_type, @livemode,
       @key_status, @webhook_endpoint_id, @webhook_secret_sealed, @connected_at, @last_error)`,
    ),
    invalidate: db.prepare(
      `UPDATE stripe_connections SET key_status = 'invalid', last_error = ? WHERE store_id = ? AND key_status = 'valid'`,
    ),
    insertEvent: db.prepare(
      `INSERT INTO store_events (store_id, type, account_id, previous_account_id, livemode, message, created_at)
       VALUES (@store_id, @type, @account_id, @previous_account_id, @livemode, @message, @created_at)`,
    ),
    listEvents: db.prepare('SELECT * FROM store_events WHERE store_id = ? ORDER BY id'),
    linkUsed: db.prepare('SELECT 1 FROM used_connect_links WHERE signature = ?'),
    burnLink: db.prepare('INSERT INTO used_connect_links (signature, store_id, expires_at, used_at) VALUES (?, ?, ?, ?)'),
    purgeLinks: db.prepare('DELETE FROM used_connect_links WHERE expires_at < ?'),
    retire: db.prepare(`INSERT INTO retired_connections (store_id, account_id, livemode, secret_key_sealed, webhook_endpoint_id,
                          webhook_secret_sealed, retired_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`),
    retiredOf: db.prepare('SELECT * FROM retired_connections WHERE store_id = ? ORDER BY id'),
    retiredAll: db.prepare('SELECT * FROM retired_connections ORDER BY id'),
    dropRetired: db.prepare('DELETE FROM retired_connections WHERE id = ?'),
  };

  const getStore = (id: string) => toStore(q.getStore.get(id) as StoreRow | undefined);
  const getConnection = (storeId: string) => toConnection(q.getConn.get(storeId) as ConnectionRow | undefined);
  const addEvent = (e: NewEvent) =>
    q.insertEvent.run({ ...e, livemode: e.livemode == null ? null : Number(e.livemode), created_at: clock.now() });

  const saveConnection = db.transaction((conn: StripeConnection, link: UsedLink) => {
    const previous = getConnection(conn.store_id);
    q.purgeLinks.run(clock.now());
    if (q.linkUsed.get(link.signature)) throw new LinkAlreadyUsedError('connect link already used');
    q.burnLink.run(link.signature, conn.store_id, link.expiresAt, clock.now());
    q.deleteConn.run(conn.store_id);
    q.insertConn.run({ ...conn, livemode: Number(conn.livemode) });
    addEvent(connectEvent(conn, previous));
    return previous;
  });

  const disconnect = db.transaction((storeId: string) => {
    const previous = getConnection(storeId);
    if (!previous) return null;
    q.deleteConn.run(storeId);
    addEvent({
      store_id: storeId,
      type: 'disconnected',
      account_id: previous.account_id,
      previous_account_id: null,
      livemode: previous.livemode,
      message: 'Stripe keys removed; the store cannot take payments until it is connected again',
    });
    return previous;
  });

  const markKeyInvalid = db.transaction((storeId: string, reason: string) => {
    const conn = getConnection(storeId);
    if (!conn || q.invalidate.run(reason, storeId).changes === 0) return false;
    addEvent({
      store_id: storeId,
      type: 'keys_invalid',
      account_id: conn.account_id,
      previous_account_id: null,
      livemode: conn.livemode,
      message: reason,
    });
    return true;
  });

  const create = db.transaction((row: StoreRow) => {
    if (q.insertStore.run(row).changes === 0) return false;
    addEvent({ store_id: row.id, type: 'store_created', account_id: null, previous_account_id: null, livemode: null, message: `Store "${row.name}" created` });
    return true;
  });

  const update = db.transaction((id: string, patch: Partial<Store>) => {
    const current = getStore(id);
    if (!current) return null;
    const next = { ...current, ...definedOnly(patch), updated_at: clock.now() };
    q.updateStore.run({ id, name: next.name, default_currency: next.default_currency, updated_at: next.updated_at, allowed_origins: JSON.stringify(next.allowed_origins) });
    return next;
  });

  return {
    create(input) {
      const now = clock.now();
      const row = {
        id: input.id,
        name: input.name,
        allowed_origins: JSON.stringify(input.allowed_origins ?? []),
        default_currency: input.default_currency ?? 'usd',
        created_at: now,
        updated_at: now,
      };
      return run(() => (create(row) ? toStore(row) : null));
    },
    get: (id) => run(() => getStore(id)),
    update: (id, patch) => run(() => update.immediate(id, patch)),
    setShipping: (id, settings, freeOver) =>
      run(() => {
        if (q.setShipping.run(settings ? JSON.stringify(settings) : null, freeOver, clock.now(), id).changes === 0) return null;
        return getStore(id);
      }),
    getConnection: (storeId) => run(() => getConnection(storeId)),
    // IMMEDIATE: read the previous connection and the burnt links under the write lock (other processes).
    saveConnection: (conn, link) => run(() => saveConnection.immediate(conn, link)),
    isLinkUsed: (signature) => run(() => q.linkUsed.get(signature) !== undefined),
    markKeyInvalid: (storeId, reason) => run(() => markKeyInvalid.immediate(storeId, reason)),
    disconnect: (storeId) => run(() => disconnect.immediate(storeId)),
    listEvents: (storeId) => run(() => (q.listEvents.all(storeId) as EventRow[]).map(toEvent)),
    getWebhookSecretSealed: (storeId) => run(() => getConnection(storeId)?.webhook_secret_sealed ?? null),
    retireConnection: (c) =>
      run(() =>
        toRetired(q.retire.get(c.store_id, c.account_id, Number(c.livemode), c.secret_key_sealed, c.webhook_endpoint_id,
          c.webhook_secret_sealed, clock.now()) as RetiredRow),
      ),
    listRetiredConnections: (storeId) =>
      run(() => ((storeId ? q.retiredOf.all(storeId) : q.retiredAll.all()) as RetiredRow[]).map(toRetired)),
    dropRetiredConnection: (id) => run(() => void q.dropRetired.run(id)),
  };
}

function toConnection(row: ConnectionRow | undefined): StripeConnection | null {
  if (!row) return null;
  return { ...row, livemode: row.livemode === 1 };
}

type RetiredRow = Omit<RetiredConnection, 'livemode'> & { livemode: number };

function toRetired(row: RetiredRow): RetiredConnection {
  return { ...row, livemode: row.livemode === 1 };
}

function toEvent(row: EventRow): StoreEvent {
  return { ...row, livemode: row.livemode == null ? null : row.livemode === 1 };
}
