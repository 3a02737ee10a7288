/**
 * One attempt at delivering an event to an endpoint, and what follows from its answer: the request as
 * Standard Webhooks has it (id, timestamp, signatures), sent without following redirects, with a timeout and
 * at most MAX_ANSWER_BYTES of the answer read; then delivered, tried again later (exponential backoff with
 * jitter), or given up. The worker (worker.ts) claims, calls these, and settles.
 */
import { webhookEndpointSecretBinding } from '../crypto/bindings';
import type { Sealer } from '../crypto/seal';
import type { ClaimedDelivery, DeliveryOutcome } from '../storage/port';
import type { EventEnvelope, EventType } from './events';
import { sign } from './signature';

/** Waits between attempts, from the first retry on; the last repeats (exponential, capped at 6 hours). */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000] as const;
/** A delivery is tried for at least this long after its event, then marked failed. */
export const RETRY_FOR_MS = 3 * 24 * 3_600_000;
/** An endpoint whose deliveries have all failed for this long is disabled (with `disabled_reason`). */
export const DISABLE_AFTER_MS = 3 * 24 * 3_600_000;
/** Answers are read up to here and then cut (we keep only the status code; the rest is for the connection). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** The body a receiver gets: the event, its object under `data`. Built the same for every attempt. */
export function eventBody(d: Pick<ClaimedDelivery, 'event_id' | 'event_type' | 'store_id' | 'payload' | 'event_created_at'>): string {
  const envelope: EventEnvelope = {
    id: d.event_id,
    type: d.event_type as EventType,
    created_at: new Date(d.event_created_at).toISOString(),
    store_id: d.store_id,
    data: JSON.parse(d.payload) as unknown,
  };
  return JSON.stringify(envelope);
}

/**
 * The `webhook-signature` header: `v1,<sig>` with the current secret, and during a rotation's overlap a
 * second one with the previous secret, space-separated (receivers accept either).
 */
export function signatureHeader(sealer: Sealer, d: ClaimedDelivery, timestamp: number, body: string, now: number): string {
  const current = sealer.open(webhookEndpointSecretBinding(d.endpoint_id, 'current'), d.secret_sealed);
  const signatures = [sign(current, d.event_id, timestamp, body)];
  if (d.previous_secret_sealed && d.previous_secret_expires_at !== null && d.previous_secret_expires_at > now) {
    const previous = sealer.open(webhookEndpointSecretBinding(d.endpoint_id, 'previous'), d.previous_secret_sealed);
    signatures.push(sign(previous, d.event_id, timestamp, body));
  }
  return signatures.join(' ');
}

/** What one attempt got: an HTTP status, or why there was none. */
export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
}

/** POSTs `body` to `url`; never throws. A redirect is an answer like any non-2xx (not followed). */
export async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<AttemptResult> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await drain(res);
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, error: ok ? null : res.status >= 300 && res.status < 400 ? 'redirect not followed' : `answered ${res.status}` };
  } catch (err) {
    const e = err as Error;
    return { statusCode: null, error: e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `request failed (${describe(e)})` };
  }
}

/** Reads at most MAX_ANSWER_BYTES of the answer, then cancels the rest. */
async function drain(res: Response): Promise<void> {
  const reader = res.body?.getReader();
  if (!reader) return;
  let read = 0;
  try {
    while (read <= MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A broken answer after the status line: the status is what counts.
  }
}

/** The cause of a failed fetch, without the URL (it may carry a token of the platform's). */
function describe(e: Error): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message?.split('\n')[0] ?? e.name;
}

/** The wait before attempt `attempt + 1` (attempt ≥ 1 made), jittered by ±20 % so retries of a backlog spread out. */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const base = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1];
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** What an attempt's result means for the delivery and its endpoint. */
export function outcomeOf(d: ClaimedDelivery, r: AttemptResult, now: number, random?: () => number): DeliveryOutcome {
  if (r.error === null) return { status: 'delivered', nextAttemptAt: null, statusCode: r.statusCode, error: null, disableEndpoint: null };
  const attempts = d.attempts + 1;
  const giveUp = now - d.created_at >= RETRY_FOR_MS;
  const failingSince = d.failing_since ?? now;
  const disable = now - failingSince >= DISABLE_AFTER_MS;
  return {
    status: giveUp ? 'failed' : 'pending',
    nextAttemptAt: giveUp ? null : now + retryDelay(attempts, random),
    statusCode: r.statusCode,
    error: r.error,
    disableEndpoint: disable ? `every delivery failed for ${Math.floor((now - failingSince) / 3_600_000)} hours (last: ${r.error})` : null,
  };
}
