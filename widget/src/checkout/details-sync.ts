/**
 * Keeps the server's copy of the shopper's details (email, address, rate) level with what the page shows.
 * Changes only replace the wanted state; one request at a time sends the latest of it, so answers can never
 * arrive out of order and a burst of keystrokes costs one request per pause, not one per key. The server
 * reprices on every request; the page shows only totals the server answered.
 */
import type { CheckoutDetailsInput, DetailsAnswer } from '../../../server/src/wire';

export interface DetailsSync {
  /**
   * Merges `change` into the wanted state and sends it after `delayMs` of quiet (0: at once). A new address
   * without a rate id forgets the chosen rate: the server keeps it if it still applies, else takes the cheapest
   * (sending the old id would be refused for an address it does not apply to). A change that changes nothing
   * (an element repeating its value) sends nothing.
   */
  change(change: CheckoutDetailsInput, delayMs?: number): void;
  /** Sends what is still unsent now and resolves once the server holds it; rejects with its refusal. */
  flush(): Promise<DetailsAnswer | null>;
  /** True while a change waits for its pause or its answer. */
  readonly pending: boolean;
}

interface SyncHooks {
  send(input: CheckoutDetailsInput): Promise<DetailsAnswer>;
  /** Every answer, in order. */
  onAnswer(answer: DetailsAnswer): void;
  /** A refusal of the latest state (422 unsupported country …); cleared by the next answer. */
  onError(err: unknown): void;
  /** Called whenever `pending` flips. */
  onPending(pending: boolean): void;
}

/** A sync whose wanted state starts as `initial` (what the session already holds counts as sent). */
export function detailsSync(initial: CheckoutDetailsInput, hooks: SyncHooks): DetailsSync {
  let wanted: CheckoutDetailsInput = { ...initial };
  let sent = JSON.stringify(wanted);
  let lastAnswer: DetailsAnswer | null = null;
  let lastError: Error | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let pending = false;

  const setPending = (p: boolean) => {
    if (p !== pending) hooks.onPending((pending = p));
  };

  // Sends the wanted state until the server holds it (one request at a time; a change made meanwhile goes next).
  const loop = async (): Promise<void> => {
    while (JSON.stringify(wanted) !== sent) {
      const body = wanted;
      const key = JSON.stringify(body);
      try {
        lastAnswer = await hooks.send(body);
        lastError = null;
        sent = key;
        hooks.onAnswer(lastAnswer);
      } catch (err) {
        sent = key;
        lastError = err instanceof Error ? err : new Error(String(err));
        hooks.onError(err);
      }
    }
  };

  // `running` is cleared in a callback that always runs after it was set, even when there was nothing to send
  // (a timer firing after the loop already sent its change): a loop that never awaited must not stay "running".
  const run = (): Promise<void> =>
    (running ??= loop().finally(() => {
      running = null;
      // A change that came between the loop's last look and this callback goes now (its run() found us finishing).
      if (!timer && JSON.stringify(wanted) !== sent) void run();
      else setPending(timer !== null);
    }));

  return {
    change(change, delayMs = 0) {
      const next = { ...wanted, ...change };
      if (change.shipping && !change.shipping_rate_id && JSON.stringify(change.shipping) !== JSON.stringify(wanted.shipping)) {
        delete next.shipping_rate_id;
      }
      if (JSON.stringify(next) === JSON.stringify(wanted) && !timer) return;
      wanted = next;
      if (timer) clearTimeout(timer);
      timer = null;
      setPending(true);
      if (delayMs <= 0) {
        void run();
        return;
      }
      timer = setTimeout(() => {
        timer = null;
        void run();
      }, delayMs);
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = null;
      // A refusal of what is wanted now is answered again: the server may have changed its mind meanwhile
      // (the platform added the country), and the shopper pressed Pay expecting a fresh answer.
      if (lastError && JSON.stringify(wanted) === sent) sent = '';
      if (JSON.stringify(wanted) !== sent || running) {
        setPending(true);
        while (running || JSON.stringify(wanted) !== sent) await run();
      }
      if (lastError) throw lastError;
      return lastAnswer;
    },
    get pending() {
      return pending;
    },
  };
}
