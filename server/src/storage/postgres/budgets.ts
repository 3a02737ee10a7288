import type { BudgetsRepository } from '../port';
import { changes, type PgPool } from './db';

/**
 * Token buckets over PostgreSQL: one upsert, straight to the pool. A concurrent take of the same bucket
 * waits for the row lock and re-evaluates the WHERE against the row the first one left, so no token is
 * taken twice on any number of instances.
 */
export function createBudgetsRepository(pool: PgPool): BudgetsRepository {
  return {
    take: async (key, capacity, perMs, now, keep) =>
      (await changes(
        pool,
        `INSERT INTO budgets (key, tokens, updated_at) SELECT $1, $2::float8 - 1, $3 WHERE $2::float8 >= 1 + $5::float8
         ON CONFLICT (key) DO UPDATE SET
           tokens = LEAST($2::float8, budgets.tokens + GREATEST(0, $3 - budgets.updated_at) * $4::float8) - 1,
           updated_at = GREATEST(budgets.updated_at, $3)
         WHERE LEAST($2::float8, budgets.tokens + GREATEST(0, $3 - budgets.updated_at) * $4::float8) >= 1 + $5::float8`,
        [key, capacity, now, perMs, keep],
      )) === 1,
  };
}
