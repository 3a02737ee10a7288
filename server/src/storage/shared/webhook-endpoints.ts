import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../clock';
import type { Dialect } from '../db/dialect';
import type { Database, WebhookEndpointsTable } from '../db/schema';
import type { WebhookEndpoint, WebhookEndpointsRepository } from '../port';
import { toWebhookEndpoint } from './outbox';

/**
 * The platform's webhook endpoints. Every method is ONE statement (INSERT/UPDATE/DELETE … RETURNING, or a
 * SELECT), atomic on its own on either engine, so none needs a transaction; the secret rotation is a
 * compare-and-set on the current sealed secret, so of two concurrent rotations exactly one applies.
 */
export function createWebhookEndpointsRepository(db: Kysely<Database>, dialect: Dialect, clock: Clock): WebhookEndpointsRepository {
  const fromRow = (r: Selectable<WebhookEndpointsTable>): WebhookEndpoint => toWebhookEndpoint(r, dialect);
  const storeIds = (ids: string[] | null) => (ids === null ? null : JSON.stringify(ids));

  return {
    create: async (e) => {
      const now = clock.now();
      const row = await db
        .insertInto('webhook_endpoints')
        .values({
          id: e.id,
          url: e.url,
          event_types: JSON.stringify(e.event_types),
          store_ids: storeIds(e.store_ids),
          enabled: dialect.bool(e.enabled),
          secret_sealed: e.secret_sealed,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },
    get: async (id) => {
      const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : null;
    },
    list: async () => (await db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute()).map(fromRow),
    update: async (id, patch) => {
      const row = await db
        .updateTable('webhook_endpoints')
        .set({
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.event_types !== undefined ? { event_types: JSON.stringify(patch.event_types) } : {}),
          ...(patch.store_ids !== undefined ? { store_ids: storeIds(patch.store_ids) } : {}),
          ...(patch.enabled !== undefined ? { enabled: dialect.bool(patch.enabled) } : {}),
          // A reason says why checkout-best disabled it; enabling (or disabling by hand) makes it stale.
          ...(patch.enabled !== undefined ? { disabled_reason: null } : {}),
          updated_at: clock.now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },
    delete: async (id) => (await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst()).numDeletedRows === 1n,
    rotateSecret: async (id, rotation) => {
      const row = await db
        .updateTable('webhook_endpoints')
        .set({
          secret_sealed: rotation.secretSealed,
          previous_secret_sealed: rotation.previousSealed,
          previous_secret_expires_at: rotation.previousExpiresAt,
          updated_at: clock.now(),
        })
        .where('id', '=', id)
        .where('secret_sealed', '=', rotation.from)
        .returningAll()
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },
  };
}
