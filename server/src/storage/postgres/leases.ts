import type { Clock } from '../../clock';
import type { LeasesRepository } from '../port';
import { changes, inTransaction, type PgPool } from './db';

/**
 * Leases over PostgreSQL, as rows rather than `pg_try_advisory_lock`: a session-level advisory lock would
 * need a dedicated connection held for the whole sweep (a pool hands out a different one per call), and a
 * row with an expiry survives nothing it should not (a dead holder's lease expires; a stuck connection
 * holds nothing). acquire is one `INSERT … ON CONFLICT … DO UPDATE … WHERE`: a concurrent acquire of the
 * same name waits for this one's commit and re-checks the WHERE against the committed row.
 */
export function createLeasesRepository(pool: PgPool, clock: Clock): LeasesRepository {
  return {
    acquire: async (name, owner, ttlMs) => {
      const now = clock.now();
      const n = await changes(
        pool,
        `INSERT INTO leases (name, owner, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE leases.owner = EXCLUDED.owner OR leases.expires_at <= $4`,
        [name, owner, now + ttlMs, now],
      );
      return n === 1;
    },
    release: async (name, owner) => void (await pool.query('DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner])),
    releaseAll: (instanceId) =>
      inTransaction(pool, async (c) => {
        const params = [instanceId, `${instanceId}/`];
        const leases = await changes(c, 'DELETE FROM leases WHERE owner = $1 OR substr(owner, 1, length($2)) = $2', params);
        const claims = await changes(c, 'DELETE FROM cart_claims WHERE owner = $1 OR substr(owner, 1, length($2)) = $2', params);
        return leases + claims;
      }),
  };
}
