import type { Kysely } from 'kysely';
import type { Clock } from '../../clock';
import type { Database } from '../db/schema';
import type { TaxTransactionsRepository } from '../port';

/**
 * The Stripe Tax transaction each paid order with a calculation owes (migration 019), on the order's row. Each
 * method is ONE statement: the claim is a conditional UPDATE (no transaction yet, no live claim) that one caller
 * of any instance wins, so the webhook, /complete and the sweep never ask Stripe for the same order at once.
 */
export function createTaxTransactionsRepository(db: Kysely<Database>, clock: Clock): TaxTransactionsRepository {
  const owing = () => db.updateTable('orders').where('tax_calculation_id', 'is not', null).where('tax_transaction_id', 'is', null);
  return {
    claim: async (orderId, leaseMs) => {
      const now = clock.now();
      const row = await owing()
        .set({ tax_transaction_claimed_until: now + leaseMs })
        .where('id', '=', orderId)
        .where((eb) => eb.or([eb('tax_transaction_claimed_until', 'is', null), eb('tax_transaction_claimed_until', '<=', now)]))
        .returning(['id', 'store_id', 'tax_calculation_id', 'tax_transaction_attempts'])
        .executeTakeFirst();
      return row ? { order_id: row.id, store_id: row.store_id, calculation_id: row.tax_calculation_id!, attempts: row.tax_transaction_attempts } : null;
    },
    complete: async (orderId, transactionId) => {
      const r = await owing()
        .set({ tax_transaction_id: transactionId, tax_transaction_claimed_until: null, tax_transaction_error: null })
        .where('id', '=', orderId)
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },
    fail: async (orderId, message, retryAt) =>
      void (await owing()
        .set((eb) => ({
          tax_transaction_error: message.slice(0, 500),
          tax_transaction_claimed_until: retryAt,
          tax_transaction_attempts: eb('tax_transaction_attempts', '+', 1),
        }))
        .where('id', '=', orderId)
        .execute()),
    listDue: async (limit) => {
      const now = clock.now();
      const rows = await db
        .selectFrom('orders')
        .select('id')
        .where('tax_calculation_id', 'is not', null)
        .where('tax_transaction_id', 'is', null)
        .where((eb) => eb.or([eb('tax_transaction_claimed_until', 'is', null), eb('tax_transaction_claimed_until', '<=', now)]))
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    get: async (orderId) => {
      const row = await db
        .selectFrom('orders')
        .select(['tax_calculation_id', 'tax_transaction_id', 'tax_transaction_error', 'tax_transaction_attempts'])
        .where('id', '=', orderId)
        .executeTakeFirst();
      return row
        ? {
            calculation_id: row.tax_calculation_id,
            transaction_id: row.tax_transaction_id,
            error: row.tax_transaction_error,
            attempts: row.tax_transaction_attempts,
          }
        : null;
    },
  };
}
