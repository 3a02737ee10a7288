import type { Clock } from '../../clock';
import type { OrdersRepository, PaidPayment, RecordPaidResult, RefundResult, StripeEventRef } from '../port';
import { run, type SqliteDatabase } from './db';
import { orderDetailsOf, toOrder, type OrderRow, type SessionMoneyRow } from '../rows';

/** Orders over SQLite: one per PaymentIntent, recorded by whoever sees the payment first. */
export function createOrdersRepository(db: SqliteDatabase, clock: Clock): OrdersRepository {
  const q = {
    byId: db.prepare('SELECT * FROM orders WHERE id = ?'),
    byIntent: db.prepare('SELECT * FROM orders WHERE payment_intent_id = ?'),
    checkout: db.prepare(`SELECT id, store_id, cart_id, lines_json, payment_intent_id, amount, currency, subtotal,
                                 shipping_amount, details_json
                          FROM checkouts WHERE id = ?`),
    insert: db.prepare(`INSERT INTO orders (id, store_id, checkout_id, cart_id, status, amount, currency, items_json,
                          payment_intent_id, livemode, customer_email, source, created_at, updated_at,
                          subtotal, shipping_amount, customer_json, shipping_json)
                        VALUES (?, ?, ?, ?, 'paid', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    closeCheckout: db.prepare(`UPDATE checkouts SET status = 'paid', order_id = ?,
                                 payment_intent_id = COALESCE(payment_intent_id, ?) WHERE id = ?`),
    closeCart: db.prepare(`UPDATE carts SET status = 'closed', version = version + 1, updated_at = ? WHERE id = ?`),
    // A charge's amount_refunded only grows, but Stripe may deliver an older charge.refunded after a newer
    // one: keep the larger amount so a late partial-refund event cannot undo a full refund.
    refund: db.prepare(`UPDATE orders SET amount_refunded = MAX(amount_refunded, @refunded), updated_at = @now,
                          status = CASE WHEN MAX(amount_refunded, @refunded) >= amount THEN 'refunded' ELSE 'partially_refunded' END
                        WHERE store_id = @store AND payment_intent_id = @intent`),
    openSessionWithIntent: db.prepare(`SELECT 1 FROM checkouts WHERE store_id = ? AND payment_intent_id = ?
                                         AND status = 'open'`),
    page: db.prepare(`SELECT * FROM orders WHERE store_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`),
    seqOf: db.prepare('SELECT seq FROM orders WHERE store_id = ? AND id = ?').pluck(),
    purgeEvents: db.prepare('DELETE FROM webhook_events WHERE received_at < ?'),
    seen: db.prepare(`INSERT OR IGNORE INTO webhook_events (store_id, event_id, type, received_at)
                      VALUES (?, ?, ?, ?)`),
  };

  const byIntent = (id: string) => {
    const row = q.byIntent.get(id) as OrderRow | undefined;
    return row ? toOrder(row) : null;
  };

  const recordPaid = (p: PaidPayment): RecordPaidResult => {
    const existing = byIntent(p.paymentIntentId);
    if (existing) return { status: 'existing', order: existing };
    const chk = q.checkout.get(p.checkoutId) as
      | ({ id: string; store_id: string; cart_id: string; lines_json: string; payment_intent_id: string | null; currency: string } & SessionMoneyRow)
      | undefined;
    if (!chk) return { status: 'checkout_not_found', order: null };
    if (chk.payment_intent_id && chk.payment_intent_id !== p.paymentIntentId) return { status: 'intent_mismatch', order: null };
    if (chk.amount !== p.amount || chk.currency !== p.currency) return { status: 'amount_mismatch', order: null };
    const now = clock.now();
    const d = orderDetailsOf(chk, p.customerEmail);
    q.insert.run(p.orderId, chk.store_id, chk.id, chk.cart_id, p.amount, p.currency, chk.lines_json, p.paymentIntentId,
      p.livemode ? 1 : 0, d.customer_email, p.source, now, now, d.subtotal, d.shipping_amount, d.customer_json, d.shipping_json);
    q.closeCheckout.run(p.orderId, p.paymentIntentId, chk.id);
    q.closeCart.run(now, chk.cart_id);
    return { status: 'created', order: toOrder(q.byId.get(p.orderId) as OrderRow) };
  };

  const recordPaidTx = db.transaction(recordPaid);

  const remember = (storeId: string, e: StripeEventRef) => q.seen.run(storeId, e.id, e.type, clock.now()).changes > 0;

  const recordPaidFromEvent = db.transaction((storeId: string, e: StripeEventRef, p: PaidPayment) =>
    remember(storeId, e) ? recordPaid(p) : null,
  );

  const recordRefundFromEvent = db.transaction(
    (storeId: string, e: StripeEventRef, r: { paymentIntentId: string; amountRefunded: number }): RefundResult => {
      if (!remember(storeId, e)) return { status: 'duplicate' };
      q.refund.run({ refunded: r.amountRefunded, now: clock.now(), store: storeId, intent: r.paymentIntentId });
      const order = byIntent(r.paymentIntentId);
      if (order && order.store_id === storeId) return { status: 'applied', order };
      if (!q.openSessionWithIntent.get(storeId, r.paymentIntentId)) return { status: 'not_ours' };
      // Forget the event again (throwing rolls back): Stripe must deliver it once the order exists.
      throw new RefundTooEarly();
    },
  );

  return {
    // IMMEDIATE: the sweep CLI may record from another process; take the write lock before reading.
    recordPaid: (payment) => run(() => recordPaidTx.immediate(payment)),
    recordPaidFromEvent: (storeId, event, payment) => run(() => recordPaidFromEvent.immediate(storeId, event, payment)),
    recordRefundFromEvent: (storeId, event, refund) =>
      run(() => {
        try {
          return recordRefundFromEvent.immediate(storeId, event, refund);
        } catch (err) {
          if (err instanceof RefundTooEarly) return { status: 'order_not_recorded_yet' as const };
          throw err;
        }
      }),
    noteEvent: (storeId, event) => run(() => remember(storeId, event)),
    purgeEvents: (before) => run(() => q.purgeEvents.run(before).changes),
    get: (id) =>
      run(() => {
        const row = q.byId.get(id) as OrderRow | undefined;
        return row ? toOrder(row) : null;
      }),
    findByPaymentIntent: (paymentIntentId) => run(() => byIntent(paymentIntentId)),
    listForStore: (storeId, { limit, startingAfter }) =>
      run(() => {
        let before = Number.MAX_SAFE_INTEGER;
        if (startingAfter) {
          const seq = q.seqOf.get(storeId, startingAfter) as number | undefined;
          if (seq === undefined) return null;
          before = seq;
        }
        const rows = q.page.all(storeId, before, limit + 1) as OrderRow[];
        return { data: rows.slice(0, limit).map(toOrder), has_more: rows.length > limit };
      }),
  };
}

/** Rolls back a refund event that came before its order (better-sqlite3 rolls back on a throw). */
class RefundTooEarly extends Error {}
