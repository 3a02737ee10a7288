/**
 * A store's budget of an expensive call (checkout sessions, PaymentIntents) as a token bucket in the database:
 * smoothed, so a burst cannot spend a minute's budget in a second and then lock the store's real
 * shoppers out for the rest of the minute, nor spend two minutes' worth across a window edge; and shared, so
 * several instances draw from one budget instead of each keeping its own counts.
 *
 * A share of the bucket is kept for carts that existed before a burst: a shopper who filled a cart minutes
 * ago still gets through while a flood of fresh carts has spent the rest. A flood can pre-age carts too, but
 * only at the per-address cart limit, minutes ahead.
 */
import type { Clock } from '../clock';
import type { BudgetsRepository } from '../storage/port';

/** The part of a store's bucket kept for established carts. */
export const RESERVED_SHARE = 0.2;
/** A cart this old when the call is made counts as established. */
export const ESTABLISHED_CART_MS = 2 * 60 * 1000;

/** A budget of `perMinute` calls of one kind (`name`) per store. */
export interface StoreBudget {
  name: string;
  perMinute: number;
}

/**
 * How many calls a store may make at once: a tenth of its minute (30 of 300), but a small budget's whole
 * minute (up to 10), so a quiet store's few shoppers never wait for the refill.
 */
export function burstOf(perMinute: number): number {
  return Math.max(1, Math.min(perMinute, Math.max(10, perMinute * 0.1)));
}

/**
 * Takes one call from the store's bucket (one statement): any caller while more than the reserved share is
 * left, else only a cart made at least ESTABLISHED_CART_MS ago (a second statement, only then).
 */
export async function takeFromStoreBudget(
  deps: { budgets: BudgetsRepository; clock: Clock },
  budget: StoreBudget,
  storeId: string,
  cartCreatedAt: () => Promise<number | null>,
): Promise<boolean> {
  const now = deps.clock.now();
  const capacity = burstOf(budget.perMinute);
  const perMs = budget.perMinute / 60_000;
  const key = `${budget.name}:${storeId}`;
  const reserved = Math.floor(capacity * RESERVED_SHARE);
  if (await deps.budgets.take(key, capacity, perMs, now, reserved)) return true;
  if (reserved === 0) return false;
  const created = await cartCreatedAt();
  if (created === null || now - created < ESTABLISHED_CART_MS) return false;
  return deps.budgets.take(key, capacity, perMs, now, 0);
}

/** Seconds until the bucket has a token again (the Retry-After of a refusal). */
export function retryAfterSeconds(budget: StoreBudget): number {
  return Math.max(1, Math.ceil(60 / budget.perMinute));
}
