// Injected faults for reliability tests: the next N matching API requests answer 500, 429 (with Retry-After),
// have their connection reset, or hang until the client gives up. `latencyMs` delays every API answer.

/** The kinds of fault. */
export type FaultKind = '500' | '429' | 'reset' | 'hang';

/** A fault to inject into the next `count` requests that match `method` and `path`. */
export interface FaultSpec {
  kind: FaultKind;
  /** How many requests it hits (default 1). */
  count?: number;
  method?: string;
  /** Exact path, or a pattern; without one, every `/v1/` request matches. */
  path?: string | RegExp;
  /** Seconds for the 429's Retry-After header (default 1). */
  retryAfter?: number;
  /** Adds `Stripe-Should-Retry` so stripe-node retries (it does not retry a 429 without it). */
  shouldRetry?: boolean;
}

interface Pending extends FaultSpec {
  left: number;
}

/** The fault queue and latency setting of one emulator. */
export class Faults {
  /** Delay added before every API answer, in milliseconds. */
  latencyMs = 0;
  private queue: Pending[] = [];

  /** Queues a fault for the next matching requests. */
  enqueue(spec: FaultSpec): void {
    this.queue.push({ ...spec, left: spec.count ?? 1 });
  }

  /** Drops every queued fault. */
  clear(): void {
    this.queue = [];
  }

  /** How many faulted answers are still queued. */
  get pending(): number {
    return this.queue.reduce((sum, f) => sum + f.left, 0);
  }

  /** Takes the fault for this request, if one matches. */
  take(method: string, path: string): FaultSpec | undefined {
    const index = this.queue.findIndex((f) => matches(f, method, path));
    if (index < 0) return undefined;
    const fault = this.queue[index];
    fault.left -= 1;
    if (fault.left <= 0) this.queue.splice(index, 1);
    return fault;
  }
}

function matches(fault: FaultSpec, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method) return false;
  if (fault.path === undefined) return path.startsWith('/v1/');
  return typeof fault.path === 'string' ? fault.path === path : fault.path.test(path);
}
