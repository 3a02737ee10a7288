import { clientSecretBinding, secretKeyBinding } from '../crypto/bindings';
import type { AppDeps } from '../deps';
import type { Checkout, StripeConnection } from '../storage/port';
import { withMerchantStripe } from '../stripe/merchant';
import { CANCELABLE_STATUSES } from './intents';
import { recordFromPaymentIntent } from './record';
import { cancelSiblingIntents } from './siblings';

/** How far back the sweep looks for unpaid sessions whose payment may have gone through. */
export const RECONCILE_LOOKBACK_MS = 3 * 24 * 60 * 60 * 1000;
/** How often the server sweeps while it runs. */
export const RECONCILE_INTERVAL_MS = 5 * 60 * 1000;
/** Stripe calls in flight at once during a sweep, so a big backlog does not hit rate limits. */
const CONCURRENCY = 4;

/** What one sweep did. */
export interface SweepReport {
  checked: number;
  recorded: number;
  failed: number;
  purged_carts: number;
}

type SweepDeps = Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>;

/** How much a sweep looks at. */
export interface SweepOptions {
  lookbackMs?: number;
  /**
   * For the periodic sweep: its interval. Sessions younger than RECENT_MS are checked every time, older
   * ones about once an hour, so abandoned sessions do not cost a Stripe call every few minutes for days.
   * Without it (start-up, `npm run reconcile`) every open session in the lookback is checked.
   */
  intervalMs?: number;
}

/** Sessions this young are checked on every periodic sweep. */
const RECENT_MS = 2 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

function isDue(ageMs: number, intervalMs: number): boolean {
  return ageMs < RECENT_MS || ageMs % HOUR_MS < intervalMs;
}

/**
 * Asks Stripe, with each store's own key, about the PaymentIntents of recent unpaid checkout sessions and
 * records the ones that succeeded: the safety net for webhooks that never arrived (endpoint down, store
 * key without webhook permission). Also forgets carts idle past their expiry.
 */
export async function reconcilePayments(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const now = deps.clock.now();
  const lookback = options.lookbackMs ?? RECONCILE_LOOKBACK_MS;
  const open = (await deps.storage.checkouts.listOpenSince(now - lookback))
    .filter((c) => !options.intervalMs || isDue(now - c.created_at, options.intervalMs));
  const report: SweepReport = { checked: 0, recorded: 0, failed: 0, purged_carts: await deps.storage.carts.purgeExpired() };
  await sealLegacyClientSecrets(deps);
  const queue = [...open];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) await checkOne(deps, c, report);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (report.recorded || report.failed) deps.logger.info({ ...report }, 'reconciliation sweep');
  return report;
}

async function checkOne(deps: SweepDeps, checkout: Checkout, report: SweepReport): Promise<void> {
  try {
    const pi = await withMerchantStripe(deps, checkout.store_id, ({ stripe }) =>
      stripe.paymentIntents.retrieve(checkout.payment_intent_id!),
    );
    report.checked += 1;
    const recorded = await recordFromPaymentIntent(deps, checkout.store_id, pi, 'reconcile');
    if (recorded.created) report.recorded += 1;
    await cancelSiblingIntents(deps, recorded);
  } catch (err) {
    // One store's bad keys or an outage must not stop the sweep for the others.
    report.failed += 1;
    const e = err as { code?: string; message?: string };
    deps.logger.warn({ store_id: checkout.store_id, checkout_id: checkout.id, code: e.code }, 'reconcile check failed');
  }
}

/**
 * Sweeps now and then every `intervalMs` until stopped; runs never overlap and the timer does not keep
 * the process alive. Returns the stop function.
 */
export function startReconcileLoop(deps: SweepDeps, intervalMs = RECONCILE_INTERVAL_MS): () => void {
  let running: Promise<unknown> | null = null;
  let first = true;
  const tick = () => {
    if (running) return;
    // The first sweep after a start checks everything: webhooks may have been lost while we were down.
    running = reconcilePayments(deps, first ? {} : { intervalMs })
      .catch((err: unknown) => deps.logger.error({ err }, 'reconciliation sweep failed'))
      .finally(() => (running = null));
    first = false;
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Seals client_secrets stored in plaintext before migration 004 (runs with every sweep, so on every start). */
export async function sealLegacyClientSecrets(deps: Pick<AppDeps, 'storage' | 'sealer'>): Promise<number> {
  const rows = await deps.storage.checkouts.listPlaintextSecrets();
  for (const r of rows) await deps.storage.checkouts.sealClientSecret(r.id, deps.sealer.seal(clientSecretBinding(r), r.client_secret));
  return rows.length;
}

/**
 * Settles a store's open sessions with the key of a connection that is going away (disconnect, or a
 * reconnect that replaced it), called while we still hold that key: afterwards neither /complete nor the
 * sweep can reach those intents, and the old webhook endpoint is deleted. Succeeded intents become orders;
 * when the new connection cannot reach them (disconnected, another account or mode) the unpaid ones are
 * cancelled so a shopper's open tab cannot take money that no longer becomes an order. Never throws.
 * Callers run it right after the swap rather than before it: a payment confirmed while the connect form
 * was being submitted is caught too, and a connect that fails (burnt link) cancels nothing.
 */
export async function settlePreviousConnection(
  deps: SweepDeps,
  previous: StripeConnection,
  current: StripeConnection | null,
): Promise<SweepReport> {
  const report: SweepReport = { checked: 0, recorded: 0, failed: 0, purged_carts: 0 };
  const reachable = current !== null && current.account_id === previous.account_id && current.livemode === previous.livemode;
  let stripe;
  try {
    stripe = deps.stripe.forKey(deps.sealer.open(secretKeyBinding(previous.store_id), previous.secret_key_sealed));
  } catch {
    return report;
  }
  for (const c of await deps.storage.checkouts.listOpenWithIntentForStore(previous.store_id)) {
    if (c.livemode !== previous.livemode) continue;
    try {
      let pi = await stripe.paymentIntents.retrieve(c.payment_intent_id!);
      if (!reachable && CANCELABLE_STATUSES.includes(pi.status)) {
        // A confirm that wins the race makes the cancel fail; the retrieve then sees the payment.
        pi = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'abandoned' })
          .catch(() => stripe.paymentIntents.retrieve(c.payment_intent_id!));
      }
      report.checked += 1;
      if ((await recordFromPaymentIntent(deps, c.store_id, pi, 'reconcile')).created) report.recorded += 1;
    } catch (err) {
      report.failed += 1;
      deps.logger.warn({ store_id: c.store_id, checkout_id: c.id, code: (err as { code?: string }).code }, 'could not settle a session with the old key');
    }
  }
  deps.logger.info({ store_id: previous.store_id, ...report }, 'settled open sessions before the old Stripe connection went away');
  return report;
}
