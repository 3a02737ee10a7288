import { sql, type Kysely, type QueryCreator, type Selectable } from 'kysely';
import type { Clock } from '../../clock';
import { Rollback, type Dialect } from '../db/dialect';
import { precompile } from '../db/precompile';
import type { CheckoutsTable, Database } from '../db/schema';
import type { CheckoutsRepository, NewCheckoutResult } from '../port';
import { CONNECTION_COLUMNS, toCheckout, toConnection, type ConnectionRow } from '../rows';
import { sameQuantities } from '../same-quantities';
import { releaseCheckout, reserveLines } from './stock';
import { reserveDiscount } from './discount-limits';
import { releaseClaimStatement } from './carts';

type ConnectionColumn = (typeof CONNECTION_COLUMNS)[number];

/**
 * A session's `status = 'open'`, written into the SQL text, never bound: `checkouts_processing` is a partial index
 * `WHERE status = 'open'`, and SQLite re-prepares a statement on EVERY run when it compares that column with a
 * bound value (the planner checked the value against the index's condition, so a new value may change the plan).
 * That re-preparation was about 5% of a payment intent's CPU. On PostgreSQL the literal lets a named statement's
 * generic plan use the partial index too.
 */
export const OPEN_SESSION = sql.lit<'open'>('open');

/**
 * Checkout sessions.
 * - create: the cart's version is bumped first by a compare-and-set UPDATE, which on PostgreSQL also takes the
 *   cart's row lock until COMMIT: concurrent creates of one cart run one after the other, and the per-cart cap
 *   is counted by a later statement of the same transaction, which (READ COMMITTED: a fresh snapshot per
 *   statement) sees every session an earlier creator committed. Over the cap, or with other quantities than
 *   the ones read, the transaction rolls back, version bump included.
 *   A limited discount is reserved in the same transaction (discount-limits.ts), after the cart's row lock.
 * - saveDetails: one compare-and-set UPDATE on (open, no order, details_version); a concurrent recordPaid holds
 *   the row forUpdate, so this waits for it, re-checks the WHERE against the paid row and changes nothing.
 * - attachPaymentIntent: `UPDATE … WHERE payment_intent_id IS NULL`; a concurrent caller waits for the row
 *   lock, re-checks the WHERE and changes nothing, then reads the winner's intent back. Given a cart claim to
 *   release, it releases it atomically with that UPDATE: on PostgreSQL in the same statement (a CTE), on SQLite
 *   in the same transaction.
 */
export function createCheckoutsRepository(db: Kysely<Database>, dialect: Dialect, clock: Clock): CheckoutsRepository {
  const tx = <T>(work: (trx: Kysely<Database>) => Promise<T>) => dialect.transaction(db, work);
  const map = (row: Selectable<CheckoutsTable> | undefined) => (row ? toCheckout(row) : null);
  // Precompiled (db/precompile.ts): a payment intent, the checkout page and its details each read the session.
  const sessionById = precompile<{ id: string }, Selectable<CheckoutsTable>>(db, (p) => db.selectFrom('checkouts').selectAll().where('id', '=', p('id')));
  const sessionByToken = precompile<{ tokenHash: string }, Selectable<CheckoutsTable>>(db, (p) =>
    db.selectFrom('checkouts').selectAll().where('token_hash', '=', p('tokenHash')),
  );
  const openWithIntentForCart = precompile<{ cartId: string }, Selectable<CheckoutsTable>>(db, (p) =>
    db.selectFrom('checkouts').selectAll().where('status', '=', OPEN_SESSION).where('cart_id', '=', p('cartId')).where('payment_intent_id', 'is not', null),
  );
  // The session, its cart's status, its store's Stripe connection and its cart's other open sessions with an
  // intent: a payment intent's reads under the cart's claim, one statement instead of four.
  const forIntentQuery = precompile<
    { id: string },
    Selectable<CheckoutsTable> & { cart_status: string | null; cart_expires_at: number | null } & Record<`conn_${ConnectionColumn}`, unknown>
  >(db, (p) =>
    db
      .selectFrom('checkouts as k')
      .leftJoin('carts as c', 'c.id', 'k.cart_id')
      .leftJoin('stripe_connections as sc', 'sc.store_id', 'k.store_id')
      .selectAll('k')
      .select(['c.status as cart_status', 'c.expires_at as cart_expires_at'])
      .select((eb) => CONNECTION_COLUMNS.map((c) => eb.ref(`sc.${c}`).as(`conn_${c}`)))
      .where('k.cart_id', '=', (eb) => eb.selectFrom('checkouts as own').select('own.cart_id').where('own.id', '=', p('id')))
      .where((eb) => eb.or([eb('k.id', '=', p('id')), eb.and([eb('k.status', '=', OPEN_SESSION), eb('k.payment_intent_id', 'is not', null)])])),
  );
  // Once per payment intent, precompiled like the reads around it (no query building per call).
  type AttachValues = { id: string; paymentIntentId: string; clientSecretSealed: string; accountId: string | null; cartId: string; owner: string };
  const attachTo = (q: QueryCreator<Database>, p: (name: keyof AttachValues) => never) =>
    q
      .updateTable('checkouts')
      .set((eb) => ({
        payment_intent_id: p('paymentIntentId'),
        sealed_client_secret: p('clientSecretSealed'),
        account_id: eb.fn.coalesce(eb.val(p('accountId')), eb.ref('account_id')),
      }))
      .where('id', '=', p('id'))
      .where('payment_intent_id', 'is', null)
      .returningAll();
  const attach = precompile<AttachValues, Selectable<CheckoutsTable>>(db, (p) => attachTo(db, p));
  // PostgreSQL: the cart claim's release in the same statement (one round trip less per payment intent).
  const attachAndRelease = precompile<AttachValues, Selectable<CheckoutsTable>>(db, (p) =>
    attachTo(
      db.with('released', (qc) =>
        qc.deleteFrom('cart_claims').where('cart_id', '=', p('cartId')).where('owner', '=', p('owner')),
      ) as unknown as QueryCreator<Database>,
      p,
    ),
  );
  // SQLite (no writes in a CTE): the release in the same transaction, one commit for both.
  const releaseClaim = releaseClaimStatement(db);
  const byId = async (q: Kysely<Database>, id: string) => map((await sessionById({ id }, q)).rows[0]);
  const open = () => db.selectFrom('checkouts').selectAll().where('status', '=', OPEN_SESSION);

  return {
    create: (n) =>
      tx<NewCheckoutResult>(async (trx) => {
        const claimed = await trx
          .updateTable('carts')
          .set((eb) => ({ version: eb('version', '+', 1) }))
          .where('id', '=', n.cartId)
          .where('version', '=', n.cartVersion)
          .where('status', '=', 'open')
          .executeTakeFirst();
        if (claimed.numUpdatedRows === 0n) return { status: 'cart_changed' };
        // A quantity change keeps the version (carts.writeLine keepVersion): compare the lines themselves, read
        // after our row lock, so any such write that committed before is seen.
        const stored = await trx.selectFrom('cart_items').select(['product_id', 'quantity']).where('cart_id', '=', n.cartId).execute();
        if (
          !sameQuantities(
            stored.map((r) => [r.product_id, r.quantity]),
            n.lineQuantities,
          )
        )
          throw new Rollback<NewCheckoutResult>({ status: 'cart_changed' });
        const now = clock.now();
        const live = await trx
          .selectFrom('checkouts')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('expires_at').as('first')])
          .where('cart_id', '=', n.cartId)
          .where('status', '=', OPEN_SESSION)
          .where('expires_at', '>', now)
          .executeTakeFirstOrThrow();
        if (Number(live.n) >= n.maxLivePerCart) throw new Rollback<NewCheckoutResult>({ status: 'limit_reached', retryAt: live.first ?? now });
        if (
          n.discount?.limited &&
          !(await reserveDiscount(trx, dialect, { discountId: n.discount.frozen.id, cartId: n.cartId, expiresAt: n.expiresAt, now }))
        ) {
          throw new Rollback<NewCheckoutResult>({ status: 'discount_exhausted' });
        }
        await trx
          .insertInto('checkouts')
          .values({
            id: n.id,
            token_hash: n.tokenHash,
            store_id: n.storeId,
            cart_id: n.cartId,
            lines_json: JSON.stringify(n.lines),
            amount: n.amount,
            subtotal: n.subtotal ?? n.amount,
            discount_json: n.discount ? JSON.stringify(n.discount.frozen) : null,
            discount_amount: n.discount?.amount ?? 0,
            currency: n.currency,
            livemode: dialect.bool(n.livemode),
            account_id: n.accountId,
            status: 'open',
            created_at: now,
            expires_at: n.expiresAt,
          })
          .execute();
        const short = await reserveLines(trx, dialect, { checkoutId: n.id, storeId: n.storeId, cartId: n.cartId, lines: n.lines, expiresAt: n.expiresAt, now });
        if (short) throw new Rollback<NewCheckoutResult>({ status: 'out_of_stock', ...short });
        return { status: 'created', checkout: (await byId(trx, n.id))! };
      }),
    get: (id) => byId(db, id),
    findByTokenHash: async (tokenHash) => map((await sessionByToken({ tokenHash })).rows[0]),
    saveDetails: async (d) => {
      const row = await db
        .updateTable('checkouts')
        .set((eb) => ({
          details_json: JSON.stringify(d.details),
          shipping_amount: d.shippingAmount,
          discount_amount: d.discountAmount ?? 0,
          amount: d.amount,
          tax_amount: d.taxAmount ?? 0,
          tax_lines_json: d.taxLines?.length ? JSON.stringify(d.taxLines) : null,
          tax_calculation_id: d.taxCalculationId ?? null,
          ...(d.discount !== undefined ? { discount_json: d.discount ? JSON.stringify(d.discount) : null } : {}),
          details_version: eb('details_version', '+', 1),
        }))
        .where('id', '=', d.id)
        .where('status', '=', OPEN_SESSION)
        .where('order_id', 'is', null)
        .where('details_version', '=', d.version)
        .returningAll()
        .executeTakeFirst();
      if (row) return { status: 'saved', checkout: toCheckout(row) };
      return { status: 'changed', checkout: await byId(db, d.id) };
    },
    // One statement when it wins (UPDATE … RETURNING) and, with a claim to release, atomically with that release;
    // a loser reads the winner's row back. The id is never unset once written, so the read needs no transaction.
    attachPaymentIntent: async (id, paymentIntentId, clientSecretSealed, accountId, release) => {
      const values = { id, paymentIntentId, clientSecretSealed, accountId: accountId ?? null, cartId: release?.cartId ?? '', owner: release?.owner ?? '' };
      const [won] = !release
        ? (await attach(values)).rows
        : dialect.writesInCte
          ? (await attachAndRelease(values)).rows
          : await tx(async (trx) => {
              const { rows } = await attach(values, trx);
              await releaseClaim(values, trx);
              return rows;
            });
      return won ? toCheckout(won) : (await byId(db, id))!;
    },
    // One statement each below: straight to the pool.
    sealClientSecret: async (id, sealed) =>
      void (await db.updateTable('checkouts').set({ sealed_client_secret: sealed, client_secret: null }).where('id', '=', id).execute()),
    listPlaintextSecrets: () =>
      db
        .selectFrom('checkouts')
        .select(['id', 'store_id', 'client_secret'])
        .where('client_secret', 'is not', null)
        .$narrowType<{ client_secret: string }>()
        .execute(),
    markSuperseded: (id) =>
      tx(async (trx) => {
        await trx
          .updateTable('checkouts')
          .set({ superseded_at: clock.now() })
          .where('id', '=', id)
          .where('status', '=', OPEN_SESSION)
          .where('superseded_at', 'is', null)
          .execute();
        await releaseCheckout(trx, id);
      }),
    recordIntentStatus: (id, status, checkedAt, readAt) =>
      tx(async (trx) => {
        await trx.updateTable('checkouts').set({ intent_status: status, intent_checked_at: checkedAt, intent_read_at: readAt }).where('id', '=', id).execute();
        // A canceled intent can never be paid: its units go back now, not at the session's expiry.
        if (status === 'canceled') await releaseCheckout(trx, id);
      }),
    claimIntentCheck: async (id, now, spacingMs) => {
      const r = await db
        .updateTable('checkouts')
        .set({ intent_check_claimed_at: now })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('intent_check_claimed_at', 'is', null), eb('intent_check_claimed_at', '<=', now - spacingMs)]))
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },
    listToReconcile: async (since, storeId) => {
      let q = open()
        .where('payment_intent_id', 'is not', null)
        .where('superseded_at', 'is', null)
        .where((eb) => eb.or([eb('created_at', '>=', since), eb('intent_status', '=', 'processing')]));
      if (storeId) q = q.where('store_id', '=', storeId);
      return (await q.orderBy('created_at').execute()).map(toCheckout);
    },
    listOpenWithIntentForCart: async (cartId) => (await openWithIntentForCart({ cartId })).rows.map(toCheckout),
    forIntent: async (id) => {
      const rows = (await forIntentQuery({ id })).rows;
      const own = rows.find((r) => r.id === id);
      if (!own) return null;
      const connection = own.conn_store_id === null ? null : (Object.fromEntries(CONNECTION_COLUMNS.map((c) => [c, own[`conn_${c}`]])) as ConnectionRow);
      return {
        checkout: toCheckout(own),
        cart: own.cart_status === null ? null : { status: own.cart_status as 'open' | 'closed', expires_at: Number(own.cart_expires_at) },
        connection: toConnection(connection),
        others_with_intent: rows.filter((r) => r.id !== id).map(toCheckout),
      };
    },
    purgeAbandoned: async (before) => {
      // Expired reservations (of stock and of limited codes) no longer count; deleting them keeps the tables small.
      await db.deleteFrom('stock_reservations').where('expires_at', '<', before).execute();
      await db.deleteFrom('discount_reservations').where('expires_at', '<', before).execute();
      const r = await db
        .deleteFrom('checkouts')
        .where('status', '=', OPEN_SESSION)
        .where('expires_at', '<', before)
        .where((eb) => eb.or([eb('payment_intent_id', 'is', null), eb('superseded_at', 'is not', null), eb('intent_status', '=', 'canceled')]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
