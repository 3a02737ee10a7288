// Turning a PaymentIntent into an order without HTTP or Stripe: the checks /complete, the webhook and the sweep
// share (payments/record.ts), on the storage of the engine TEST_DATABASE names.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { manualClock } from '../../server/src/clock';
import { recordFromEvent, recordFromPaymentIntent } from '../../server/src/payments/record';
import type { AppDeps } from '../../server/src/deps';
import { throwawayStorage, type ThrowawayStorage } from '../support/storage';

const clock = manualClock();
const HOUR = 3_600_000;
const uid = (prefix: string) => `${prefix}${randomBytes(6).toString('hex')}`;
const logged: string[] = [];
let db: ThrowawayStorage;
let deps: Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>;

/** A store selling tees at 500 usd, a cart of `quantity` of them, and its checkout session holding intent `pi`. */
async function sessionWithIntent(quantity = 2) {
  const s = db.storage;
  const store = (await s.stores.create({ id: uid('st_'), name: 'Tees', allowed_origins: [], default_currency: 'usd' }))!;
  await s.catalog.upsertProducts(store.id, [{ id: 'tee', name: 'Tee', unit_amount: 500, currency: 'usd', weight_grams: 200 }]);
  const cartId = uid('cart_');
  await s.carts.create({ id: cartId, storeId: store.id, currency: 'usd', expiresAt: clock.now() + HOUR });
  await s.carts.writeLine({ cartId, version: 0, productId: 'tee', quantity, currency: 'usd', expiresAt: clock.now() + HOUR, keepVersion: false });
  const id = uid('chk_');
  const made = await s.checkouts.create({
    id,
    tokenHash: `hash_${id}`,
    storeId: store.id,
    cartId,
    cartVersion: 1,
    lineQuantities: { tee: quantity },
    lines: [{ product_id: 'tee', name: 'Tee', unit_amount: 500, quantity, line_total: 500 * quantity }],
    amount: 500 * quantity,
    currency: 'usd',
    livemode: false,
    accountId: 'acct_1',
    expiresAt: clock.now() + HOUR,
    maxLivePerCart: 5,
  });
  assert.equal(made.status, 'created');
  const pi = uid('pi_');
  await s.checkouts.attachPaymentIntent(id, pi, 'sealed-cs');
  return { store, cartId, checkoutId: id, pi, amount: 500 * quantity };
}

/** The PaymentIntent as Stripe would answer it for that session. */
function intent(p: { pi: string; checkoutId: string; cartId: string; amount: number }, over: Partial<Stripe.PaymentIntent> = {}): Stripe.PaymentIntent {
  return {
    id: p.pi,
    object: 'payment_intent',
    amount: p.amount,
    currency: 'usd',
    status: 'succeeded',
    livemode: false,
    receipt_email: 'ada@example.com',
    metadata: { checkout_id: p.checkoutId, cart_id: p.cartId },
    ...over,
  } as Stripe.PaymentIntent;
}

describe('recording a paid PaymentIntent as an order', () => {
  before(async () => {
    db = await throwawayStorage(clock);
    const log = (line: string) => () => void logged.push(line);
    const logger = { info: log('info'), warn: log('warn'), error: (_: unknown, msg: string) => void logged.push(msg), debug: log('debug') };
    // No session here is priced by Stripe Tax, so recording one must reach neither Stripe nor the sealer.
    const unreachable = new Proxy({}, { get: () => assert.fail('no Stripe call or sealing expected') });
    deps = {
      storage: db.storage,
      clock,
      logger: logger as unknown as AppDeps['logger'],
      stripe: unreachable as AppDeps['stripe'],
      sealer: unreachable as AppDeps['sealer'],
    };
  });
  after(() => db.destroy());

  it('records the order of a succeeded intent once: the first call creates it, the next finds it', async () => {
    const p = await sessionWithIntent();
    const first = await recordFromPaymentIntent(deps, p.store.id, intent(p), 'complete');
    assert.equal(first.created, true);
    assert.equal(first.problem, null);
    assert.deepEqual([first.order?.amount, first.order?.customer_email, first.order?.status], [1000, 'ada@example.com', 'paid']);
    const again = await recordFromPaymentIntent(deps, p.store.id, intent(p), 'reconcile');
    assert.deepEqual([again.created, again.order?.id], [false, first.order?.id]);
  });

  it('refuses an intent of another store, another cart, or no session at all as not ours', async () => {
    const p = await sessionWithIntent();
    const other = await sessionWithIntent();
    assert.equal((await recordFromPaymentIntent(deps, other.store.id, intent(p), 'complete')).problem, 'not_ours');
    assert.equal(
      (await recordFromPaymentIntent(deps, p.store.id, intent(p, { metadata: { checkout_id: p.checkoutId, cart_id: other.cartId } }), 'complete')).problem,
      'not_ours',
    );
    assert.equal((await recordFromPaymentIntent(deps, p.store.id, intent(p, { metadata: {} }), 'complete')).problem, 'not_ours');
  });

  it('refuses a second intent of a session that holds another one', async () => {
    const p = await sessionWithIntent();
    const result = await recordFromPaymentIntent(deps, p.store.id, intent({ ...p, pi: uid('pi_') }), 'complete');
    assert.deepEqual([result.problem, result.order], ['intent_mismatch', null]);
  });

  it('refuses an amount or currency the session does not hold, and says so in the error log', async () => {
    const p = await sessionWithIntent();
    logged.length = 0;
    assert.equal((await recordFromPaymentIntent(deps, p.store.id, intent(p, { amount: p.amount - 1 }), 'complete')).problem, 'amount_mismatch');
    assert.equal((await recordFromPaymentIntent(deps, p.store.id, intent(p, { currency: 'eur' }), 'complete')).problem, 'amount_mismatch');
    assert.ok(logged.some((l) => l.includes('differs from its checkout session')));
    assert.equal(await db.storage.orders.findByPaymentIntent(p.pi), null);
  });

  it('records nothing for an intent that has not succeeded', async () => {
    const p = await sessionWithIntent();
    const result = await recordFromPaymentIntent(deps, p.store.id, intent(p, { status: 'processing' }), 'complete');
    assert.deepEqual([result.problem, result.order], ['not_succeeded', null]);
  });

  it('records from a webhook event once per event: a redelivery answers null and changes nothing', async () => {
    const p = await sessionWithIntent();
    const event = { id: uid('evt_'), type: 'payment_intent.succeeded' };
    const first = await recordFromEvent(deps, p.store.id, event, intent(p));
    assert.equal(first?.created, true);
    assert.equal(await recordFromEvent(deps, p.store.id, event, intent(p)), null);
    const refused = { id: uid('evt_'), type: 'payment_intent.succeeded' };
    assert.equal((await recordFromEvent(deps, p.store.id, refused, intent(p, { metadata: {} })))?.problem, 'not_ours');
    assert.equal(await recordFromEvent(deps, p.store.id, refused, intent(p, { metadata: {} })), null, 'a refused event is remembered too');
  });
});
