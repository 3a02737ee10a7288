/**
 * The catalogue's errors as OpenAPI answers: per operation, one answer per status whose `error.code` is
 * limited to the codes that operation may answer with at that status.
 */
import { errors } from '../errors';

/** A catalogue entry (an error factory of errors.ts names both). */
export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
}

/** What any request may be answered: a control character in the URL (400), an unexpected failure (500). */
export const EVERY_REQUEST: ErrorSpec[] = [errors.invalidRequest, errors.internal];
/** A non-GET request over plain http in production behind TRUST_PROXY. */
export const WRITES: ErrorSpec[] = [errors.httpsRequired];
/** Reading a JSON (or form) body. */
export const BODY: ErrorSpec[] = [errors.invalidJson, errors.bodyUnreadable, errors.bodyTooLarge, errors.invalidRequest];
/** A store id in the path: malformed (400) or unknown (404). */
export const STORE_IN_PATH: ErrorSpec[] = [errors.invalidRequest, errors.storeNotFound];
/** The internal API's guard. */
export const INTERNAL: ErrorSpec[] = [errors.unauthorized, errors.rateLimited];
/** A call to Stripe with the store's own key. */
export const MERCHANT_STRIPE: ErrorSpec[] = [errors.storeNotConnected, errors.storedKeyRejected, errors.stripeUnavailable];
/** Stripe's refusals of a payment, mapped (payments/payment.ts). */
export const STRIPE_PAYMENT: ErrorSpec[] = [
  errors.paymentFailed,
  errors.paymentIntentMismatch,
  errors.amountTooSmall,
  errors.amountTooLarge,
  errors.stripeInvalidRequest,
  errors.stripePermissionDenied,
];
/** Answered for a path no route serves, and for a known path with another method (not per operation). */
export const NO_OPERATION: ErrorSpec[] = [errors.notFound, errors.methodNotAllowed];

/** The error answer headers by status. */
export const ERROR_HEADERS: Record<number, Record<string, string>> = {
  405: { Allow: 'The methods the path takes' },
  429: { 'Retry-After': 'Seconds until a retry may succeed' },
};

/** Distinct codes by status, in the order given. */
export function codesByStatus(specs: ErrorSpec[]): Map<number, string[]> {
  const byStatus = new Map<number, string[]>();
  for (const { code, status } of specs) {
    const codes = byStatus.get(status) ?? [];
    if (!codes.includes(code)) codes.push(code);
    byStatus.set(status, codes);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

/** What a shopper's code may be refused with (payments/discount-rules.ts). */
export const DISCOUNT_REFUSALS = [
  errors.discountCodeUnknown,
  errors.discountExpired,
  errors.discountMinimumNotMet,
  errors.discountNotApplicable,
  errors.discountExhausted,
];
