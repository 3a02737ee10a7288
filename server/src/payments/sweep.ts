import type Stripe from 'stripe';
import { clientSecretBinding } from '../crypto/bindings';
import type { AppDeps } from '../deps';
import type { Checkout, RetiredConnection } from '../storage/port';
import { withMerchantStripe } from '../stripe/merchant';
import { abandonUnlessPaid } from './intents';
import { recordFromPaymentIntent } from './record';
import { madeWith, noteIntentStatus, openKey, releaseRetiredConnections } from './settle';
import { cancelSiblingIntents } from './siblings';
import { commitDueTaxTransactions } from './tax-transactions';

/** How far back the sweep looks for unpaid sessions whose payment may have gone through. */
export const RECONCILE_LOOKBACK_MS = 3 * 24 * 60 * 60 * 1000;
/** How often the server sweeps while it runs. */
export const RECONCILE_INTERVAL_MS = 5 * 60 * 1000;
/** Stripe calls in flight at once during a sweep, so a big backlog does not hit rate limits. */
const CONCURRENCY = 4;
/** An expired session's intent that could still be confirmed is cancelled once the session is this stale. */
export const ABANDON_AFTER_MS = 24 * 60 * 60 * 1000;
/** Unpaid sessions that can take no money are deleted this long after they expired. */
export const PURGE_SESSIONS_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
/** Handled webhook event ids are forgotten after this long: Stripe retries an event for up to 3 days. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * A periodic sweep reads at most this many intents of one store (its newest sessions first); the rest wait
 * for the next sweep. Stripe allows a merchant 25 requests/s in test mode and 100 in live mode, and the
 * merchant's own systems share that budget.
 */
export const MAX_CHECKS_PER_STORE = 100;

/** What one sweep did. */
export interface SweepReport {
  checked: number;
  recorded: number;
  failed: number;
  purged_carts: number;
  purged_sessions: number;
  purged_events: number;
  /** Sessions left for a later sweep by the per-store cap. */
  deferred: number;
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

/** Processing sessions this young are checked on every periodic sweep. */
const RECENT_MS = 2 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * Whether a periodic sweep reads this session's intent now. A processing payment (the bank decides) is read
 * on every sweep for two hours, then about hourly. Any other intent (unconfirmed: the shopper may still pay,
 * and the webhook will tell us) is read with back-off: again once as much time has passed as the session had
 * lived at the last read (5, 10, 20, 40, 80 minutes…, at most hourly), half an interval of slack absorbing
 * the ticks' jitter. Never read yet: now.
 */
export function isDue(c: Checkout, now: number, intervalMs: number): boolean {
  const age = now - c.created_at;
  if (c.intent_status === 'processing') return age < RECENT_MS || age % HOUR_MS < intervalMs;
  if (c.intent_checked_at === null) return true;
  const ageAtLastRead = c.intent_checked_at - c.created_at;
  const wait = Math.min(HOUR_MS, Math.max(intervalMs, ageAtLastRead));
  return now - c.intent_checked_at >= wait - intervalMs / 2;
}

/** At most MAX_CHECKS_PER_STORE sessions of each store, newest first; the rest are counted as deferred. */
function capPerStore(sessions: Checkout[]): { due: Checkout[]; deferred: number } {
  const perStore = new Map<string, number>();
  const due: Checkout[] = [];
  for (const c of [...sessions].sort((a, b) => b.created_at - a.created_at)) {
    const n = perStore.get(c.store_id) ?? 0;
    if (n >= MAX_CHECKS_PER_STORE) continue;
    perStore.set(c.store_id, n + 1);
    due.push(c);
  }
  return { due, deferred: sessions.length - due.length };
}

/**
 * Asks Stripe, with each store's own key, about the PaymentIntents of recent unpaid checkout sessions and
 * records the ones that succeeded: the safety net for webhooks that never arrived (endpoint down, store
 * key without webhook permission). Superseded and cancelled sessions are left out; `processing` ones are
 * followed however old, with the key of the connection they were made with (a retired one after a switch).
 * Also cancels the intents of long-expired sessions, and forgets idle carts and abandoned sessions.
 */
export async function reconcilePayments(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const now = deps.clock.now();
  const lookback = options.lookbackMs ?? RECONCILE_LOOKBACK_MS;
  const listed = await deps.storage.checkouts.listToReconcile(now - lookback);
  // Start-up and `npm run reconcile` read everything (webhooks may have been lost meanwhile); ticks back off.
  const { due: open, deferred } = options.intervalMs ? capPerStore(listed.filter((c) => isDue(c, now, options.intervalMs!))) : { due: listed, deferred: 0 };
  const report: SweepReport = {
    checked: 0,
    recorded: 0,
    failed: 0,
    purged_carts: await deps.storage.carts.purgeExpired(),
    purged_sessions: await deps.storage.checkouts.purgeAbandoned(now - PURGE_SESSIONS_AFTER_MS),
    purged_events: await deps.storage.orders.purgeEvents(now - EVENT_RETENTION_MS),
    deferred,
  };
  await sealLegacyClientSecrets(deps);
  const retired = await deps.storage.stores.listRetiredConnections();
  const queue = [...open];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) await checkOne(deps, c, retired, report);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (retired.length) await releaseRetiredConnections(deps);
  // Tax transactions a paid order still owes (its recorder stopped, or Stripe failed): retried here.
  const taxTransactions = await commitDueTaxTransactions(deps);
  if (report.recorded || report.failed || taxTransactions) deps.logger.info({ ...report, tax_transactions: taxTransactions }, 'reconciliation sweep');
  return report;
}

async function checkOne(deps: SweepDeps, checkout: Checkout, retired: RetiredConnection[], report: SweepReport): Promise<void> {
  try {
    const began = { at: deps.clock.now(), wall: Date.now() };
    const pi = await retrieveIntent(deps, checkout, retired);
    if (!pi) return;
    report.checked += 1;
    await noteIntentStatus(deps, checkout, pi, began);
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
 * The session's intent, read with the key of the connection it was made with: the store's current one, or
 * a retired one kept for it (also when the store is disconnected now: its processing payments are still
 * followed). Null when no key we hold can reach it (the store switched account and the intent was already
 * settled, or the old key was dropped). A long-expired session's intent that could still
 * be confirmed is cancelled: nobody should pay a day-old checkout, and its session can then be forgotten.
 */
async function retrieveIntent(deps: SweepDeps, checkout: Checkout, retired: RetiredConnection[]): Promise<Stripe.PaymentIntent | null> {
  const id = checkout.payment_intent_id!;
  const stale = checkout.expires_at + ABANDON_AFTER_MS <= deps.clock.now();
  const current = await deps.storage.stores.getConnection(checkout.store_id);
  if (current && madeWith(checkout, current)) {
    return withMerchantStripe(deps, checkout.store_id, async ({ stripe }) => abandonIfStale(stripe, await stripe.paymentIntents.retrieve(id), stale));
  }
  const old = retired.find((r) => r.store_id === checkout.store_id && madeWith(checkout, r));
  const stripe = old ? openKey(deps, old) : null;
  return stripe ? abandonIfStale(stripe, await stripe.paymentIntents.retrieve(id), stale) : null;
}

async function abandonIfStale(stripe: Stripe, pi: Stripe.PaymentIntent, stale: boolean): Promise<Stripe.PaymentIntent> {
  return stale ? abandonUnlessPaid(stripe, pi) : pi;
}

/** The lease that makes the periodic sweep one instance's at a time (leases table). */
export const SWEEP_LEASE = 'reconcile-sweep';
/**
 * The sweep lease outlives one interval by this much: its holder renews it on every tick (also while a long
 * sweep still runs), so it keeps the sweep, and the others skip theirs; a dead holder's lease expires within
 * interval + 1 minute and the next tick of another instance takes over.
 */
export const SWEEP_LEASE_SLACK_MS = 60 * 1000;

type LoopDeps = SweepDeps & Pick<AppDeps, 'instanceId'>;

/**
 * One tick of the periodic sweep: takes (or renews) the sweep lease for this instance and sweeps; null,
 * without sweeping, when another instance holds the lease. Two instances ticking at once: one sweeps. If
 * two ever sweep at once (a holder stalled past its lease) nothing breaks, recording is idempotent per
 * PaymentIntent; `npm run reconcile` calls reconcilePayments directly and runs regardless of the lease.
 */
export async function reconcileIfLeader(deps: LoopDeps, options: SweepOptions & { leaseMs?: number } = {}): Promise<SweepReport | null> {
  const leaseMs = options.leaseMs ?? (options.intervalMs ?? RECONCILE_INTERVAL_MS) + SWEEP_LEASE_SLACK_MS;
  if (!(await deps.storage.leases.acquire(SWEEP_LEASE, deps.instanceId, leaseMs))) return null;
  return reconcilePayments(deps, options);
}

/**
 * Sweeps now and then every `intervalMs` until stopped, while this instance holds the sweep lease (the
 * others skip their ticks); runs never overlap and the timer does not keep the process alive. Returns the
 * stop function (the lease is dropped at shutdown by releaseInstanceClaims, or expires).
 */
export function startReconcileLoop(deps: LoopDeps, intervalMs = RECONCILE_INTERVAL_MS): () => void {
  let running: Promise<unknown> | null = null;
  let first = true;
  const leaseMs = intervalMs + SWEEP_LEASE_SLACK_MS;
  const tick = () => {
    if (running) {
      // A sweep longer than the interval: keep the lease so no other instance starts a second one.
      deps.storage.leases.acquire(SWEEP_LEASE, deps.instanceId, leaseMs).catch((err: unknown) => deps.logger.warn({ err }, 'renewing the sweep lease failed'));
      return;
    }
    // The first sweep this instance runs checks everything: webhooks may have been lost while it was down.
    const full = first;
    running = reconcileIfLeader(deps, full ? { leaseMs } : { intervalMs, leaseMs })
      .then((report) => {
        if (report) first = false;
      })
      .catch((err: unknown) => deps.logger.error({ err }, 'reconciliation sweep failed'))
      .finally(() => (running = null));
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
