import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../clock';
import type { Dialect } from '../db/dialect';
import type { Database } from '../db/schema';
import type { LeasesRepository } from '../port';

/**
 * Leases as rows with an expiry rather than engine locks (a session-level advisory lock would need one
 * connection held for the whole sweep; a dead holder's row simply expires). acquire is one
 * `INSERT … ON CONFLICT (name) DO UPDATE … WHERE`: on PostgreSQL a concurrent acquire of the same name waits
 * for this one's commit and re-checks the WHERE against the committed row; on SQLite it runs alone.
 */
export function createLeasesRepository(db: Kysely<Database>, dialect: Dialect, clock: Clock): LeasesRepository {
  return {
    acquire: async (name, owner, ttlMs) => {
      const now = clock.now();
      const r = await db
        .insertInto('leases')
        .values({ name, owner, expires_at: now + ttlMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet((eb) => ({ owner: eb.ref('excluded.owner'), expires_at: eb.ref('excluded.expires_at') }))
            .where((eb) => eb.or([eb('leases.owner', '=', eb.ref('excluded.owner')), eb('leases.expires_at', '<=', now)])),
        )
        .executeTakeFirst();
      return r.numInsertedOrUpdatedRows === 1n;
    },
    release: async (name, owner) => void (await db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute()),
    releaseAll: (instanceId) =>
      dialect.transaction(db, async (trx) => {
        const prefix = `${instanceId}/`;
        // The instance's own rows: owner `instanceId`, or `instanceId/…` (cart claims); `instanceIdX/…` is another's.
        const ownedBy = sql<boolean>`owner = ${instanceId} OR substr(owner, 1, length(${prefix})) = ${prefix}`;
        const leases = await trx.deleteFrom('leases').where(ownedBy).executeTakeFirst();
        const claims = await trx.deleteFrom('cart_claims').where(ownedBy).executeTakeFirst();
        return Number(leases.numDeletedRows + claims.numDeletedRows);
      }),
  };
}
