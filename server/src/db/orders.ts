import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { CartLine } from '../checkout/money';
import { newId } from '../checkout/ids';
import type { Order, OrderPage, OrdersRepository, PaidPayment } from '../storage';
import type { SqliteDatabase } from './index';

interface OrderRow {
  id: string;
  store_id: string;
  checkout_id: string;
  status: Order['status'];
  amount: number;
  amount_refunded: number;
  currency: string;
  items_json: string;
  payment_intent_id: string;
  livemode: number;
  customer_email: string | null;
  created_at: number;
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    store_id: row.store_id,
    checkout_id: row.checkout_id,
    status: row.status,
    amount: row.amount,
    amount_refunded: row.amount_refunded,
    currency: row.currency,
    items: JSON.parse(row.items_json) as CartLine[],
    payment_intent_id: row.payment_intent_id,
    livemode: row.livemode === 1,
    customer_email: row.customer_email,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Orders over SQLite: one per PaymentIntent, recorded by whoever sees the payment first. */
export function createOrdersRepository(db: SqliteDatabase, clock: Clock): OrdersRepository {
  const q = {
    byId: db.prepare('SELECT * FROM orders WHERE id = ?'),
    byIntent: db.prepare('SELECT * FROM orders WHERE payment_intent_id = ?'),
    checkout: db.prepare('SELECT id, store_id, cart_id, lines_json, payment_intent_id FROM checkouts WHERE id = ?'),
    insert: db.prepare(`INSERT INTO orders (id, store_id, checkout_id, cart_id, status, amount, currency, items_json,
                          payment_intent_id, livemode, customer_email, source, created_at, updated_at)
                        VALUES (?, ?, ?, ?, 'paid', ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    closeCheckout: db.prepare(`UPDATE checkouts SET status = 'paid', order_id = ?,
                                 payment_intent_id = COALESCE(payment_intent_id, ?) WHERE id = ?`),
    closeCart: db.prepare(`UPDATE carts SET status = 'closed', updated_at = ? WHERE id = ?`),
    // A charge's amount_refunded only grows, but Stripe may deliver an older charge.refunded after a newer
    // one: keep the larger amount so a late partial-refund event cannot undo a full refund.
    refund: db.prepare(`UPDATE orders SET amount_refunded = MAX(amount_refunded, @refunded), updated_at = @now,
                          status = CASE WHEN MAX(amount_refunded, @refunded) >= amount THEN 'refunded' ELSE 'partially_refunded' END
                        WHERE store_id = @store AND payment_intent_id = @intent`),
    page: db.prepare(`SELECT * FROM orders WHERE store_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`),
    seqOf: db.prepare('SELECT seq FROM orders WHERE store_id = ? AND id = ?').pluck(),
    seen: db.prepare(`INSERT OR IGNORE INTO webhook_events (store_id, event_id, type, received_at)
                      VALUES (?, ?, ?, ?)`),
  };

  const recordPaid = db.transaction((p: PaidPayment) => {
    const existing = q.byIntent.get(p.paymentIntentId) as OrderRow | undefined;
    if (existing) return { order: toOrder(existing), created: false };
    const chk = q.checkout.get(p.checkoutId) as
      | { id: string; store_id: string; cart_id: string; lines_json: string; payment_intent_id: string | null }
      | undefined;
    if (!chk) throw new AppError('checkout_not_found', 404, 'Checkout session not found');
    if (chk.payment_intent_id && chk.payment_intent_id !== p.paymentIntentId) {
      throw new AppError('payment_intent_mismatch', 422, 'This payment does not belong to this checkout session');
    }
    const now = clock.now();
    const id = newId('ord');
    q.insert.run(id, chk.store_id, chk.id, chk.cart_id, p.amount, p.currency, chk.lines_json, p.paymentIntentId,
      p.livemode ? 1 : 0, p.customerEmail, p.source, now, now);
    q.closeCheckout.run(id, p.paymentIntentId, chk.id);
    q.closeCart.run(now, chk.cart_id);
    return { order: toOrder(q.byId.get(id) as OrderRow), created: true };
  });

  const once = db.transaction((storeId: string, eventId: string, type: string, effect: () => void) => {
    if (q.seen.run(storeId, eventId, type, clock.now()).changes === 0) return false;
    effect();
    return true;
  });

  return {
    // IMMEDIATE: the sweep CLI may record from another process; take the write lock before reading.
    recordPaid: (payment) => recordPaid.immediate(payment),
    recordRefund(storeId, paymentIntentId, amountRefunded) {
      q.refund.run({ refunded: amountRefunded, now: clock.now(), store: storeId, intent: paymentIntentId });
      const row = q.byIntent.get(paymentIntentId) as OrderRow | undefined;
      return row && row.store_id === storeId ? toOrder(row) : null;
    },
    get(id) {
      const row = q.byId.get(id) as OrderRow | undefined;
      return row ? toOrder(row) : null;
    },
    findByPaymentIntent(paymentIntentId) {
      const row = q.byIntent.get(paymentIntentId) as OrderRow | undefined;
      return row ? toOrder(row) : null;
    },
    listForStore(storeId, { limit, startingAfter }): OrderPage {
      let before = Number.MAX_SAFE_INTEGER;
      if (startingAfter) {
        const seq = q.seqOf.get(storeId, startingAfter) as number | undefined;
        if (seq === undefined) throw new AppError('order_not_found', 404, `No order '${startingAfter}' in this store`);
        before = seq;
      }
      const rows = q.page.all(storeId, before, limit + 1) as OrderRow[];
      return { data: rows.slice(0, limit).map(toOrder), has_more: rows.length > limit };
    },
    handleEventOnce: (storeId, eventId, type, effect) => once.immediate(storeId, eventId, type, effect),
  };
}
