import type { Clock } from '../../clock';
import { LinkAlreadyUsedError, type RetiredConnection, type StoreEvent, type StoresRepository, type StripeConnection } from '../port';
import { changes, inTransaction, isUniqueViolation, one, rows, type PgClient, type PgPool, type Queryable } from './db';
import { connectEvent, definedOnly, toStore, type NewEvent, type StoreRow } from '../rows';


const CONN_COLUMNS = `store_id, account_id, account_name, publishable_key, secret_key_sealed, key_type, livemode, key_status,
  webhook_endpoint_id, webhook_secret_sealed, connected_at, last_error`;

/**
 * Stores over PostgreSQL. How each guarantee of the port holds with several processes (READ COMMITTED):
 * - create: `INSERT … ON CONFLICT (id) DO NOTHING`; the primary key decides a race, the loser gets null.
 * - saveConnection: the store row is locked (`SELECT … FOR UPDATE`) so two saves of one store run one after the
 *   other, then the link is burnt with `INSERT … ON CONFLICT DO NOTHING`: a concurrent insert of the same
 *   signature waits for the first transaction and then finds the key taken, so exactly one burns it; the
 *   others throw LinkAlreadyUsedError and roll back (a 23505 on the key maps to the same error).
 * - markKeyInvalid: one `UPDATE … WHERE key_status = 'valid' RETURNING`; a concurrent UPDATE waits on the row
 *   lock and re-checks the WHERE on the committed row, so only one call flips it and records the event.
 * - disconnect: one `DELETE … RETURNING`; the second caller finds no row, so only one gets the connection.
 */
export function createStoresRepository(pool: PgPool, clock: Clock): StoresRepository {
  const tx = <T>(work: (c: PgClient) => Promise<T>) => inTransaction(pool, work);
  const getConnection = async (c: Queryable, storeId: string) =>
    one<StripeConnection>(c, `SELECT ${CONN_COLUMNS} FROM stripe_connections WHERE store_id = $1`, [storeId]);
  const addEvent = (c: PgClient, e: NewEvent) =>
    c.query(
      `INSERT INTO store_events (store_id, type, account_id, previous_account_id, livemode, message, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.store_id, e.type, e.account_id, e.previous_account_id, e.livemode, e.message, clock.now()],
    );

  return {
    create: (input) =>
      tx(async (c) => {
        const now = clock.now();
        const row: StoreRow = {
          id: input.id,
          name: input.name,
          allowed_origins: JSON.stringify(input.allowed_origins ?? []),
          default_currency: input.default_currency ?? 'usd',
          created_at: now,
          updated_at: now,
        };
        const inserted = await changes(
          c,
          `INSERT INTO stores (id, name, allowed_origins, default_currency, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
          [row.id, row.name, row.allowed_origins, row.default_currency, row.created_at, row.updated_at],
        );
        if (inserted === 0) return null;
        await addEvent(c, { store_id: row.id, type: 'store_created', account_id: null, previous_account_id: null, livemode: null, message: `Store "${row.name}" created` });
        return toStore(row);
      }),
    get: async (id) => toStore(await one<StoreRow>(pool, 'SELECT * FROM stores WHERE id = $1', [id])),
    update: (id, patch) =>
      tx(async (c) => {
        // FOR UPDATE: a concurrent patch waits, then merges into the committed row (no lost update).
        const current = toStore(await one<StoreRow>(c, 'SELECT * FROM stores WHERE id = $1 FOR UPDATE', [id]));
        if (!current) return null;
        const next = { ...current, ...definedOnly(patch), updated_at: clock.now() };
        await c.query('UPDATE stores SET name = $1, allowed_origins = $2, default_currency = $3, updated_at = $4 WHERE id = $5', [
          next.name, JSON.stringify(next.allowed_origins), next.default_currency, next.updated_at, id,
        ]);
        return next;
      }),
    // One statement: the settings and the threshold the cart read shows beside them change together.
    setShipping: async (id, settings, freeOver) =>
      toStore(
        await one<StoreRow>(
          pool,
          'UPDATE stores SET shipping_json = $1, free_shipping_over = $2, updated_at = $3 WHERE id = $4 RETURNING *',
          [settings ? JSON.stringify(settings) : null, freeOver, clock.now(), id],
        ),
      ),
    getConnection: (storeId) => getConnection(pool, storeId),
    saveConnection: (conn, link) =>
      tx(async (c) => {
        await c.query('SELECT 1 FROM stores WHERE id = $1 FOR UPDATE', [conn.store_id]);
        const previous = await getConnection(c, conn.store_id);
        const now = clock.now();
        await c.query('DELETE FROM used_connect_links WHERE expires_at < $1', [now]);
        let burnt: number;
        try {
          burnt = await changes(
            c,
            `INSERT INTO used_connect_links (signature, store_id, expires_at, used_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (signature) DO NOTHING`,
            [link.signature, conn.store_id, link.expiresAt, now],
          );
        } catch (err) {
          if (isUniqueViolation(err, 'used_connect_links_pkey')) throw new LinkAlreadyUsedError('connect link already used');
          throw err;
        }
        if (burnt === 0) throw new LinkAlreadyUsedError('connect link already used');
        await c.query('DELETE FROM stripe_connections WHERE store_id = $1', [conn.store_id]);
        await c.query(
          `INSERT INTO stripe_connections (${CONN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [conn.store_id, conn.account_id, conn.account_name, conn.publishable_key, conn.secret_key_sealed, conn.key_type, conn.livemode,
            conn.key_status, conn.webhook_endpoint_id, conn.webhook_secret_sealed, conn.connected_at, conn.last_error],
        );
        await addEvent(c, connectEvent(conn, previous));
        return previous;
      }),
    isLinkUsed: (signature) =>
      tx(async (c) => (await one(c, 'SELECT 1 FROM used_connect_links WHERE signature = $1', [signature])) !== null),
    markKeyInvalid: (storeId, reason) =>
      tx(async (c) => {
        const conn = await one<Pick<StripeConnection, 'account_id' | 'livemode'>>(
          c,
          `UPDATE stripe_connections SET key_status = 'invalid', last_error = $1 WHERE store_id = $2 AND key_status = 'valid'
           RETURNING account_id, livemode`,
          [reason, storeId],
        );
        if (!conn) return false;
        await addEvent(c, { store_id: storeId, type: 'keys_invalid', account_id: conn.account_id, previous_account_id: null, livemode: conn.livemode, message: reason });
        return true;
      }),
    disconnect: (storeId) =>
      tx(async (c) => {
        const previous = await one<StripeConnection>(c, `DELETE FROM stripe_connections WHERE store_id = $1 RETURNING ${CONN_COLUMNS}`, [storeId]);
        if (!previous) return null;
        await addEvent(c, {
          store_id: storeId,
          type: 'disconnected',
          account_id: previous.account_id,
          previous_account_id: null,
          livemode: previous.livemode,
          message: 'Stripe keys removed; the store cannot take payments until it is connected again',
        });
        return previous;
      }),
    listEvents: (storeId) => tx((c) => rows<StoreEvent>(c, 'SELECT * FROM store_events WHERE store_id = $1 ORDER BY id', [storeId])),
    getWebhookSecretSealed: async (storeId) =>
      (await one<{ s: string | null }>(pool, 'SELECT webhook_secret_sealed AS s FROM stripe_connections WHERE store_id = $1', [storeId]))?.s ?? null,
    retireConnection: (r) =>
      tx(async (c) =>
        (await one<RetiredConnection>(
          c,
          `INSERT INTO retired_connections (store_id, account_id, livemode, secret_key_sealed, webhook_endpoint_id, webhook_secret_sealed, retired_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
          [r.store_id, r.account_id, r.livemode, r.secret_key_sealed, r.webhook_endpoint_id, r.webhook_secret_sealed, clock.now()],
        ))!,
      ),
    listRetiredConnections: (storeId) =>
      tx((c) =>
        storeId
          ? rows<RetiredConnection>(c, 'SELECT * FROM retired_connections WHERE store_id = $1 ORDER BY id', [storeId])
          : rows<RetiredConnection>(c, 'SELECT * FROM retired_connections ORDER BY id'),
      ),
    dropRetiredConnection: (id) => tx(async (c) => void (await c.query('DELETE FROM retired_connections WHERE id = $1', [id]))),
  };
}

