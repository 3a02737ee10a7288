import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/dialect';
import { precompile } from '../db/precompile';
import type { Database } from '../db/schema';
import type { BudgetsRepository } from '../port';

/**
 * Token buckets: ONE upsert whose WHERE refuses the take, straight to the pool. The refill is computed from the
 * stored row in the same statement that takes the token. On PostgreSQL a concurrent take of the same bucket
 * waits for the row lock and re-evaluates the WHERE against the row the first one left; on SQLite the statement
 * holds the file's write lock. Either way no token is taken twice, on any number of instances.
 */
export function createBudgetsRepository(db: Kysely<Database>, dialect: Dialect): BudgetsRepository {
  // Precompiled (db/precompile.ts): every payment intent and checkout takes from its store's budget.
  type TakeValues = { key: string; capacity: number; perMs: number; now: number; keep: number };
  const takeQuery = precompile<TakeValues, never>(db, (p: (name: keyof TakeValues) => never) => {
    // Bound as double precision: PostgreSQL would otherwise type the values by their first use (integer).
    const cap = sql<number>`CAST(${p('capacity')} AS DOUBLE PRECISION)`;
    const rate = sql<number>`CAST(${p('perMs')} AS DOUBLE PRECISION)`;
    const floor = sql<number>`1 + CAST(${p('keep')} AS DOUBLE PRECISION)`;
    return db
      .insertInto('budgets')
      .columns(['key', 'tokens', 'updated_at'])
      .expression(
        db.selectNoFrom([sql.val(p('key')).as('key'), sql<number>`${cap} - 1`.as('tokens'), sql.val(p('now')).as('updated_at')]).where(cap, '>=', floor),
      )
      .onConflict((oc) => {
        const refilled = dialect.least(
          cap,
          sql<number>`budgets.tokens + ${dialect.greatest(sql.lit(0), sql<number>`${p('now')} - budgets.updated_at`)} * ${rate}`,
        );
        return oc
          .column('key')
          .doUpdateSet({ tokens: sql<number>`${refilled} - 1`, updated_at: dialect.greatest(sql.ref('budgets.updated_at'), sql.val(p('now'))) })
          .where(refilled, '>=', floor);
      });
  });
  return {
    take: async (key, capacity, perMs, now, keep) => (await takeQuery({ key, capacity, perMs, now, keep })).numAffectedRows === 1n,
  };
}
