import type { Clock } from '../../clock';
import type { LeasesRepository } from '../port';
import { run, type SqliteDatabase } from './db';

/** Leases over SQLite: each method is one statement (or one IMMEDIATE transaction), so atomic across processes. */
export function createLeasesRepository(db: SqliteDatabase, clock: Clock): LeasesRepository {
  const q = {
    acquire: db.prepare(`INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
                         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                         WHERE leases.owner = excluded.owner OR leases.expires_at <= ?`),
    release: db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?'),
    dropLeases: db.prepare('DELETE FROM leases WHERE owner = ? OR substr(owner, 1, length(?)) = ?'),
    dropClaims: db.prepare('DELETE FROM cart_claims WHERE owner = ? OR substr(owner, 1, length(?)) = ?'),
  };
  const releaseAll = db.transaction((instanceId: string) => {
    const prefix = `${instanceId}/`;
    return q.dropLeases.run(instanceId, prefix, prefix).changes + q.dropClaims.run(instanceId, prefix, prefix).changes;
  });
  return {
    acquire: (name, owner, ttlMs) =>
      run(() => {
        const now = clock.now();
        return q.acquire.run(name, owner, now + ttlMs, now).changes === 1;
      }),
    release: (name, owner) => run(() => void q.release.run(name, owner)),
    releaseAll: (instanceId) => run(() => releaseAll.immediate(instanceId)),
  };
}
