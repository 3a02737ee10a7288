import type { BudgetsRepository } from '../port';
import { run, type SqliteDatabase } from './db';

/** Token buckets over SQLite: one upsert whose WHERE refuses the take, so it is atomic across processes. */
export function createBudgetsRepository(db: SqliteDatabase): BudgetsRepository {
  // The refill is computed from the stored row in the same statement that takes the token.
  const take = db.prepare(`INSERT INTO budgets (key, tokens, updated_at) SELECT @key, @capacity - 1, @now WHERE @capacity >= 1 + @keep
    ON CONFLICT (key) DO UPDATE SET
      tokens = MIN(@capacity, budgets.tokens + MAX(0, @now - budgets.updated_at) * @perMs) - 1,
      updated_at = MAX(budgets.updated_at, @now)
    WHERE MIN(@capacity, budgets.tokens + MAX(0, @now - budgets.updated_at) * @perMs) >= 1 + @keep`);
  return {
    take: (key, capacity, perMs, now, keep) => run(() => take.run({ key, capacity, perMs, now, keep }).changes === 1),
  };
}
