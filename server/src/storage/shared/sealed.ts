import { sql, type Kysely } from 'kysely';
import { PLATFORM_BINDING_STORE } from '../../crypto/bindings';
import { Rollback, type Dialect } from '../db/dialect';
import type { Database } from '../db/schema';
import type { SealedValue, SealedValueRef, SealedValuesRepository } from '../port';

/**
 * Every sealed column, read and replaced as data for key rotation. replace() updates each value only
 * `WHERE column = <from>`: a value changed meanwhile (on PostgreSQL a concurrent commit, which READ COMMITTED
 * lets the UPDATE see) matches nothing, and the whole replacement rolls back (false: run the rotation again).
 */
export function createSealedValuesRepository(db: Kysely<Database>, dialect: Dialect): SealedValuesRepository {
  return {
    // Four reads, one use-case: one transaction, so a rotation lists one state of the database.
    list: () =>
      dialect.transaction(db, async (trx) => {
        const out: SealedValue[] = [];
        const conns = await trx
          .selectFrom('stripe_connections')
          .select(['store_id', 'secret_key_sealed', 'webhook_secret_sealed'])
          .orderBy('store_id')
          .execute();
        for (const r of conns) {
          out.push({ table: 'stripe_connections', column: 'secret_key_sealed', rowId: r.store_id, storeId: r.store_id, sealed: r.secret_key_sealed });
          if (r.webhook_secret_sealed) {
            out.push({ table: 'stripe_connections', column: 'webhook_secret_sealed', rowId: r.store_id, storeId: r.store_id, sealed: r.webhook_secret_sealed });
          }
        }
        const retired = await trx
          .selectFrom('retired_connections')
          .select(['id', 'store_id', 'secret_key_sealed', 'webhook_secret_sealed'])
          .orderBy('id')
          .execute();
        for (const r of retired) {
          const rowId = String(r.id);
          out.push({ table: 'retired_connections', column: 'secret_key_sealed', rowId, storeId: r.store_id, sealed: r.secret_key_sealed });
          if (r.webhook_secret_sealed) {
            out.push({ table: 'retired_connections', column: 'webhook_secret_sealed', rowId, storeId: r.store_id, sealed: r.webhook_secret_sealed });
          }
        }
        const checkouts = await trx
          .selectFrom('checkouts')
          .select(['id', 'store_id', 'sealed_client_secret'])
          .where('sealed_client_secret', 'is not', null)
          .orderBy('id')
          .$narrowType<{ sealed_client_secret: string }>()
          .execute();
        for (const r of checkouts) {
          out.push({ table: 'checkouts', column: 'sealed_client_secret', rowId: r.id, storeId: r.store_id, sealed: r.sealed_client_secret });
        }
        const endpoints = await trx.selectFrom('webhook_endpoints').select(['id', 'secret_sealed', 'previous_secret_sealed']).orderBy('id').execute();
        for (const r of endpoints) {
          const at = { table: 'webhook_endpoints', rowId: r.id, storeId: PLATFORM_BINDING_STORE } as const;
          out.push({ ...at, column: 'secret_sealed', sealed: r.secret_sealed });
          if (r.previous_secret_sealed) out.push({ ...at, column: 'previous_secret_sealed', sealed: r.previous_secret_sealed });
        }
        return out;
      }),
    replace: (changes) =>
      dialect.transaction(db, async (trx) => {
        for (const ch of changes) {
          const key = keyOf(ch);
          if (key === null) throw new Rollback(false);
          // Table and column come from the port's fixed unions (quoted as identifiers), never from outside.
          const r = await sql`UPDATE ${sql.table(ch.table)} SET ${sql.ref(ch.column)} = ${ch.to}
            WHERE ${sql.ref(ch.table === 'stripe_connections' ? 'store_id' : 'id')} = ${key} AND ${sql.ref(ch.column)} = ${ch.from}`.execute(trx);
          if (r.numAffectedRows !== 1n) throw new Rollback(false);
        }
        return true;
      }),
  };
}

/** The row key as its column holds it (retired connections have integer ids); null for one that cannot exist. */
function keyOf(ref: SealedValueRef): string | number | null {
  if (ref.table !== 'retired_connections') return ref.rowId;
  const id = Number(ref.rowId);
  return Number.isSafeInteger(id) ? id : null;
}
