/**
 * The delivery worker: every instance runs one. It claims due deliveries in the database (rows, so instances
 * share the work and a dead instance's claims expire), sends each (delivery.ts), and settles it. At least
 * once: a claim whose instance died after sending is sent again; receivers dedupe on `webhook-id`.
 *
 * Order: one delivery per endpoint is in flight at a time, the oldest due first, so a healthy endpoint gets
 * its events in the order they were written. A failing delivery waits for its retry while the endpoint's
 * later events go on: one event an endpoint keeps refusing delays nothing else (retries arrive out of order).
 */
import type { Config } from '../config';
import type { AppDeps } from '../deps';
import { refusedHost } from '../security/public-address';
import type { ClaimedDelivery } from '../storage/port';
import { eventBody, outcomeOf, post, signatureHeader, type AttemptResult } from './delivery';

/** How the worker runs; the server's defaults are below, tests shorten them. */
export interface WorkerSettings {
  /** Pause between passes that found nothing to send. */
  pollIntervalMs: number;
  /** How long one request may take before it counts as failed. */
  timeoutMs: number;
  /** Endpoints served per pass (one delivery each). */
  batch: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = { pollIntervalMs: 1000, timeoutMs: 10_000, batch: 20 };

type WorkerDeps = Pick<AppDeps, 'storage' | 'sealer' | 'clock' | 'logger' | 'instanceId'> & { config: Pick<Config, 'env'> };

/** The claim outlives the longest attempt by this much (a dead instance's work waits at most this long). */
const CLAIM_SLACK_MS = 30_000;

/** The claim owner of this instance's worker. */
export const workerOwner = (instanceId: string) => `${instanceId}/webhooks`;

/** One pass: claims what is due and sends it (endpoints in parallel); answers how many attempts were made. */
export async function deliverDue(deps: WorkerDeps, settings: WorkerSettings = DEFAULT_WORKER_SETTINGS): Promise<number> {
  const owner = workerOwner(deps.instanceId);
  const claimed = await deps.storage.webhookDeliveries.claim(owner, settings.batch, settings.timeoutMs + CLAIM_SLACK_MS);
  await Promise.all(claimed.map((d) => attempt(deps, d, owner, settings.timeoutMs)));
  return claimed.length;
}

async function attempt(deps: WorkerDeps, d: ClaimedDelivery, owner: string, timeoutMs: number): Promise<void> {
  const body = eventBody(d);
  const timestamp = Math.floor(deps.clock.now() / 1000);
  let headers: Record<string, string>;
  try {
    headers = {
      'content-type': 'application/json',
      'user-agent': 'checkout-best-webhooks',
      'webhook-id': d.event_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(deps.sealer, d, timestamp, body, deps.clock.now()),
    };
  } catch (err) {
    // A secret that does not open (master key gone): retried like a failed request, and logged without it.
    deps.logger.error({ webhook_endpoint_id: d.endpoint_id, err: (err as Error).message }, 'webhook secret could not be opened');
    headers = {};
  }
  const result = headers['webhook-signature']
    ? await send(deps, d.url, headers, body, timeoutMs)
    : { statusCode: null, error: 'signing secret could not be opened' };
  const outcome = outcomeOf(d, result, deps.clock.now());
  const settled = await deps.storage.webhookDeliveries.settle(d.seq, owner, outcome);
  const fields = {
    webhook_endpoint_id: d.endpoint_id,
    origin: new URL(d.url).origin,
    event_id: d.event_id,
    type: d.event_type,
    attempt: d.attempts + 1,
    status_code: result.statusCode,
    outcome: settled ? outcome.status : 'claim_lost',
  };
  if (outcome.status === 'delivered') deps.logger.info(fields, 'webhook delivered');
  else deps.logger.warn({ ...fields, error: result.error, next_attempt_at: outcome.nextAttemptAt }, 'webhook delivery failed');
  if (settled && outcome.disableEndpoint)
    deps.logger.warn({ webhook_endpoint_id: d.endpoint_id, reason: outcome.disableEndpoint }, 'webhook endpoint disabled');
}

/**
 * Posts unless the SSRF guard refuses the host (production only): DNS may point a host that was public when
 * the endpoint was saved at a private address now. A refusal is a failed attempt, retried like any other.
 */
async function send(deps: WorkerDeps, url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<AttemptResult> {
  const refused = deps.config.env === 'production' ? await refusedHost(url) : null;
  if (refused) return { statusCode: null, error: `not sent: ${refused}` };
  return post(url, headers, body, timeoutMs);
}

/**
 * Runs until stopped: claims what is due whenever fewer than `batch` attempts are in flight, so a slow
 * endpoint (up to `timeoutMs`) holds only its own claim, never the others'; claims again at once after a
 * claim that found work (a backlog drains quickly), else after `pollIntervalMs`. Its timer does not keep the
 * process alive. The stop function waits for the attempts in flight, so a clean stop leaves no claim behind.
 */
export function startDeliveryWorker(deps: WorkerDeps, settings: Partial<WorkerSettings> = {}): () => Promise<void> {
  const s = { ...DEFAULT_WORKER_SETTINGS, ...settings };
  const owner = workerOwner(deps.instanceId);
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let claiming: Promise<unknown> = Promise.resolve();
  let claimingNow = false; // one claim at a time: a finishing attempt may ask for a tick meanwhile
  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const launch = (d: ClaimedDelivery) => {
    const p = attempt(deps, d, owner, s.timeoutMs)
      .catch((err: unknown) => deps.logger.error({ err, webhook_endpoint_id: d.endpoint_id, event_id: d.event_id }, 'webhook delivery attempt failed'))
      .finally(() => {
        inFlight.delete(p);
        schedule(0); // room for another endpoint's delivery, or this endpoint's next event
      });
    inFlight.add(p);
  };
  const tick = () => {
    const room = s.batch - inFlight.size;
    if (stopped || room <= 0 || claimingNow) return;
    claimingNow = true;
    claiming = deps.storage.webhookDeliveries
      .claim(owner, room, s.timeoutMs + CLAIM_SLACK_MS)
      .then((claimed) => {
        claimed.forEach(launch);
        schedule(claimed.length > 0 ? 0 : s.pollIntervalMs);
      })
      .catch((err: unknown) => {
        deps.logger.error({ err }, 'claiming webhook deliveries failed');
        schedule(s.pollIntervalMs);
      })
      .finally(() => (claimingNow = false));
  };
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await claiming;
    await Promise.all([...inFlight]);
  };
}
