import type { SealedValue, SealedValuesRepository } from '../port';
import { changes, inTransaction, Rollback, rows, type PgPool } from './db';

/**
 * Every sealed column, read and replaced as data for key rotation. replace() updates each value only
 * `WHERE column = <from>`; under READ COMMITTED a concurrent change makes that UPDATE match nothing, and the
 * whole replacement rolls back (false: run the rotation again).
 */
export function createSealedValuesRepository(pool: PgPool): SealedValuesRepository {
  return {
    list: () =>
      inTransaction(pool, async (c) => {
        const out: SealedValue[] = [];
        const conns = await rows<{ store_id: string; secret_key_sealed: string; webhook_secret_sealed: string | null }>(
          c, 'SELECT store_id, secret_key_sealed, webhook_secret_sealed FROM stripe_connections ORDER BY store_id');
        for (const r of conns) {
          out.push({ table: 'stripe_connections', column: 'secret_key_sealed', rowId: r.store_id, storeId: r.store_id, sealed: r.secret_key_sealed });
          if (r.webhook_secret_sealed) {
            out.push({ table: 'stripe_connections', column: 'webhook_secret_sealed', rowId: r.store_id, storeId: r.store_id, sealed: r.webhook_secret_sealed });
          }
        }
        const retired = await rows<{ id: number; store_id: string; secret_key_sealed: string; webhook_secret_sealed: string | null }>(
          c, 'SELECT id, store_id, secret_key_sealed, webhook_secret_sealed FROM retired_connections ORDER BY id');
        for (const r of retired) {
          const rowId = String(r.id);
          out.push({ table: 'retired_connections', column: 'secret_key_sealed', rowId, storeId: r.store_id, sealed: r.secret_key_sealed });
          if (r.webhook_secret_sealed) {
            out.push({ table: 'retired_connections', column: 'webhook_secret_sealed', rowId, storeId: r.store_id, sealed: r.webhook_secret_sealed });
          }
        }
        const checkouts = await rows<{ id: string; store_id: string; sealed_client_secret: string }>(
          c, 'SELECT id, store_id, sealed_client_secret FROM checkouts WHERE sealed_client_secret IS NOT NULL ORDER BY id');
        for (const r of checkouts) {
          out.push({ table: 'checkouts', column: 'sealed_client_secret', rowId: r.id, storeId: r.store_id, sealed: r.sealed_client_secret });
        }
        return out;
      }),
    replace: (list) =>
      inTransaction<boolean>(pool, async (c) => {
        for (const ch of list) {
          // Table and column names come from the fixed SealedValueRef unions, never from outside.
          const where = ch.table === 'stripe_connections' ? 'store_id' : 'id';
          const key = ch.table === 'retired_connections' ? Number(ch.rowId) : ch.rowId;
          if (typeof key === 'number' && !Number.isSafeInteger(key)) throw new Rollback(false);
          const n = await changes(c, `UPDATE ${ch.table} SET ${ch.column} = $1 WHERE ${where} = $2 AND ${ch.column} = $3`, [ch.to, key, ch.from]);
          if (n !== 1) throw new Rollback(false);
        }
        return true;
      }),
  };
}
