// `GET /v1/payment_intents/search`: a subset of Stripe's search query language — clauses joined by AND (or OR),
// each `field:'value'` for status, currency, amount, customer, or `metadata['key']:'value'`.
import type Stripe from 'stripe';
import type { RequestContext } from './context';
import { invalidRequest, parameterMissing } from './errors';
import { optInt, optString } from './form';

type Clause = (pi: Stripe.PaymentIntent) => boolean;

function parseClause(text: string): Clause {
  const found = /^\s*(metadata\[['"]([^'"]+)['"]\]|[a-z_]+)\s*:\s*['"]?([^'"]*)['"]?\s*$/.exec(text);
  if (!found) throw invalidRequest(`Invalid search query: ${text}`, 'parameter_invalid_string', 'query');
  const [, field, metaKey, value] = found;
  if (metaKey) return (pi) => pi.metadata[metaKey] === value;
  if (!['status', 'currency', 'amount', 'customer'].includes(field)) {
    throw invalidRequest(`Field '${field}' is not supported by the emulator's search.`, 'parameter_invalid_string', 'query');
  }
  return (pi) => String((pi as unknown as Record<string, unknown>)[field]) === value;
}

/** Finds the caller's PaymentIntents matching `query`, newest first. */
export function searchPaymentIntents(ctx: RequestContext): Stripe.ApiSearchResult<Stripe.PaymentIntent> {
  const query = optString(ctx.params, 'query');
  if (!query) throw parameterMissing('query');
  const anyOf = / OR /i.test(query);
  const clauses = query.split(anyOf ? / OR /i : / AND /i).map(parseClause);
  const limit = optInt(ctx.params, 'limit') ?? 10;
  const matches = [...ctx.caller.bucket.paymentIntents.values()].reverse().filter((pi) => (anyOf ? clauses.some((c) => c(pi)) : clauses.every((c) => c(pi))));
  const page = Number(optString(ctx.params, 'page') ?? 0);
  const data = matches.slice(page, page + limit);
  const hasMore = page + limit < matches.length;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? String(page + limit) : null,
    url: '/v1/payment_intents/search',
  };
}
