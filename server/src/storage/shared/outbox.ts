import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../clock';
import type { Dialect } from '../db/dialect';
import type { Database, WebhookEndpointsTable } from '../db/schema';
import type { Announce, ClaimedDelivery, DeliveryLogEntry, WebhookDeliveriesRepository, WebhookEndpoint } from '../port';

/** An endpoint row as the port shows it (the domain's subscription rule reads it). */
export function toWebhookEndpoint(r: Selectable<WebhookEndpointsTable>, dialect: Dialect): WebhookEndpoint {
  return {
    id: r.id,
    url: r.url,
    event_types: JSON.parse(r.event_types) as string[],
    store_ids: r.store_ids === null ? null : (JSON.parse(r.store_ids) as string[]),
    enabled: dialect.isTrue(r.enabled),
    disabled_reason: r.disabled_reason,
    secret_sealed: r.secret_sealed,
    previous_secret_sealed: r.previous_secret_sealed,
    previous_secret_expires_at: r.previous_secret_expires_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/**
 * Writes the event the domain announces for `written` (if any) and its deliveries, inside the caller's
 * transaction `trx`: one pending delivery, due at once, per enabled endpoint the event's `subscribes` accepts.
 * Fan-out here, at write time, fixes the recipients when the change happens (an endpoint added later does
 * not receive older events) and leaves the worker one kind of row to claim.
 */
export async function writeAnnounced<T>(trx: Kysely<Database>, dialect: Dialect, announce: Announce<T> | undefined, written: T): Promise<void> {
  const event = announce?.(written);
  if (!event) return;
  await trx
    .insertInto('platform_events')
    .values({ id: event.id, type: event.type, store_id: event.store_id, payload: event.payload, created_at: event.created_at })
    .execute();
  const endpoints = await trx.selectFrom('webhook_endpoints').selectAll().where('enabled', '=', dialect.bool(true)).orderBy('id').execute();
  const recipients = endpoints.map((r) => toWebhookEndpoint(r, dialect)).filter((e) => event.subscribes(e));
  if (recipients.length === 0) return;
  await trx
    .insertInto('webhook_deliveries')
    .values(recipients.map((e) => ({ endpoint_id: e.id, event_id: event.id, next_attempt_at: event.created_at, created_at: event.created_at })))
    .execute();
}

/** The delivery log's columns of an endpoint's deliveries. */
const logEntries = (db: Kysely<Database>, endpointId: string) =>
  db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('platform_events as e', 'e.id', 'd.event_id')
    .select([
      'd.event_id',
      'e.type as event_type',
      'd.status',
      'd.attempts',
      'd.last_status_code',
      'd.last_error',
      'd.last_attempt_at',
      'd.next_attempt_at',
      'd.created_at',
    ])
    .where('d.endpoint_id', '=', endpointId);

/** A log row as the port shows it: `next_attempt_at` only while pending (it keeps the last due time otherwise). */
const toLogEntry = (r: Omit<DeliveryLogEntry, 'next_attempt_at'> & { next_attempt_at: number }): DeliveryLogEntry => ({
  ...r,
  next_attempt_at: r.status === 'pending' ? r.next_attempt_at : null,
});

/**
 * The outbox's deliveries. `claim` is one transaction: it locks endpoints with due work (PostgreSQL:
 * `FOR UPDATE SKIP LOCKED`, so concurrent instances take different endpoints and never wait on each other),
 * then, per locked endpoint, re-reads in a fresh statement whether one of its deliveries is claimed (a claim
 * committed by another instance before our lock is seen: READ COMMITTED) and claims the oldest due one. On
 * SQLite the transaction runs alone. `settle` is a compare-and-set on the claim: an instance whose claim
 * expired and was taken writes nothing.
 */
export function createWebhookDeliveriesRepository(db: Kysely<Database>, dialect: Dialect, clock: Clock): WebhookDeliveriesRepository {
  const claimOne = async (trx: Kysely<Database>, endpointId: string, owner: string, now: number, claimMs: number) => {
    const busy = await trx
      .selectFrom('webhook_deliveries')
      .select('seq')
      .where('endpoint_id', '=', endpointId)
      .where('status', '=', 'pending')
      .where('claim_expires_at', '>', now)
      .executeTakeFirst();
    if (busy) return null;
    const next = await trx
      .selectFrom('webhook_deliveries')
      .select('seq')
      .where('endpoint_id', '=', endpointId)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    if (!next) return null;
    await trx
      .updateTable('webhook_deliveries')
      .set({ claimed_by: owner, claim_expires_at: now + claimMs })
      .where('seq', '=', next.seq)
      .execute();
    return next.seq;
  };

  const claimed = (trx: Kysely<Database>, seqs: number[]) =>
    trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('platform_events as e', 'e.id', 'd.event_id')
      .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
      .select([
        'd.seq',
        'd.endpoint_id',
        'd.event_id',
        'd.attempts',
        'd.created_at',
        'e.type as event_type',
        'e.store_id',
        'e.payload',
        'e.created_at as event_created_at',
        'w.url',
        'w.secret_sealed',
        'w.previous_secret_sealed',
        'w.previous_secret_expires_at',
        'w.failing_since',
      ])
      .where('d.seq', 'in', seqs)
      .orderBy('d.seq')
      .execute();

  return {
    claim: (owner, limit, claimMs) =>
      dialect.transaction(db, async (trx): Promise<ClaimedDelivery[]> => {
        const now = clock.now();
        const endpoints = await dialect
          .forUpdateSkipLocked(
            trx
              .selectFrom('webhook_endpoints')
              .select('id')
              .where('enabled', '=', dialect.bool(true))
              .where((eb) =>
                eb.exists(
                  eb
                    .selectFrom('webhook_deliveries')
                    .select('seq')
                    .whereRef('webhook_deliveries.endpoint_id', '=', 'webhook_endpoints.id')
                    .where('status', '=', 'pending')
                    .where('next_attempt_at', '<=', now),
                ),
              )
              .where((eb) =>
                eb.not(
                  eb.exists(
                    eb
                      .selectFrom('webhook_deliveries')
                      .select('seq')
                      .whereRef('webhook_deliveries.endpoint_id', '=', 'webhook_endpoints.id')
                      .where('status', '=', 'pending')
                      .where('claim_expires_at', '>', now),
                  ),
                ),
              )
              .orderBy('id')
              .limit(limit),
          )
          .execute();
        const seqs: number[] = [];
        for (const { id } of endpoints) {
          const seq = await claimOne(trx, id, owner, now, claimMs);
          if (seq !== null) seqs.push(seq);
        }
        return seqs.length ? claimed(trx, seqs) : [];
      }),
    settle: (seq, owner, o) =>
      dialect.transaction(db, async (trx) => {
        const now = clock.now();
        const row = await trx
          .updateTable('webhook_deliveries')
          .set((eb) => ({
            status: o.status,
            attempts: eb('attempts', '+', 1),
            ...(o.nextAttemptAt !== null ? { next_attempt_at: o.nextAttemptAt } : {}),
            last_status_code: o.statusCode,
            last_error: o.error,
            last_attempt_at: now,
            claimed_by: null,
            claim_expires_at: null,
          }))
          .where('seq', '=', seq)
          .where('claimed_by', '=', owner)
          .where('status', '=', 'pending')
          .returning('endpoint_id')
          .executeTakeFirst();
        if (!row) return false;
        const endpoint = trx.updateTable('webhook_endpoints').where('id', '=', row.endpoint_id);
        if (o.status === 'delivered') await endpoint.set({ failing_since: null }).where('failing_since', 'is not', null).execute();
        else await endpoint.set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', eb.val(now)) })).execute();
        if (o.disableEndpoint) {
          await trx
            .updateTable('webhook_endpoints')
            .set({ enabled: dialect.bool(false), disabled_reason: o.disableEndpoint, updated_at: now })
            .where('id', '=', row.endpoint_id)
            .execute();
        }
        return true;
      }),
    release: async (owner) =>
      Number(
        (
          await db
            .updateTable('webhook_deliveries')
            .set({ claimed_by: null, claim_expires_at: null })
            .where('claimed_by', '=', owner)
            .where('status', '=', 'pending')
            .executeTakeFirst()
        ).numUpdatedRows,
      ),
    listForEndpoint: (endpointId, { limit, startingAfter }) =>
      dialect.transaction(db, async (trx) => {
        let before = Number.MAX_SAFE_INTEGER;
        if (startingAfter) {
          const at = await trx
            .selectFrom('webhook_deliveries')
            .select('seq')
            .where('endpoint_id', '=', endpointId)
            .where('event_id', '=', startingAfter)
            .executeTakeFirst();
          if (!at) return null;
          before = at.seq;
        }
        const rows = await logEntries(trx, endpointId)
          .where('d.seq', '<', before)
          .orderBy('d.seq', 'desc')
          .limit(limit + 1)
          .execute();
        return { data: rows.slice(0, limit).map(toLogEntry), has_more: rows.length > limit };
      }),
    redeliver: (endpointId, eventId) =>
      dialect.transaction(db, async (trx) => {
        await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'pending', next_attempt_at: clock.now() })
          .where('endpoint_id', '=', endpointId)
          .where('event_id', '=', eventId)
          .execute();
        const row = await logEntries(trx, endpointId).where('d.event_id', '=', eventId).executeTakeFirst();
        return row ? toLogEntry(row) : null;
      }),
  };
}
