import type { Clock } from '../clock';
import { AppError } from '../errors';
import { MAX_AMOUNT, type CartLine } from '../checkout/money';
import { newId } from '../checkout/ids';
import type { Checkout, CheckoutsRepository, NewCheckout } from '../storage';
import type { SqliteDatabase } from './index';
import { cartClosed, cartNotFound } from './carts';

interface CheckoutRow {
  id: string;
  token_hash: string;
  store_id: string;
  cart_id: string;
  lines_json: string;
  amount: number;
  currency: string;
  livemode: number;
  status: 'open' | 'paid';
  payment_intent_id: string | null;
  client_secret: string | null;
  sealed_client_secret: string | null;
  superseded_at: number | null;
  order_id: string | null;
  created_at: number;
  expires_at: number;
}

function toCheckout(row: CheckoutRow): Checkout {
  return {
    id: row.id,
    token_hash: row.token_hash,
    store_id: row.store_id,
    cart_id: row.cart_id,
    lines: JSON.parse(row.lines_json) as CartLine[],
    amount: row.amount,
    currency: row.currency,
    livemode: row.livemode === 1,
    status: row.status,
    payment_intent_id: row.payment_intent_id,
    client_secret_sealed: row.sealed_client_secret,
    legacy_client_secret: row.client_secret,
    superseded_at: row.superseded_at,
    order_id: row.order_id,
    created_at: row.created_at,
    expires_at: row.expires_at,
  };
}

/** Checkout sessions over SQLite: each freezes its cart's lines and amount when it is made. */
export function createCheckoutsRepository(
  db: SqliteDatabase,
  clock: Clock,
  priceCart: (cartId: string) => { store_id: string; status: string; currency: string; items: CartLine[]; subtotal: number } | null,
): CheckoutsRepository {
  const q = {
    insert: db.prepare(`INSERT INTO checkouts (id, token_hash, store_id, cart_id, lines_json, amount, currency,
                          livemode, status, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`),
    byId: db.prepare('SELECT * FROM checkouts WHERE id = ?'),
    byToken: db.prepare('SELECT * FROM checkouts WHERE token_hash = ?'),
    attach: db.prepare(`UPDATE checkouts SET payment_intent_id = ?, sealed_client_secret = ?
                        WHERE id = ? AND payment_intent_id IS NULL`),
    seal: db.prepare('UPDATE checkouts SET sealed_client_secret = ?, client_secret = NULL WHERE id = ?'),
    plaintext: db.prepare('SELECT id, store_id, client_secret FROM checkouts WHERE client_secret IS NOT NULL'),
    supersede: db.prepare(`UPDATE checkouts SET superseded_at = ? WHERE id = ? AND status = 'open'`),
    open: db.prepare(`SELECT * FROM checkouts WHERE status = 'open' AND payment_intent_id IS NOT NULL
                      AND created_at >= ? ORDER BY created_at`),
    openForCart: db.prepare(`SELECT * FROM checkouts WHERE cart_id = ? AND status = 'open'
                             AND payment_intent_id IS NOT NULL`),
    openForStore: db.prepare(`SELECT * FROM checkouts WHERE store_id = ? AND status = 'open'
                              AND payment_intent_id IS NOT NULL`),
  };

  const create = db.transaction((input: NewCheckout) => {
    const cart = priceCart(input.cartId);
    if (!cart) throw cartNotFound();
    if (cart.status !== 'open') throw cartClosed();
    if (cart.items.length === 0) throw new AppError('cart_empty', 422, 'The cart is empty');
    if (cart.subtotal > MAX_AMOUNT) {
      throw new AppError('amount_too_large', 422, 'The cart total is larger than a card payment may be');
    }
    const now = clock.now();
    const id = newId('chk');
    q.insert.run(id, input.tokenHash, cart.store_id, input.cartId, JSON.stringify(cart.items), cart.subtotal,
      cart.currency, input.livemode ? 1 : 0, now, now + input.ttlMs);
    return toCheckout(q.byId.get(id) as CheckoutRow);
  });

  return {
    create: (input) => create(input),
    get(id) {
      const row = q.byId.get(id) as CheckoutRow | undefined;
      return row ? toCheckout(row) : null;
    },
    findByTokenHash(tokenHash) {
      const row = q.byToken.get(tokenHash) as CheckoutRow | undefined;
      return row ? toCheckout(row) : null;
    },
    attachPaymentIntent(id, paymentIntentId, clientSecretSealed) {
      // Only the first intent ever sticks; a loser of a race reads the winner back.
      q.attach.run(paymentIntentId, clientSecretSealed, id);
      return toCheckout(q.byId.get(id) as CheckoutRow);
    },
    listOpenSince: (since) => (q.open.all(since) as CheckoutRow[]).map(toCheckout),
    sealClientSecret: (id, clientSecretSealed) => void q.seal.run(clientSecretSealed, id),
    listPlaintextSecrets: () => q.plaintext.all() as { id: string; store_id: string; client_secret: string }[],
    markSuperseded: (id) => void q.supersede.run(clock.now(), id),
    listOpenWithIntentForCart: (cartId) => (q.openForCart.all(cartId) as CheckoutRow[]).map(toCheckout),
    listOpenWithIntentForStore: (storeId) => (q.openForStore.all(storeId) as CheckoutRow[]).map(toCheckout),
  };
}
