import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../clock';
import { LOCKS, Rollback, type Dialect } from '../db/dialect';
import type { Database, OrdersTable } from '../db/schema';
import type { Announce, Order, OrdersRepository, PaidPayment, RecordPaidResult, RefundResult, StripeEventRef } from '../port';
import { orderDetailsOf, toOrder } from '../rows';
import { sellLines, type StockLine } from './stock';
import { redeemDiscount } from './discount-limits';
import { writeAnnounced } from './outbox';
import { OPEN_SESSION } from './checkouts';

/**
 * Orders and the Stripe events already handled.
 * - recordPaid, once per PaymentIntent: "look for the order, then insert it" is safe under SQLite's lone
 *   transaction; on PostgreSQL the transaction first takes `dialect.lock(LOCKS.intent, intent)`, so concurrent
 *   calls for one intent run one after the other and the later ones (READ COMMITTED: a fresh snapshot per
 *   statement) find the committed order and answer 'existing'. The session row is then read forUpdate, so a
 *   payment with another intent for the same session sees the first one's intent (intent_mismatch). The unique
 *   keys on orders.payment_intent_id and orders.checkout_id stay as the last line of defence.
 * - events are remembered with `INSERT … ON CONFLICT DO NOTHING` on (store_id, event_id): a concurrent delivery
 *   of one event waits for the first transaction and then finds it (null / 'duplicate').
 * - refunds only grow: one UPDATE with `dialect.greatest(amount_refunded, new)`, atomic per row.
 */
export function createOrdersRepository(db: Kysely<Database>, dialect: Dialect, clock: Clock): OrdersRepository {
  const tx = <T>(work: (trx: Kysely<Database>) => Promise<T>) => dialect.transaction(db, work);
  const map = (row: Selectable<OrdersTable> | undefined) => (row ? toOrder(row) : null);
  const orderBy = async (q: Kysely<Database>, column: 'id' | 'payment_intent_id', value: string) =>
    map(await q.selectFrom('orders').selectAll().where(column, '=', value).executeTakeFirst());

  /** Remembers a Stripe event; false when it was handled before (the primary key decides a race). */
  const remember = async (q: Kysely<Database>, storeId: string, e: StripeEventRef) => {
    const r = await q
      .insertInto('webhook_events')
      .values({ store_id: storeId, event_id: e.id, type: e.type, received_at: clock.now() })
      .onConflict((oc) => oc.columns(['store_id', 'event_id']).doNothing())
      .executeTakeFirst();
    return r.numInsertedOrUpdatedRows === 1n;
  };

  const recordPaid = async (trx: Kysely<Database>, p: PaidPayment, announce?: Announce<Order>): Promise<RecordPaidResult> => {
    await dialect.lock(trx, LOCKS.intent, p.paymentIntentId);
    const existing = await orderBy(trx, 'payment_intent_id', p.paymentIntentId);
    if (existing) return { status: 'existing', order: existing };
    const chk = await dialect
      .forUpdate(
        trx
          .selectFrom('checkouts')
          .select([
            'id',
            'store_id',
            'cart_id',
            'lines_json',
            'payment_intent_id',
            'amount',
            'currency',
            'subtotal',
            'shipping_amount',
            'details_json',
            'discount_json',
            'discount_amount',
            'tax_amount',
            'tax_lines_json',
            'tax_calculation_id',
          ])
          .where('id', '=', p.checkoutId),
      )
      .executeTakeFirst();
    if (!chk) return { status: 'checkout_not_found', order: null };
    if (chk.payment_intent_id && chk.payment_intent_id !== p.paymentIntentId) return { status: 'intent_mismatch', order: null };
    if (chk.amount !== p.amount || chk.currency !== p.currency) return { status: 'amount_mismatch', order: null };
    const now = clock.now();
    const d = orderDetailsOf(chk, p.customerEmail);
    const row = await trx
      .insertInto('orders')
      .values({
        id: p.orderId,
        store_id: chk.store_id,
        checkout_id: chk.id,
        cart_id: chk.cart_id,
        status: 'paid',
        amount: p.amount,
        currency: p.currency,
        items_json: chk.lines_json,
        payment_intent_id: p.paymentIntentId,
        livemode: dialect.bool(p.livemode),
        customer_email: d.customer_email,
        source: p.source,
        created_at: now,
        updated_at: now,
        subtotal: d.subtotal,
        shipping_amount: d.shipping_amount,
        customer_json: d.customer_json,
        shipping_json: d.shipping_json,
        discount_code: d.discount_code,
        discount_amount: d.discount_amount,
        tax_amount: d.tax_amount,
        tax_lines_json: d.tax_lines_json,
        tax_calculation_id: d.tax_calculation_id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('checkouts')
      .set((eb) => ({ status: 'paid', order_id: p.orderId, payment_intent_id: eb.fn.coalesce('payment_intent_id', eb.val(p.paymentIntentId)) }))
      .where('id', '=', chk.id)
      .execute();
    await trx
      .updateTable('carts')
      .set((eb) => ({ status: 'closed', version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', chk.cart_id)
      .execute();
    // After the cart's row lock, as checkouts.create takes them (cart, then discount): no lock-order deadlock.
    await redeemDiscount(trx, dialect, {
      discountJson: chk.discount_json,
      cartId: chk.cart_id,
      orderId: p.orderId,
      storeId: chk.store_id,
      email: d.customer_email,
      now,
    });
    // Then the products' locks (the same order again): the reservations become a sale.
    const oversold = await sellLines(trx, dialect, { checkoutId: chk.id, storeId: chk.store_id, lines: JSON.parse(chk.lines_json) as StockLine[], now });
    if (oversold)
      await trx
        .updateTable('orders')
        .set({ oversold: dialect.bool(true) })
        .where('id', '=', p.orderId)
        .execute();
    const order = { ...toOrder(row), oversold };
    await writeAnnounced(trx, dialect, announce, order); // the platform's order.paid, in this transaction
    return { status: 'created', order };
  };

  return {
    recordPaid: (payment, announce) => tx((trx) => recordPaid(trx, payment, announce)),
    recordPaidFromEvent: (storeId, event, payment, announce) =>
      tx(async (trx) => ((await remember(trx, storeId, event)) ? recordPaid(trx, payment, announce) : null)),
    recordRefundFromEvent: (storeId, event, r, announce) =>
      tx<RefundResult>(async (trx) => {
        if (!(await remember(trx, storeId, event))) return { status: 'duplicate' };
        // A charge's amount_refunded only grows, but Stripe may deliver an older charge.refunded after a newer
        // one: the row keeps the larger amount and the status that came with it, so a late partial-refund event
        // cannot undo a full refund. (Which status a refund means is the domain's rule: payments/refunds.ts.)
        await trx
          .updateTable('orders')
          .set((eb) => ({
            amount_refunded: dialect.greatest(eb.ref('amount_refunded'), eb.val(r.amountRefunded)),
            updated_at: clock.now(),
            status: eb.case().when(eb.ref('amount_refunded'), '<', eb.val(r.amountRefunded)).then(eb.val(r.status)).else(eb.ref('status')).end(),
          }))
          .where('store_id', '=', storeId)
          .where('payment_intent_id', '=', r.paymentIntentId)
          .execute();
        const order = await orderBy(trx, 'payment_intent_id', r.paymentIntentId);
        if (order && order.store_id === storeId) {
          await writeAnnounced(trx, dialect, announce, order);
          return { status: 'applied', order };
        }
        const open = await trx
          .selectFrom('checkouts')
          .select('id')
          .where('store_id', '=', storeId)
          .where('payment_intent_id', '=', r.paymentIntentId)
          .where('status', '=', OPEN_SESSION)
          .executeTakeFirst();
        if (!open) return { status: 'not_ours' };
        // Forget the event again (roll back): Stripe must deliver it once the order exists.
        throw new Rollback<RefundResult>({ status: 'order_not_recorded_yet' });
      }),
    noteEvent: (storeId, event) => remember(db, storeId, event),
    purgeEvents: async (before) => Number((await db.deleteFrom('webhook_events').where('received_at', '<', before).executeTakeFirst()).numDeletedRows),
    get: (id) => orderBy(db, 'id', id),
    findByPaymentIntent: (paymentIntentId) => orderBy(db, 'payment_intent_id', paymentIntentId),
    listForStore: (storeId, { limit, startingAfter }) =>
      tx(async (trx) => {
        let before = Number.MAX_SAFE_INTEGER;
        if (startingAfter) {
          const at = await trx.selectFrom('orders').select('seq').where('store_id', '=', storeId).where('id', '=', startingAfter).executeTakeFirst();
          if (!at) return null;
          before = at.seq;
        }
        const rows = await trx
          .selectFrom('orders')
          .selectAll()
          .where('store_id', '=', storeId)
          .where('seq', '<', before)
          .orderBy('seq', 'desc')
          .limit(limit + 1)
          .execute();
        return { data: rows.slice(0, limit).map(toOrder), has_more: rows.length > limit };
      }),
  };
}
