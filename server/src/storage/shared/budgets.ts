import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/dialect';
import type { Database } from '../db/schema';
import type { BudgetsRepository } from '../port';

/**
 * Token buckets: ONE upsert whose WHERE refuses the take, straight to the pool. The refill is computed from the
 * stored row in the same statement that takes the token. On PostgreSQL a concurrent take of the same bucket
 * waits for the row lock and re-evaluates the WHERE against the row the first one left; on SQLite the statement
 * holds the file's write lock. Either way no token is taken twice, on any number of instances.
 */
export function createBudgetsRepository(db: Kysely<Database>, dialect: Dialect): BudgetsRepository {
  return {
    take: async (key, capacity, perMs, now, keep) => {
      // Bound as double precision: PostgreSQL would otherwise type the values by their first use (integer).
      const cap = sql<number>`CAST(${capacity} AS DOUBLE PRECISION)`;
      const rate = sql<number>`CAST(${perMs} AS DOUBLE PRECISION)`;
      const floor = sql<number>`1 + CAST(${keep} AS DOUBLE PRECISION)`;
      const r = await db
        .insertInto('budgets')
        .columns(['key', 'tokens', 'updated_at'])
        .expression(db.selectNoFrom([sql.val(key).as('key'), sql<number>`${cap} - 1`.as('tokens'), sql.val(now).as('updated_at')]).where(cap, '>=', floor))
        .onConflict((oc) => {
          const refilled = dialect.least(
            cap,
            sql<number>`budgets.tokens + ${dialect.greatest(sql.lit(0), sql<number>`${now} - budgets.updated_at`)} * ${rate}`,
          );
          return oc
            .column('key')
            .doUpdateSet({ tokens: sql<number>`${refilled} - 1`, updated_at: dialect.greatest(sql.ref('budgets.updated_at'), sql.val(now)) })
            .where(refilled, '>=', floor);
        })
        .executeTakeFirst();
      return r.numInsertedOrUpdatedRows === 1n;
    },
  };
}
