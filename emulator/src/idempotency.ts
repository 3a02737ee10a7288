// Idempotency like Stripe's: a POST with an `Idempotency-Key` that was already used by the same API key replays
// the first answer (with `Idempotent-Replayed: true`) when the parameters and endpoint match, and is refused with
// 400 `idempotency_error` when they do not. Keys expire after 24 hours. Only answers of requests that started
// executing are kept (successes and card errors), so a validation error or an injected fault can be retried.
import { ApiError } from './errors';
import type { Params } from './form';

/** A stored answer. */
export interface StoredAnswer {
  status: number;
  body: string;
}

interface Entry extends StoredAnswer {
  endpoint: string;
  fingerprint: string;
  at: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Stable JSON of parsed parameters (keys sorted), so key order in the body does not matter. */
function fingerprint(params: Params): string {
  return JSON.stringify(params, (_k, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}

/** The idempotency store of one emulator. */
export class IdempotencyStore {
  private entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  /** The stored answer for a replay, undefined for a new key; throws `idempotency_error` on a mismatch. */
  lookup(apiKey: string, key: string, endpoint: string, params: Params): StoredAnswer | undefined {
    const id = `${apiKey}\u0000${key}`;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (this.now() - entry.at > DAY_MS) {
      this.entries.delete(id);
      return undefined;
    }
    if (entry.endpoint !== endpoint) {
      throw new ApiError(400, {
        type: 'idempotency_error',
        message:
          `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.endpoint}' vs '${endpoint}'). ` +
          `Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    if (entry.fingerprint !== fingerprint(params)) {
      throw new ApiError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    return { status: entry.status, body: entry.body };
  }

  /** Remembers an answer when Stripe would (2xx and card errors). */
  store(apiKey: string, key: string, endpoint: string, params: Params, answer: StoredAnswer): void {
    if (!(answer.status < 300 || answer.status === 402)) return;
    this.entries.set(`${apiKey}\u0000${key}`, { ...answer, endpoint, fingerprint: fingerprint(params), at: this.now() });
  }
}
