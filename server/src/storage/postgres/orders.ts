import type { Clock } from '../../clock';
import type { OrdersRepository, PaidPayment, RecordPaidResult, RefundResult, StripeEventRef } from '../port';
import { changes, inTransaction, LOCK, one, Rollback, rows, type PgClient } from './db';
import type { PgPool } from './db';
import { orderDetailsOf, toOrder, type OrderRow, type SessionMoneyRow } from '../rows';

const orderBy = async (c: PgClient, column: 'id' | 'payment_intent_id', value: string) => {
  const row = await one<OrderRow>(c, `SELECT * FROM orders WHERE ${column} = $1`, [value]);
  return row ? toOrder(row) : null;
};

/** Remembers a Stripe event; false when it was handled before (the primary key decides a race). */
const remember = async (c: PgClient, storeId: string, e: StripeEventRef, now: number) =>
  (await changes(c, `INSERT INTO webhook_events (store_id, event_id, type, received_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (store_id, event_id) DO NOTHING`, [storeId, e.id, e.type, now])) > 0;

/**
 * Orders over PostgreSQL.
 * - recordPaid, once per PaymentIntent: SQLite's single writer made "look for the order, then insert it" safe;
 *   here the transaction first takes `pg_advisory_xact_lock(LOCK.intent, hashtext(intent))`, so concurrent
 *   calls for one intent run one after the other and the later ones (READ COMMITTED: a fresh snapshot per
 *   statement) find the committed order and answer 'existing'. The session row is then read FOR UPDATE, so
 *   a payment with another intent for the same session sees the first one's intent (intent_mismatch). The
 *   unique keys on orders.payment_intent_id and orders.checkout_id stay as the last line of defence.
 * - events are remembered with `INSERT … ON CONFLICT DO NOTHING` on (store_id, event_id): a concurrent
 *   delivery of one event waits for the first transaction and then finds it (null / 'duplicate').
 * - refunds only grow: one `UPDATE … SET amount_refunded = GREATEST(amount_refunded, $n)`, atomic per row.
 */
export function createOrdersRepository(pool: PgPool, clock: Clock): OrdersRepository {
  const tx = <T>(work: (c: PgClient) => Promise<T>) => inTransaction(pool, work);

  const recordPaid = async (c: PgClient, p: PaidPayment): Promise<RecordPaidResult> => {
    await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK.intent, p.paymentIntentId]);
    const existing = await orderBy(c, 'payment_intent_id', p.paymentIntentId);
    if (existing) return { status: 'existing', order: existing };
    const chk = await one<{ id: string; store_id: string; cart_id: string; lines_json: string; payment_intent_id: string | null; currency: string } & SessionMoneyRow>(
      c,
      `SELECT id, store_id, cart_id, lines_json, payment_intent_id, amount, currency, subtotal, shipping_amount, details_json
       FROM checkouts WHERE id = $1 FOR UPDATE`,
      [p.checkoutId],
    );
    if (!chk) return { status: 'checkout_not_found', order: null };
    if (chk.payment_intent_id && chk.payment_intent_id !== p.paymentIntentId) return { status: 'intent_mismatch', order: null };
    if (chk.amount !== p.amount || chk.currency !== p.currency) return { status: 'amount_mismatch', order: null };
    const now = clock.now();
    const d = orderDetailsOf(chk, p.customerEmail);
    const row = (await one<OrderRow>(
      c,
      `INSERT INTO orders (id, store_id, checkout_id, cart_id, status, amount, currency, items_json, payment_intent_id, livemode,
                           customer_email, source, created_at, updated_at, subtotal, shipping_amount, customer_json, shipping_json)
       VALUES ($1, $2, $3, $4, 'paid', $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16) RETURNING *`,
      [p.orderId, chk.store_id, chk.id, chk.cart_id, p.amount, p.currency, chk.lines_json, p.paymentIntentId, p.livemode, d.customer_email, p.source, now,
        d.subtotal, d.shipping_amount, d.customer_json, d.shipping_json],
    ))!;
    await c.query(`UPDATE checkouts SET status = 'paid', order_id = $1, payment_intent_id = COALESCE(payment_intent_id, $2) WHERE id = $3`, [
      p.orderId, p.paymentIntentId, chk.id,
    ]);
    await c.query(`UPDATE carts SET status = 'closed', version = version + 1, updated_at = $1 WHERE id = $2`, [now, chk.cart_id]);
    return { status: 'created', order: toOrder(row) };
  };

  return {
    recordPaid: (payment) => tx((c) => recordPaid(c, payment)),
    recordPaidFromEvent: (storeId, event, payment) =>
      tx(async (c) => ((await remember(c, storeId, event, clock.now())) ? recordPaid(c, payment) : null)),
    recordRefundFromEvent: (storeId, event, r) =>
      inTransaction<RefundResult>(pool, async (c) => {
        const now = clock.now();
        if (!(await remember(c, storeId, event, now))) return { status: 'duplicate' };
        // A charge's amount_refunded only grows, but Stripe may deliver an older charge.refunded after a newer
        // one: keep the larger amount so a late partial-refund event cannot undo a full refund.
        await c.query(
          `UPDATE orders SET amount_refunded = GREATEST(amount_refunded, $1), updated_at = $2,
             status = CASE WHEN GREATEST(amount_refunded, $1) >= amount THEN 'refunded' ELSE 'partially_refunded' END
           WHERE store_id = $3 AND payment_intent_id = $4`,
          [r.amountRefunded, now, storeId, r.paymentIntentId],
        );
        const order = await orderBy(c, 'payment_intent_id', r.paymentIntentId);
        if (order && order.store_id === storeId) return { status: 'applied', order };
        const open = await one(c, `SELECT 1 FROM checkouts WHERE store_id = $1 AND payment_intent_id = $2 AND status = 'open'`, [storeId, r.paymentIntentId]);
        if (!open) return { status: 'not_ours' };
        // Forget the event again (roll back): Stripe must deliver it once the order exists.
        throw new Rollback<RefundResult>({ status: 'order_not_recorded_yet' });
      }),
    noteEvent: (storeId, event) => tx((c) => remember(c, storeId, event, clock.now())),
    purgeEvents: (before) => changes(pool, 'DELETE FROM webhook_events WHERE received_at < $1', [before]),
    get: (id) => tx((c) => orderBy(c, 'id', id)),
    findByPaymentIntent: (paymentIntentId) => tx((c) => orderBy(c, 'payment_intent_id', paymentIntentId)),
    listForStore: (storeId, { limit, startingAfter }) =>
      tx(async (c) => {
        let before = Number.MAX_SAFE_INTEGER;
        if (startingAfter) {
          const seq = await one<{ seq: number }>(c, 'SELECT seq FROM orders WHERE store_id = $1 AND id = $2', [storeId, startingAfter]);
          if (!seq) return null;
          before = seq.seq;
        }
        const rs = await rows<OrderRow>(c, 'SELECT * FROM orders WHERE store_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3', [storeId, before, limit + 1]);
        return { data: rs.slice(0, limit).map(toOrder), has_more: rs.length > limit };
      }),
  };
}
