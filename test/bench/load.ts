// Load and figures: autocannon on loopback (in the bench process) against one target at a time, with the
// target's CPU time read from /proc around each run (CPU per request depends far less on what else the
// machine is doing than requests per second does).
import autocannon from 'autocannon';
import { cpuMicros } from './processes';

/** Concurrent connections of every run. */
export const CONNECTIONS = 32;

/** Something the load goes to: its URL and the processes whose CPU time counts as its own. */
export interface Target {
  name: string;
  url: string;
  pids: number[];
  /** Processes on the way whose CPU time is reported apart (the cluster's proxy). */
  sidePids?: number[];
}

/** The outcome of one run. */
export interface Figures {
  rps: number;
  /** 99th percentile latency, ms. */
  p99: number;
  /** CPU time of the target's processes per answered request, µs. */
  cpu: number;
  /** CPU time of the side processes per answered request, µs (0 without any). */
  sideCpu: number;
  errors: number;
  requests: number;
}

/** Sum of the CPU time of `pids` so far, µs. */
export const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);

/** One autocannon run against `target` (`opts` without the URL). */
export async function measure(target: Target, opts: Omit<autocannon.Options, 'url'>): Promise<Figures> {
  const side = target.sidePids ?? [];
  const [before, sideBefore] = [cpuOf(target.pids), cpuOf(side)];
  const start = performance.now();
  let last = start;
  // Runs of a fixed `amount` end on autocannon's one-second tick: time them to their last answer instead.
  const requests = opts.requests?.map((r) => ({ ...r, onResponse: () => void (last = performance.now()) }));
  const r = await autocannon({ connections: CONNECTIONS, ...opts, ...(requests ? { requests } : {}), url: target.url });
  const seconds = ((opts.amount ? last : performance.now()) - start) / 1000;
  const answered = Math.max(1, r.requests.total);
  return {
    rps: answered / seconds,
    p99: r.latency.p99,
    cpu: (cpuOf(target.pids) - before) / answered,
    sideCpu: (cpuOf(side) - sideBefore) / answered,
    errors: r.errors + r.timeouts + r.non2xx,
    requests: r.requests.total,
  };
}

/**
 * Runs every target after a short warm-up each, in alternation, `rounds` times, and keeps each one's best run:
 * other work on a small shared machine then shifts them alike instead of skewing the ratios.
 */
export async function compare(targets: Target[], opts: (t: Target) => Omit<autocannon.Options, 'url'>, seconds: number, rounds = 2): Promise<Figures[]> {
  for (const t of targets) await measure(t, { ...opts(t), duration: 1 });
  const best: Figures[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [i, t] of targets.entries()) {
      const f = await measure(t, { ...opts(t), duration: seconds });
      if (!best[i] || f.rps > best[i].rps) best[i] = f;
    }
  }
  return best;
}

/** `requests` options that go round `paths`, one per request, with `method` and (for PATCH) alternating bodies. */
export function roundRobin(method: 'GET' | 'PATCH', paths: string[], headers: Record<string, string>): Omit<autocannon.Options, 'url'> {
  let n = 0;
  // Alternate the quantity so every PATCH really writes (a repeated value could be answered from a no-op).
  const bodies = [JSON.stringify({ quantity: 1 }), JSON.stringify({ quantity: 2 })];
  return {
    requests: [
      {
        method,
        headers,
        setupRequest: (req) => {
          const i = n++;
          return { ...req, path: paths[i % paths.length], ...(method === 'PATCH' ? { body: bodies[(i / paths.length) & 1] } : {}) };
        },
      },
    ],
  };
}
