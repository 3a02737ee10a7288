/**
 * What happens to a store's open sessions when its Stripe connection goes away (disconnect, or a reconnect
 * that replaced it). Their intents live on the old account: succeeded ones become orders, unpaid ones are
 * cancelled when the new connection cannot reach them (another account or mode, or none), and their sessions
 * are closed so no new checkout of the cart trips over them. Intents still `processing` (SEPA, ACH) keep the
 * old connection alive, sealed, as a retired connection: the sweep and its webhook endpoint follow them until
 * they are final, then the endpoint is deleted and the connection forgotten.
 */
import type Stripe from 'stripe';
import { secretKeyBinding } from '../crypto/bindings';
import type { AppDeps } from '../deps';
import type { Checkout, RetiredConnection, StripeConnection } from '../storage/port';
import { abandonUnlessPaid } from './intents';
import { recordFromPaymentIntent } from './record';

type SettleDeps = Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>;

/** Sessions older than this are not settled on a switch (their tokens expired long ago), unless processing. */
export const SETTLE_LOOKBACK_MS = 3 * 24 * 60 * 60 * 1000;

/** What settling did. */
export interface SettleReport {
  checked: number;
  recorded: number;
  failed: number;
  /** Intents still processing: the old connection is kept for them. */
  pending: number;
}

/** True when `checkout`'s intent was made with `conn` (same account and mode; old rows know only the mode). */
export function madeWith(checkout: Checkout, conn: { account_id: string | null; livemode: boolean }): boolean {
  if (checkout.livemode !== conn.livemode) return false;
  return checkout.account_id === null || checkout.account_id === conn.account_id;
}

/**
 * Settles, then keeps or lets go of the old connection, without making the caller wait: the merchant's
 * connect form and the platform's disconnect answer at once however many sessions the store has.
 */
export function settleInBackground(
  deps: SettleDeps,
  previous: StripeConnection,
  current: StripeConnection | null,
  currentClient: Stripe | null,
): Promise<void> {
  return settleAndRetire(deps, previous, current, currentClient).catch((err: unknown) =>
    deps.logger.error({ err, store_id: previous.store_id }, 'settling the previous Stripe connection failed'),
  );
}

async function settleAndRetire(deps: SettleDeps, previous: StripeConnection, current: StripeConnection | null, currentClient: Stripe | null): Promise<void> {
  const report = await settlePreviousConnection(deps, previous, current);
  const reachable = current !== null && current.account_id === previous.account_id && current.livemode === previous.livemode;
  if (!reachable && report.pending > 0) {
    // Keep the key and the webhook endpoint: those payments may still succeed and must become orders.
    await deps.storage.stores.retireConnection(previous);
    deps.logger.info(
      { store_id: previous.store_id, account_id: previous.account_id, pending: report.pending },
      'kept the previous Stripe connection for processing payments',
    );
    return;
  }
  if (!previous.webhook_endpoint_id) return;
  const client = reachable && currentClient ? currentClient : openKey(deps, previous);
  if (client) await deleteEndpoint(deps, client, previous.webhook_endpoint_id, previous.store_id);
}

/**
 * Settles the open sessions made with `previous` while we still hold its key. Never throws; bounded to
 * sessions of the last SETTLE_LOOKBACK_MS plus processing ones. Callers run it right after the swap rather
 * than before: a payment confirmed while the connect form was being submitted is caught too, and a connect
 * that fails (burnt link) cancels nothing.
 */
export async function settlePreviousConnection(deps: SettleDeps, previous: StripeConnection, current: StripeConnection | null): Promise<SettleReport> {
  const report: SettleReport = { checked: 0, recorded: 0, failed: 0, pending: 0 };
  const reachable = current !== null && current.account_id === previous.account_id && current.livemode === previous.livemode;
  const stripe = openKey(deps, previous);
  if (!stripe) return report;
  const sessions = await deps.storage.checkouts.listToReconcile(deps.clock.now() - SETTLE_LOOKBACK_MS, previous.store_id);
  for (const c of sessions.filter((s) => madeWith(s, previous))) {
    try {
      let pi: Stripe.PaymentIntent = await stripe.paymentIntents.retrieve(c.payment_intent_id!);
      if (!reachable) pi = await abandonUnlessPaid(stripe, pi);
      report.checked += 1;
      await noteIntentStatus(deps, c, pi);
      if (pi.status === 'processing') report.pending += 1;
      if ((await recordFromPaymentIntent(deps, c.store_id, pi, 'reconcile')).created) report.recorded += 1;
    } catch (err) {
      report.failed += 1;
      deps.logger.warn({ store_id: c.store_id, checkout_id: c.id, code: (err as { code?: string }).code }, 'could not settle a session with the old key');
    }
  }
  deps.logger.info({ store_id: previous.store_id, ...report }, 'settled open sessions of the previous Stripe connection');
  return report;
}

/**
 * Remembers what the intent became, as a Stripe read begun at `began` saw it (the app clock for the sweep's
 * back-off, the wall clock for /complete's freshness); a cancelled one closes its session (nothing to check
 * any more).
 */
export async function noteIntentStatus(
  deps: Pick<AppDeps, 'storage' | 'clock'>,
  checkout: Checkout,
  pi: Stripe.PaymentIntent,
  began: { at: number; wall: number } = { at: deps.clock.now(), wall: Date.now() },
): Promise<void> {
  await deps.storage.checkouts.recordIntentStatus(checkout.id, pi.status, began.at, began.wall);
  if (pi.status === 'canceled') await deps.storage.checkouts.markSuperseded(checkout.id);
}

/**
 * Lets go of retired connections with nothing left to follow: no session made with them is still open in
 * the settle window or processing. Their webhook endpoints are deleted with their own keys (best effort).
 */
export async function releaseRetiredConnections(deps: SettleDeps): Promise<number> {
  let released = 0;
  for (const r of await deps.storage.stores.listRetiredConnections()) {
    const open = await deps.storage.checkouts.listToReconcile(deps.clock.now() - SETTLE_LOOKBACK_MS, r.store_id);
    if (open.some((c) => madeWith(c, r) && c.intent_status === 'processing')) continue;
    const client = openKey(deps, r);
    if (client && r.webhook_endpoint_id) await deleteEndpoint(deps, client, r.webhook_endpoint_id, r.store_id);
    await deps.storage.stores.dropRetiredConnection(r.id);
    released += 1;
  }
  return released;
}

/** A client carrying a (current or retired) connection's key, or null if its box no longer opens. */
export function openKey(deps: Pick<AppDeps, 'sealer' | 'stripe' | 'logger'>, conn: StripeConnection | RetiredConnection): Stripe | null {
  try {
    return deps.stripe.forKey(deps.sealer.open(secretKeyBinding(conn.store_id), conn.secret_key_sealed));
  } catch {
    deps.logger.warn({ store_id: conn.store_id }, 'sealed key of a previous Stripe connection does not open');
    return null;
  }
}

async function deleteEndpoint(deps: Pick<AppDeps, 'logger'>, client: Stripe, id: string, storeId: string): Promise<void> {
  try {
    await client.webhookEndpoints.del(id);
  } catch (err) {
    deps.logger.warn({ store_id: storeId, webhook_endpoint_id: id, type: (err as Error).name }, 'could not delete old webhook endpoint');
  }
}
