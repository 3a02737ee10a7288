import type { Clock } from '../../clock';
import type { CheckoutsRepository, NewCheckout, NewCheckoutResult } from '../port';
import { sameQuantities } from '../same-quantities';
import { run, type SqliteDatabase } from './db';
import { toCheckout, type CheckoutRow } from '../rows';

/** Checkout sessions over SQLite: each freezes its cart's lines and amount when it is made. */
export function createCheckoutsRepository(db: SqliteDatabase, clock: Clock): CheckoutsRepository {
  const q = {
    lineQuantities: db.prepare('SELECT product_id, quantity FROM cart_items WHERE cart_id = ?').raw(),
    claimCart: db.prepare(`UPDATE carts SET version = version + 1 WHERE id = ? AND version = ? AND status = 'open'`),
    insert: db.prepare(`INSERT INTO checkouts (id, token_hash, store_id, cart_id, lines_json, amount, subtotal, currency,
                          livemode, account_id, status, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`),
    saveDetails: db.prepare(`UPDATE checkouts SET details_json = ?, shipping_amount = ?, amount = ?, details_version = details_version + 1
                             WHERE id = ? AND status = 'open' AND order_id IS NULL AND details_version = ?`),
    live: db.prepare(`SELECT COUNT(*) AS n, MIN(expires_at) AS first FROM checkouts
                      WHERE cart_id = ? AND status = 'open' AND expires_at > ?`),
    byId: db.prepare('SELECT * FROM checkouts WHERE id = ?'),
    byToken: db.prepare('SELECT * FROM checkouts WHERE token_hash = ?'),
    attach: db.prepare(`UPDATE checkouts SET payment_intent_id = ?, sealed_client_secret = ?, account_id = COALESCE(?, account_id)
                        WHERE id = ? AND payment_intent_id IS NULL`),
    claimCheck: db.prepare(`UPDATE checkouts SET intent_check_claimed_at = ?
                            WHERE id = ? AND (intent_check_claimed_at IS NULL OR intent_check_claimed_at <= ?)`),
    seal: db.prepare('UPDATE checkouts SET sealed_client_secret = ?, client_secret = NULL WHERE id = ?'),
    plaintext: db.prepare('SELECT id, store_id, client_secret FROM checkouts WHERE client_secret IS NOT NULL'),
    supersede: db.prepare(`UPDATE checkouts SET superseded_at = ? WHERE id = ? AND status = 'open' AND superseded_at IS NULL`),
    intentStatus: db.prepare(`UPDATE checkouts SET intent_status = ?, intent_checked_at = ?, intent_read_at = ? WHERE id = ?`),
    reconcile: db.prepare(`SELECT * FROM checkouts WHERE status = 'open' AND payment_intent_id IS NOT NULL
                      AND superseded_at IS NULL AND (created_at >= ? OR intent_status = 'processing') ORDER BY created_at`),
    reconcileStore: db.prepare(`SELECT * FROM checkouts WHERE store_id = ? AND status = 'open' AND payment_intent_id IS NOT NULL
                      AND superseded_at IS NULL AND (created_at >= ? OR intent_status = 'processing') ORDER BY created_at`),
    purge: db.prepare(`DELETE FROM checkouts WHERE status = 'open' AND expires_at < ?
                       AND (payment_intent_id IS NULL OR superseded_at IS NOT NULL OR intent_status = 'canceled')`),
    openForCart: db.prepare(`SELECT * FROM checkouts WHERE cart_id = ? AND status = 'open'
                             AND payment_intent_id IS NOT NULL`),
  };

  const byId = (id: string) => {
    const row = q.byId.get(id) as CheckoutRow | undefined;
    return row ? toCheckout(row) : null;
  };

  const create = db.transaction((c: NewCheckout): NewCheckoutResult => {
    if (q.claimCart.run(c.cartId, c.cartVersion).changes === 0) return { status: 'cart_changed' };
    if (!sameQuantities(q.lineQuantities.all(c.cartId) as [string, number][], c.lineQuantities)) throw new CartChanged();
    const now = clock.now();
    const live = q.live.get(c.cartId, now) as { n: number; first: number | null };
    // Throwing rolls the version bump back: a refused create changes nothing.
    if (live.n >= c.maxLivePerCart) throw new LimitReached(live.first ?? now);
    q.insert.run(c.id, c.tokenHash, c.storeId, c.cartId, JSON.stringify(c.lines), c.amount, c.amount, c.currency,
      c.livemode ? 1 : 0, c.accountId, now, c.expiresAt);
    return { status: 'created', checkout: byId(c.id)! };
  });

  const attach = db.transaction((id: string, paymentIntentId: string, clientSecretSealed: string, accountId: string | null) => {
    // Only the first intent ever sticks; a loser of a race reads the winner back.
    q.attach.run(paymentIntentId, clientSecretSealed, accountId, id);
    return byId(id)!;
  });

  const list = (rows: unknown[]) => (rows as CheckoutRow[]).map(toCheckout);

  return {
    create: (input) =>
      run(() => {
        try {
          return create(input);
        } catch (err) {
          if (err instanceof CartChanged) return { status: 'cart_changed' as const };
          if (err instanceof LimitReached) return { status: 'limit_reached' as const, retryAt: err.retryAt };
          throw err;
        }
      }),
    get: (id) => run(() => byId(id)),
    findByTokenHash: (tokenHash) =>
      run(() => {
        const row = q.byToken.get(tokenHash) as CheckoutRow | undefined;
        return row ? toCheckout(row) : null;
      }),
    saveDetails: (d) =>
      run(() => {
        const saved = q.saveDetails.run(JSON.stringify(d.details), d.shippingAmount, d.amount, d.id, d.version).changes === 1;
        return { status: saved ? ('saved' as const) : ('changed' as const), checkout: byId(d.id) };
      }),
    attachPaymentIntent: (id, paymentIntentId, clientSecretSealed, accountId) => run(() => attach(id, paymentIntentId, clientSecretSealed, accountId ?? null)),
    sealClientSecret: (id, clientSecretSealed) => run(() => void q.seal.run(clientSecretSealed, id)),
    listPlaintextSecrets: () => run(() => q.plaintext.all() as { id: string; store_id: string; client_secret: string }[]),
    markSuperseded: (id) => run(() => void q.supersede.run(clock.now(), id)),
    recordIntentStatus: (id, status, checkedAt, readAt) => run(() => void q.intentStatus.run(status, checkedAt, readAt, id)),
    claimIntentCheck: (id, now, spacingMs) => run(() => q.claimCheck.run(now, id, now - spacingMs).changes === 1),
    listToReconcile: (since, storeId) => run(() => list(storeId ? q.reconcileStore.all(storeId, since) : q.reconcile.all(since))),
    purgeAbandoned: (before) => run(() => q.purge.run(before).changes),
    listOpenWithIntentForCart: (cartId) => run(() => list(q.openForCart.all(cartId))),
  };
}

/** Rolls back a create over the cart's session cap. */
class LimitReached extends Error {
  constructor(readonly retryAt: number) {
    super('too many live sessions');
  }
}

/** Rolls back a create whose cart quantities changed after the read (the version bump included). */
class CartChanged extends Error {}
