// List endpoints: newest first, `limit` (1–100, default 10), `created` (a timestamp or `created[gt|gte|lt|lte]`),
// and cursor pagination with `starting_after` / `ending_before`, answered in Stripe's list envelope.
import type Stripe from 'stripe';
import { invalidRequest, parameterInvalid, resourceMissing } from './errors';
import { optInt, optString, type Params } from './form';
import { buildList } from './objects';

interface Listable {
  id: string;
  created: number;
}

/** Whether an object's `created` passes the `created` filter. */
function createdMatches(created: number, filter: unknown): boolean {
  if (filter === undefined || filter === '') return true;
  if (typeof filter === 'string') {
    if (!/^\d+$/.test(filter)) throw parameterInvalid('created', `Invalid integer: ${filter}`, 'parameter_invalid_integer');
    return created === Number(filter);
  }
  if (typeof filter !== 'object' || filter === null) throw parameterInvalid('created', 'Invalid object', 'parameter_invalid_object');
  const bounds = filter as Record<string, unknown>;
  const checks: Record<string, (a: number, b: number) => boolean> = {
    gt: (a, b) => a > b,
    gte: (a, b) => a >= b,
    lt: (a, b) => a < b,
    lte: (a, b) => a <= b,
  };
  for (const [op, value] of Object.entries(bounds)) {
    const check = checks[op];
    if (!check) throw parameterInvalid(`created[${op}]`, `Received unknown parameter: created[${op}]`, 'parameter_unknown');
    if (typeof value !== 'string' || !/^\d+$/.test(value)) {
      throw parameterInvalid(`created[${op}]`, `Invalid integer: ${String(value)}`, 'parameter_invalid_integer');
    }
    if (!check(created, Number(value))) return false;
  }
  return true;
}

/** Pages `items` (kept in creation order) the way Stripe's list endpoints do. */
export function paginate<T extends Listable>(
  items: Iterable<T>,
  params: Params,
  url: string,
  kind: string,
  extraFilter: (item: T) => boolean = () => true,
): Stripe.ApiList<T> {
  const limit = optInt(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest('This value must be less than or equal to 100.', 'parameter_invalid_integer', 'limit');
  }
  // Insertion order is creation order; newest first means walking it backwards.
  const all = [...items].reverse().filter((item) => createdMatches(item.created, params.created) && extraFilter(item));
  const after = optString(params, 'starting_after');
  const before = optString(params, 'ending_before');
  let start = 0;
  let end = all.length;
  if (after) {
    const index = all.findIndex((item) => item.id === after);
    if (index < 0) throw resourceMissing(kind, after, 'starting_after');
    start = index + 1;
  }
  if (before) {
    const index = all.findIndex((item) => item.id === before);
    if (index < 0) throw resourceMissing(kind, before, 'ending_before');
    end = index;
    start = Math.max(start, end - limit);
  }
  const page = all.slice(start, Math.min(end, start + limit));
  const hasMore = before ? start > 0 : start + limit < end;
  return buildList(url, page, hasMore);
}
