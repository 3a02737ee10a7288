// Stripe's error bodies: `{ error: { type, code, message, param, doc_url, ... } }` with the HTTP status
// stripe-node maps to its error classes (400/404 invalid request, 401 auth, 402 card, 403 permission, 429 rate limit).

/** The fields of a Stripe error body (`error` in the JSON answer). */
export interface RawError {
  type: string;
  message: string;
  code?: string;
  decline_code?: string;
  doc_url?: string;
  param?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  request_log_url?: string;
}

/** A Stripe API error: thrown by handlers, turned into the HTTP answer by the server. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly raw: RawError,
    readonly headers: Record<string, string> = {},
  ) {
    super(raw.message);
  }
}

/** Stripe puts a doc link on every coded error; the slug is the code with dashes. */
export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

/** An `invalid_request_error` with an optional code and param. */
export function invalidRequest(message: string, code?: string, param?: string, status = 400): ApiError {
  const raw: RawError = { type: 'invalid_request_error', message };
  if (code) Object.assign(raw, { code, doc_url: docUrl(code) });
  if (param) raw.param = param;
  return new ApiError(status, raw);
}

/** 400 `parameter_missing`, as Stripe answers a create without a required field. */
export function parameterMissing(param: string): ApiError {
  return invalidRequest(`Missing required param: ${param}.`, 'parameter_missing', param);
}

/** 400 `parameter_invalid_integer` and friends for a value of the wrong kind. */
export function parameterInvalid(param: string, message: string, code = 'parameter_invalid_string'): ApiError {
  return invalidRequest(message, code, param);
}

/** 400 `parameter_unknown`, Stripe's answer to a parameter it does not know. */
export function parameterUnknown(param: string): ApiError {
  return invalidRequest(`Received unknown parameter: ${param}`, 'parameter_unknown', param);
}

/** 404 `resource_missing` ("No such payment_intent: 'pi_…'"), also what another account or mode sees. */
export function resourceMissing(kind: string, id: string, param = 'id'): ApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, 'resource_missing', param, 404);
}

/** 400 `payment_intent_unexpected_state` with the object attached, as Stripe does. */
export function unexpectedState(message: string, paymentIntent: unknown): ApiError {
  const err = invalidRequest(message, 'payment_intent_unexpected_state');
  err.raw.payment_intent = paymentIntent;
  return err;
}

/** Masks a key like Stripe's 401 message: the prefix, asterisks, and the last four characters. */
export function maskKey(key: string): string {
  const match = /^((?:sk|pk|rk)_(?:test|live)_)(.*)$/.exec(key);
  const prefix = match ? match[1] : '';
  const rest = match ? match[2] : key;
  if (rest.length <= 4) return prefix + '*'.repeat(rest.length);
  return prefix + '*'.repeat(rest.length - 4) + rest.slice(-4);
}

/** The 401 Stripe gives for an unknown, revoked or malformed key. */
export function invalidApiKey(key: string): ApiError {
  return new ApiError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${maskKey(key)}` });
}

/** The 401 Stripe gives when no key was sent at all. */
export function missingApiKey(): ApiError {
  return new ApiError(401, {
    type: 'invalid_request_error',
    message:
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  });
}

/** Stripe's refusal of a publishable key on an endpoint that needs a secret one. */
export function publishableKeyRefused(): ApiError {
  return new ApiError(401, {
    type: 'invalid_request_error',
    message:
      'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
  });
}

/** 403 for a restricted key that lacks the permission an endpoint needs. */
export function permissionDenied(key: string, accountId: string, permission: string): ApiError {
  return new ApiError(403, {
    type: 'invalid_request_error',
    message:
      `The provided key '${maskKey(key)}' does not have the required permissions for this endpoint on account '${accountId}'. ` +
      `Having the '${permission}' permission would allow this request to continue.`,
  });
}

/** Stripe's answer to an unknown URL. */
export function unrecognizedUrl(method: string, path: string): ApiError {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    undefined,
    undefined,
    404,
  );
}
