import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../clock';
import type { Dialect } from '../db/dialect';
import { precompile } from '../db/precompile';
import type { Database, StoresTable, RetiredConnectionsTable, StoreEventsTable, StripeConnectionsTable } from '../db/schema';
import { LinkAlreadyUsedError, type RetiredConnection, type StoreEvent, type StoresRepository } from '../port';
import { CONNECTION_COLUMNS, connectEvent, definedOnly, toConnection, toStore, type NewEvent } from '../rows';
import { writeAnnounced } from './outbox';

/**
 * Stores and their Stripe connections. How each guarantee of the port holds (on SQLite every transaction runs
 * alone; on PostgreSQL, READ COMMITTED with several processes, as follows):
 * - create: `INSERT … ON CONFLICT (id) DO NOTHING`; the primary key decides a race, the loser gets null.
 * - update: the row is read `forUpdate`, so a concurrent patch waits and merges into the committed row.
 * - saveConnection: the store row is locked first, so two saves of one store run one after the other; the link
 *   is burnt with `INSERT … ON CONFLICT DO NOTHING` (a concurrent insert of the same signature waits for the
 *   first transaction, then finds the key taken): exactly one burns it, the others throw LinkAlreadyUsedError
 *   and roll back.
 * - markKeyInvalid: one `UPDATE … WHERE key_status = 'valid' RETURNING`; a concurrent UPDATE waits on the row
 *   lock and re-checks the WHERE against the committed row, so only one call flips it and records the event.
 * - disconnect: one `DELETE … RETURNING`; the second caller finds no row.
 */
export function createStoresRepository(db: Kysely<Database>, dialect: Dialect, clock: Clock): StoresRepository {
  const tx = <T>(work: (trx: Kysely<Database>) => Promise<T>) => dialect.transaction(db, work);
  const toRetired = (row: Selectable<RetiredConnectionsTable>): RetiredConnection => ({ ...row, livemode: dialect.isTrue(row.livemode) });
  const toEvent = (row: Selectable<StoreEventsTable>): StoreEvent => ({ ...row, livemode: row.livemode === null ? null : dialect.isTrue(row.livemode) });
  // Precompiled: every Stripe call reads the store's connection (and its sealed key).
  const connectionOf = precompile<{ storeId: string }, Selectable<StripeConnectionsTable>>(db, (p) =>
    db.selectFrom('stripe_connections').select(CONNECTION_COLUMNS).where('store_id', '=', p('storeId')),
  );
  const getConnection = async (q: Kysely<Database>, storeId: string) => toConnection((await connectionOf({ storeId }, q)).rows[0]);
  const getStore = async (q: Kysely<Database>, id: string, lock = false) =>
    toStore(
      await q
        .selectFrom('stores')
        .selectAll()
        .where('id', '=', id)
        .$call((qb) => (lock ? dialect.forUpdate(qb) : qb))
        .executeTakeFirst(),
    );
  // Precompiled: every cart request reads its store (CORS).
  const storeById = precompile<{ id: string }, Selectable<StoresTable>>(db, (p) => db.selectFrom('stores').selectAll().where('id', '=', p('id')));
  const addEvent = (trx: Kysely<Database>, e: NewEvent) =>
    trx
      .insertInto('store_events')
      .values({ ...e, livemode: e.livemode === null ? null : dialect.bool(e.livemode), created_at: clock.now() })
      .execute();

  return {
    create: (input) =>
      tx(async (trx) => {
        const now = clock.now();
        const row = {
          id: input.id,
          name: input.name,
          allowed_origins: JSON.stringify(input.allowed_origins),
          default_currency: input.default_currency,
          created_at: now,
          updated_at: now,
        };
        const r = await trx
          .insertInto('stores')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (r.numInsertedOrUpdatedRows !== 1n) return null;
        await addEvent(trx, {
          store_id: row.id,
          type: 'store_created',
          account_id: null,
          previous_account_id: null,
          livemode: null,
          message: `Store "${row.name}" created`,
        });
        return toStore(row);
      }),
    get: async (id) => toStore((await storeById({ id })).rows[0]),
    update: (id, patch) =>
      tx(async (trx) => {
        const current = await getStore(trx, id, true);
        if (!current) return null;
        const next = { ...current, ...definedOnly(patch), updated_at: clock.now() };
        await trx
          .updateTable('stores')
          .set({ name: next.name, allowed_origins: JSON.stringify(next.allowed_origins), default_currency: next.default_currency, updated_at: next.updated_at })
          .where('id', '=', id)
          .execute();
        return next;
      }),
    // One statement: the settings and the threshold the cart read shows beside them change together.
    setShipping: async (id, settings, freeOver) =>
      toStore(
        await db
          .updateTable('stores')
          .set({ shipping_json: settings ? JSON.stringify(settings) : null, free_shipping_over: freeOver, updated_at: clock.now() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst(),
      ),
    getConnection: (storeId) => getConnection(db, storeId),
    saveConnection: (conn, link, announce) =>
      tx(async (trx) => {
        await dialect.forUpdate(trx.selectFrom('stores').select('id').where('id', '=', conn.store_id)).execute();
        const previous = await getConnection(trx, conn.store_id);
        const now = clock.now();
        await trx.deleteFrom('used_connect_links').where('expires_at', '<', now).execute();
        const burnt = await trx
          .insertInto('used_connect_links')
          .values({ signature: link.signature, store_id: conn.store_id, expires_at: link.expiresAt, used_at: now })
          .onConflict((oc) => oc.column('signature').doNothing())
          .executeTakeFirst()
          .catch((err: unknown) => {
            throw dialect.isUniqueViolation(err) ? new LinkAlreadyUsedError('connect link already used') : err;
          });
        if (burnt.numInsertedOrUpdatedRows !== 1n) throw new LinkAlreadyUsedError('connect link already used');
        await trx.deleteFrom('stripe_connections').where('store_id', '=', conn.store_id).execute();
        await trx
          .insertInto('stripe_connections')
          .values({ ...conn, livemode: dialect.bool(conn.livemode) })
          .execute();
        await addEvent(trx, connectEvent(conn, previous));
        await writeAnnounced(trx, dialect, announce, conn);
        return previous;
      }),
    isLinkUsed: async (signature) =>
      (await db.selectFrom('used_connect_links').select('signature').where('signature', '=', signature).executeTakeFirst()) !== undefined,
    markKeyInvalid: (storeId, reason, announce) =>
      tx(async (trx) => {
        const conn = await trx
          .updateTable('stripe_connections')
          .set({ key_status: 'invalid', last_error: reason })
          .where('store_id', '=', storeId)
          .where('key_status', '=', 'valid')
          .returning(CONNECTION_COLUMNS)
          .executeTakeFirst();
        if (!conn) return false;
        await addEvent(trx, {
          store_id: storeId,
          type: 'keys_invalid',
          account_id: conn.account_id,
          previous_account_id: null,
          livemode: dialect.isTrue(conn.livemode),
          message: reason,
        });
        await writeAnnounced(trx, dialect, announce, toConnection(conn)!);
        return true;
      }),
    disconnect: (storeId, announce) =>
      tx(async (trx) => {
        const previous = toConnection(
          await trx.deleteFrom('stripe_connections').where('store_id', '=', storeId).returning(CONNECTION_COLUMNS).executeTakeFirst(),
        );
        if (!previous) return null;
        await addEvent(trx, {
          store_id: storeId,
          type: 'disconnected',
          account_id: previous.account_id,
          previous_account_id: null,
          livemode: previous.livemode,
          message: 'Stripe keys removed; the store cannot take payments until it is connected again',
        });
        await writeAnnounced(trx, dialect, announce, previous);
        return previous;
      }),
    listEvents: async (storeId) => (await db.selectFrom('store_events').selectAll().where('store_id', '=', storeId).orderBy('id').execute()).map(toEvent),
    getWebhookSecretSealed: async (storeId) =>
      (await db.selectFrom('stripe_connections').select('webhook_secret_sealed').where('store_id', '=', storeId).executeTakeFirst())?.webhook_secret_sealed ??
      null,
    retireConnection: async (c) =>
      toRetired(
        await db
          .insertInto('retired_connections')
          .values({
            store_id: c.store_id,
            account_id: c.account_id,
            livemode: dialect.bool(c.livemode),
            secret_key_sealed: c.secret_key_sealed,
            webhook_endpoint_id: c.webhook_endpoint_id,
            webhook_secret_sealed: c.webhook_secret_sealed,
            retired_at: clock.now(),
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      ),
    // One statement: straight to the pool (every webhook asks, so no BEGIN/COMMIT round trips).
    listRetiredConnections: async (storeId) => {
      let q = db.selectFrom('retired_connections').selectAll();
      if (storeId) q = q.where('store_id', '=', storeId);
      return (await q.orderBy('id').execute()).map(toRetired);
    },
    dropRetiredConnection: async (id) => void (await db.deleteFrom('retired_connections').where('id', '=', id).execute()),
  };
}
