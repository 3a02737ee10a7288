/**
 * A paid order's Stripe Tax transaction (the tax it owes, reported on the merchant's account): made once from
 * the calculation its session was priced with, `reference` the order id. Exactly once, however the webhook,
 * /complete and the sweep race on any instances:
 *   1. the database claim (storage taxTransactions.claim: one conditional UPDATE) lets one caller at a time try;
 *   2. the Stripe call's idempotency key is derived from the order id, so a retry after a crash between Stripe's
 *      answer and step 3 gets the same transaction back (and Stripe refuses a second one with the same reference);
 *   3. the transaction id is stored on the order, which ends the claims.
 * A failure never touches the order: it is recorded on the order (error, attempts) and retried by the sweep
 * after a back-off. The transaction is a report to Stripe Tax, never a condition of the sale.
 */
import type { AppDeps } from '../deps';
import { withMerchantStripe } from '../stripe/merchant';

type TaxTransactionDeps = Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>;

/** How long a claim holds while one caller asks Stripe (longer than the Stripe client's timeout and retries). */
export const TAX_TRANSACTION_CLAIM_MS = 2 * 60 * 1000;
/** First retry after a failure; each failure doubles it, up to RETRY_MAX_MS. */
const RETRY_BASE_MS = 60 * 1000;
const RETRY_MAX_MS = 6 * 60 * 60 * 1000;
/** Orders one sweep makes transactions for (the rest wait for the next sweep). */
export const TAX_TRANSACTIONS_PER_SWEEP = 100;

/** The idempotency key of an order's transaction: the same on every instance and every retry. */
export const taxTransactionIdempotencyKey = (orderId: string): string => `tax-transaction-${orderId}`;

/** What one attempt did. */
export type TaxTransactionOutcome = 'created' | 'not_due' | 'failed';

/** Makes the order's tax transaction if it owes one and nobody else is making it now. Never throws. */
export async function commitTaxTransaction(deps: TaxTransactionDeps, orderId: string): Promise<TaxTransactionOutcome> {
  let claim;
  try {
    claim = await deps.storage.taxTransactions.claim(orderId, TAX_TRANSACTION_CLAIM_MS);
  } catch (err) {
    deps.logger.warn({ order_id: orderId, err: (err as Error).message }, 'claiming a tax transaction failed');
    return 'failed';
  }
  if (!claim) return 'not_due';
  try {
    const transaction = await withMerchantStripe(deps, claim.store_id, ({ stripe }) =>
      stripe.tax.transactions.createFromCalculation(
        { calculation: claim.calculation_id, reference: orderId, metadata: { order_id: orderId } },
        { idempotencyKey: taxTransactionIdempotencyKey(orderId) },
      ),
    );
    await deps.storage.taxTransactions.complete(orderId, transaction.id);
    deps.logger.info({ store_id: claim.store_id, order_id: orderId, tax_transaction_id: transaction.id }, 'tax transaction recorded');
    return 'created';
  } catch (err) {
    const e = err as { code?: string; message?: string; name?: string };
    const message = `${e.code ?? e.name ?? 'error'}: ${e.message ?? 'unknown'}`;
    const retryAt = deps.clock.now() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(claim.attempts, 20));
    await deps.storage.taxTransactions.fail(orderId, message, retryAt).catch(() => undefined);
    deps.logger.warn({ store_id: claim.store_id, order_id: orderId, code: e.code, attempts: claim.attempts + 1 }, 'tax transaction failed; retried later');
    return 'failed';
  }
}

/** Makes the transactions of orders that still owe one (the sweep's part): how many were made. */
export async function commitDueTaxTransactions(deps: TaxTransactionDeps): Promise<number> {
  let made = 0;
  for (const orderId of await deps.storage.taxTransactions.listDue(TAX_TRANSACTIONS_PER_SWEEP)) {
    if ((await commitTaxTransaction(deps, orderId)) === 'created') made += 1;
  }
  return made;
}
