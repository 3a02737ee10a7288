import type { Clock } from '../../clock';
import type { CheckoutsRepository, NewCheckoutResult } from '../port';
import { sameQuantities } from '../same-quantities';
import { changes, inTransaction, one, Rollback, rows, type PgClient, type PgPool, type Queryable } from './db';
import { toCheckout, type CheckoutRow } from '../rows';

const list = async (c: PgClient, text: string, values: unknown[]) => (await rows<CheckoutRow>(c, text, values)).map(toCheckout);
const byId = async (c: Queryable, id: string) => {
  const row = await one<CheckoutRow>(c, 'SELECT * FROM checkouts WHERE id = $1', [id]);
  return row ? toCheckout(row) : null;
};
const RECONCILE = `SELECT * FROM checkouts WHERE status = 'open' AND payment_intent_id IS NOT NULL AND superseded_at IS NULL
  AND (created_at >= $1 OR intent_status = 'processing')`;

/**
 * Checkout sessions over PostgreSQL.
 * - create: the cart's version is bumped first by a compare-and-set UPDATE, which also takes the cart's row
 *   lock until COMMIT; concurrent creates of one cart therefore run one after the other, and the per-cart cap
 *   is counted by a later statement of the same transaction, which (READ COMMITTED: a fresh snapshot per
 *   statement) sees every session an earlier creator committed. Over the cap, the transaction rolls back,
 *   version bump included.
 * - saveDetails: one compare-and-set UPDATE on (open, no order, details_version); a concurrent recordPaid holds
 *   the row FOR UPDATE, so this waits for it, re-checks the WHERE against the paid row and changes nothing.
 * - attachPaymentIntent: `UPDATE … WHERE payment_intent_id IS NULL`; a concurrent caller waits for the row
 *   lock, re-checks the WHERE and changes nothing, then reads the winner's intent back.
 */
export function createCheckoutsRepository(pool: PgPool, clock: Clock): CheckoutsRepository {
  const tx = <T>(work: (c: PgClient) => Promise<T>) => inTransaction(pool, work);
  return {
    create: (n) =>
      inTransaction<NewCheckoutResult>(pool, async (c) => {
        const claimed = await changes(c, `UPDATE carts SET version = version + 1 WHERE id = $1 AND version = $2 AND status = 'open'`, [n.cartId, n.cartVersion]);
        if (claimed === 0) return { status: 'cart_changed' };
        // A quantity change keeps the version (carts.writeLine keepVersion): compare the lines themselves,
        // read after our row lock, so any such write that committed before is seen.
        const stored = await rows<{ product_id: string; quantity: number }>(c, 'SELECT product_id, quantity FROM cart_items WHERE cart_id = $1', [n.cartId]);
        if (!sameQuantities(stored.map((r) => [r.product_id, r.quantity]), n.lineQuantities)) {
          throw new Rollback<NewCheckoutResult>({ status: 'cart_changed' });
        }
        const now = clock.now();
        const live = (await one<{ n: number; first: number | null }>(
          c,
          `SELECT COUNT(*) AS n, MIN(expires_at) AS first FROM checkouts WHERE cart_id = $1 AND status = 'open' AND expires_at > $2`,
          [n.cartId, now],
        ))!;
        if (live.n >= n.maxLivePerCart) throw new Rollback<NewCheckoutResult>({ status: 'limit_reached', retryAt: live.first ?? now });
        await c.query(
          `INSERT INTO checkouts (id, token_hash, store_id, cart_id, lines_json, amount, subtotal, currency, livemode, account_id, status, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, 'open', $10, $11)`,
          [n.id, n.tokenHash, n.storeId, n.cartId, JSON.stringify(n.lines), n.amount, n.currency, n.livemode, n.accountId, now, n.expiresAt],
        );
        return { status: 'created', checkout: (await byId(c, n.id))! };
      }),
    get: (id) => byId(pool, id),
    findByTokenHash: async (tokenHash) => {
      const row = await one<CheckoutRow>(pool, 'SELECT * FROM checkouts WHERE token_hash = $1', [tokenHash]);
      return row ? toCheckout(row) : null;
    },
    saveDetails: async (d) => {
      const row = await one<CheckoutRow>(
        pool,
        `UPDATE checkouts SET details_json = $1, shipping_amount = $2, amount = $3, details_version = details_version + 1
         WHERE id = $4 AND status = 'open' AND order_id IS NULL AND details_version = $5 RETURNING *`,
        [JSON.stringify(d.details), d.shippingAmount, d.amount, d.id, d.version],
      );
      if (row) return { status: 'saved', checkout: toCheckout(row) };
      return { status: 'changed', checkout: await byId(pool, d.id) };
    },
    attachPaymentIntent: (id, paymentIntentId, clientSecretSealed, accountId) =>
      tx(async (c) => {
        await c.query(
          'UPDATE checkouts SET payment_intent_id = $1, sealed_client_secret = $2, account_id = COALESCE($4, account_id) WHERE id = $3 AND payment_intent_id IS NULL',
          [paymentIntentId, clientSecretSealed, id, accountId ?? null],
        );
        return (await byId(c, id))!;
      }),
    sealClientSecret: (id, sealed) =>
      tx(async (c) => void (await c.query('UPDATE checkouts SET sealed_client_secret = $1, client_secret = NULL WHERE id = $2', [sealed, id]))),
    listPlaintextSecrets: () =>
      tx((c) => rows<{ id: string; store_id: string; client_secret: string }>(c, 'SELECT id, store_id, client_secret FROM checkouts WHERE client_secret IS NOT NULL')),
    markSuperseded: (id) =>
      tx(async (c) => void (await c.query(`UPDATE checkouts SET superseded_at = $1 WHERE id = $2 AND status = 'open' AND superseded_at IS NULL`, [clock.now(), id]))),
    recordIntentStatus: async (id, status, checkedAt, readAt) => {
      await pool.query('UPDATE checkouts SET intent_status = $1, intent_checked_at = $2, intent_read_at = $3 WHERE id = $4', [status, checkedAt, readAt, id]);
    },
    claimIntentCheck: async (id, now, spacingMs) =>
      (await changes(
        pool,
        'UPDATE checkouts SET intent_check_claimed_at = $1 WHERE id = $2 AND (intent_check_claimed_at IS NULL OR intent_check_claimed_at <= $3)',
        [now, id, now - spacingMs],
      )) === 1,
    listToReconcile: (since, storeId) =>
      tx((c) => (storeId ? list(c, `${RECONCILE} AND store_id = $2 ORDER BY created_at`, [since, storeId]) : list(c, `${RECONCILE} ORDER BY created_at`, [since]))),
    listOpenWithIntentForCart: (cartId) =>
      tx((c) => list(c, `SELECT * FROM checkouts WHERE cart_id = $1 AND status = 'open' AND payment_intent_id IS NOT NULL`, [cartId])),
    purgeAbandoned: (before) =>
      tx((c) =>
        changes(c, `DELETE FROM checkouts WHERE status = 'open' AND expires_at < $1
                    AND (payment_intent_id IS NULL OR superseded_at IS NOT NULL OR intent_status = 'canceled')`, [before]),
      ),
  };
}
