import type { Statement } from 'better-sqlite3';
import type { SealedValue, SealedValuesRepository } from '../port';
import { run, type SqliteDatabase } from './db';

/** Every sealed column, read and replaced as data for key rotation. */
export function createSealedValuesRepository(db: SqliteDatabase): SealedValuesRepository {
  const q = {
    connections: db.prepare('SELECT store_id, secret_key_sealed, webhook_secret_sealed FROM stripe_connections'),
    checkouts: db.prepare('SELECT id, store_id, sealed_client_secret FROM checkouts WHERE sealed_client_secret IS NOT NULL'),
    retired: db.prepare('SELECT id, store_id, secret_key_sealed, webhook_secret_sealed FROM retired_connections'),
  };
  // Column and table names come from the fixed SealedValueRef unions, never from outside.
  const updates = new Map<string, Statement<[string, string, string]>>();
  const updateOf = (table: string, column: string) => {
    const key = `${table}.${column}`;
    let stmt = updates.get(key);
    if (!stmt) {
      const where = table === 'stripe_connections' ? 'store_id' : 'id';
      stmt = db.prepare<[string, string, string]>(`UPDATE ${table} SET ${column} = ? WHERE ${where} = ? AND ${column} = ?`);
      updates.set(key, stmt);
    }
    return stmt;
  };

  const replace = db.transaction((changes: Parameters<SealedValuesRepository['replace']>[0]) => {
    for (const c of changes) {
      if (updateOf(c.table, c.column).run(c.to, c.rowId, c.from).changes !== 1) throw new ChangedMeanwhile();
    }
  });

  return {
    list: () =>
      run(() => {
        const out: SealedValue[] = [];
        for (const r of q.connections.all() as { store_id: string; secret_key_sealed: string; webhook_secret_sealed: string | null }[]) {
          out.push({ table: 'stripe_connections', column: 'secret_key_sealed', rowId: r.store_id, storeId: r.store_id, sealed: r.secret_key_sealed });
          if (r.webhook_secret_sealed) {
            out.push({ table: 'stripe_connections', column: 'webhook_secret_sealed', rowId: r.store_id, storeId: r.store_id, sealed: r.webhook_secret_sealed });
          }
        }
        for (const r of q.retired.all() as { id: number; store_id: string; secret_key_sealed: string; webhook_secret_sealed: string | null }[]) {
          const rowId = String(r.id);
          out.push({ table: 'retired_connections', column: 'secret_key_sealed', rowId, storeId: r.store_id, sealed: r.secret_key_sealed });
          if (r.webhook_secret_sealed) {
            out.push({ table: 'retired_connections', column: 'webhook_secret_sealed', rowId, storeId: r.store_id, sealed: r.webhook_secret_sealed });
          }
        }
        for (const r of q.checkouts.all() as { id: string; store_id: string; sealed_client_secret: string }[]) {
          out.push({ table: 'checkouts', column: 'sealed_client_secret', rowId: r.id, storeId: r.store_id, sealed: r.sealed_client_secret });
        }
        return out;
      }),
    replace: (changes) =>
      run(() => {
        try {
          replace.immediate(changes);
          return true;
        } catch (err) {
          if (err instanceof ChangedMeanwhile) return false;
          throw err;
        }
      }),
  };
}

/** Rolls back a replacement whose value changed since it was listed. */
class ChangedMeanwhile extends Error {}
