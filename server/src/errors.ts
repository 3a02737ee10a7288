/**
 * The error catalogue, in the spirit of stripe-node's Error.ts: every error an API caller can see is built
 * here, by one named factory per case, with its stable snake_case code, its HTTP status and its one message.
 * Everything else calls these factories; `ERROR_CATALOGUE` lists them for the test that keeps the README's
 * table and the widget's translations in step. Messages must never carry key material.
 */
import type { ErrorBody } from './wire';

/** One error type for everything an API caller may see: a stable code, an HTTP status, a safe message. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
    /** The request field the error is about (`shipping.address.country`), as Stripe's errors name theirs. */
    readonly param?: string,
    /** Machine-readable facts for the caller, answered beside code and message (`available` of out_of_stock). */
    readonly extra: ErrorExtra = {},
  ) {
    super(message);
  }

  /** The same error about the field `param`. */
  about(param: string): AppError {
    return new AppError(this.code, this.status, this.message, this.headers, param, this.extra);
  }
}

/** The extra fields an error may carry (ErrorBody lists them). */
export type ErrorExtra = Partial<Pick<ErrorBody['error'], 'product_id' | 'available' | 'stock'>>;

export type { ErrorBody };

/** Builds the JSON body of an error answer. */
export function errorBody(code: string, message: string, param?: string, extra: ErrorExtra = {}): ErrorBody {
  return { error: { code, message, ...(param ? { param } : {}), ...extra } };
}

/** A catalogue entry: a factory that also names its code and status. */
export interface ErrorFactory<A extends unknown[], C extends string = string> {
  (...args: A): AppError;
  readonly code: C;
  readonly status: number;
}

function def<A extends unknown[] = [], C extends string = string>(
  code: C,
  status: number,
  message: string | ((...args: A) => string),
  headers?: (...args: A) => Record<string, string>,
  extra?: (...args: A) => ErrorExtra,
): ErrorFactory<A, C> {
  const make = (...args: A) =>
    new AppError(code, status, typeof message === 'string' ? message : message(...args), headers?.(...args) ?? {}, undefined, extra?.(...args));
  return Object.assign(make, { code, status });
}

/** Every error the server answers with, by name. */
export const errors = {
  // ---- requests in general ----
  invalidRequest: def('invalid_request', 400, (message: string) => message),
  invalidJson: def('invalid_json', 400, 'Request body is not valid JSON'),
  bodyUnreadable: def('invalid_request', 400, 'Could not read the request body'),
  unauthorized: def('unauthorized', 401, 'Missing or wrong X-Internal-Secret header'),
  httpsRequired: def('https_required', 403, 'HTTPS is required; send this request to the https:// URL'),
  notFound: def('not_found', 404, 'No such endpoint'),
  assetNotFound: def('asset_not_found', 404, 'No such asset (it may belong to an older build)'),
  methodNotAllowed: def(
    'method_not_allowed',
    405,
    (method: string, allow: string) => `${method} is not allowed here${allow ? `; use ${allow}` : ''}`,
    (_method: string, allow: string): Record<string, string> => (allow ? { Allow: allow } : {}),
  ),
  bodyTooLarge: def('body_too_large', 413, (limit: number) => `Request body is larger than ${limit} bytes`),
  rateLimited: def(
    'rate_limited',
    429,
    (retryAfterSeconds: number) => `Too many requests; try again in ${retryAfterSeconds} seconds`,
    (retryAfterSeconds: number) => ({ 'Retry-After': String(retryAfterSeconds) }),
  ),
  storeRateLimited: def(
    'rate_limited',
    429,
    (retryAfterSeconds: number) => `This store is getting too many requests; try again in ${retryAfterSeconds} seconds`,
    (retryAfterSeconds: number) => ({ 'Retry-After': String(retryAfterSeconds) }),
  ),
  internal: def('internal_error', 500, 'Something went wrong on our side'),
  widgetNotBuilt: def('widget_not_built', 503, 'The widget is not built: run `npm run build`'),

  // ---- stores and their Stripe connection ----
  storeNotFound: def('store_not_found', 404, 'Store not found'),
  storeExists: def('store_exists', 409, 'A store with this id already exists'),
  storeNotConnected: def('store_not_connected', 409, 'Store not connected to Stripe'),
  linkInvalid: def('link_invalid', 403, 'The connect link is not valid (wrong or missing signature)'),
  linkExpired: def('link_expired', 403, 'The connect link has expired'),
  linkUsed: def('link_used', 403, 'The connect link was already used'),
  storedKeyRejected: def('invalid_api_key', 502, "Invalid API key: the store's Stripe keys were changed; the merchant must reconnect"),
  stripePermissionDenied: def('stripe_permission_denied', 502, "The store's restricted key may not make payments; the merchant must reconnect"),
  stripeUnavailable: def('stripe_unavailable', 503, 'Could not reach Stripe, try again'),

  // ---- the connect form's key checks (422, with the form field they belong to; see stripe/verify-keys.ts) ----
  publishableKeyFormat: def('invalid_request', 422, 'A publishable key starts with pk_test_ or pk_live_'),
  secretKeyFormat: def('invalid_request', 422, 'A secret key starts with sk_test_ or sk_live_ (restricted keys: rk_test_ or rk_live_)'),
  keysModeMismatch: def(
    'keys_mode_mismatch',
    422,
    (pkMode: string, skMode: string) => `The publishable key is a ${pkMode} key but the secret key is a ${skMode} key; use both keys from the same mode`,
  ),
  keyNotAccepted: def('invalid_api_key', 422, (which: 'publishable' | 'secret') => `Invalid API key: Stripe did not accept the ${which} key`),
  keyLacksPermission: def('invalid_api_key', 422, 'This restricted key lacks a required permission: it needs at least PaymentIntents: Write'),
  keysRefused: def('invalid_api_key', 422, (stripeMessage: string) => `Stripe refused the keys: ${stripeMessage}`),
  keysAccountMismatch: def('keys_account_mismatch', 422, 'The publishable key and the secret key belong to different Stripe accounts'),
  keyCheckRefused: def(
    'key_check_refused',
    422,
    (stripeMessage: string) => `Stripe accepted the keys but refused the test payment used to check them: ${stripeMessage}`,
  ),

  // ---- catalog and carts ----
  productNotFound: def('product_not_found', 422, (productId: string) => `No product '${productId}' in this store`),
  invalidQuantity: def('invalid_quantity', 422, (max: number) => `Quantity must be a whole number from 1 to ${max}`),
  catalogCurrencyMismatch: def(
    'currency_mismatch',
    422,
    (currencies: string[]) => `A store sells in one currency; these products would mix ${currencies.join(', ')}`,
  ),
  cartCurrencyMismatch: def(
    'currency_mismatch',
    422,
    (cartCurrency: string, productId: string, productCurrency: string) => `This cart is in ${cartCurrency}; '${productId}' is in ${productCurrency}`,
  ),
  cartNotFound: def('cart_not_found', 404, 'Cart not found'),
  cartClosed: def('cart_closed', 409, 'This cart was checked out and paid; start a new cart'),
  outOfStock: def(
    'out_of_stock',
    409,
    (productId: string, available: number) => (available > 0 ? `Only ${available} of '${productId}' left; lower the quantity` : `'${productId}' is sold out`),
    undefined,
    (productId: string, available: number) => ({ product_id: productId, available }),
  ),
  stockInsufficient: def(
    'insufficient_stock',
    409,
    (productId: string, stock: number) => `Stock of '${productId}' cannot go below zero; ${stock} left`,
    undefined,
    (productId: string, stock: number) => ({ product_id: productId, stock }),
  ),
  stockUnlimited: def('stock_unlimited', 409, (productId: string) => `'${productId}' has no stock count (unlimited); set its stock in the catalog first`),
  cartEmpty: def('cart_empty', 422, 'The cart is empty'),
  cartTooLarge: def('amount_too_large', 422, 'The cart total is larger than a card payment may be'),
  cartFull: def('cart_full', 422, (max: number) => `A cart holds at most ${max} different products`),
  tooManyCheckouts: def(
    'rate_limited',
    429,
    (retryAfterSeconds: number) => `This cart has too many open checkouts; try again in ${retryAfterSeconds} seconds`,
    (retryAfterSeconds: number) => ({ 'Retry-After': String(retryAfterSeconds) }),
  ),

  // ---- checkout sessions and payments ----
  checkoutNotFound: def('checkout_not_found', 404, 'Checkout session not found'),
  checkoutExpired: def('checkout_expired', 410, 'This checkout session has expired; start again from the store'),
  checkoutSuperseded: def(
    'checkout_superseded',
    409,
    'This checkout was replaced by a newer checkout of the same cart (another tab or window); continue there or start again from the store',
  ),
  checkoutModeChanged: def(
    'checkout_mode_changed',
    409,
    'The store switched between test and live mode since this checkout began; start a new checkout from the store',
  ),
  paymentInProgress: def('payment_in_progress', 409, 'Another checkout of this cart is processing a payment; wait for it to finish'),
  paymentIncomplete: def('payment_incomplete', 409, 'The payment has not been confirmed yet'),
  paymentFailed: def('payment_failed', 402, (stripeMessage: string) => stripeMessage),
  paymentIntentMismatch: def('payment_intent_mismatch', 422, 'This payment does not belong to this checkout session'),
  amountTooSmall: def('amount_too_small', 422, (stripeMessage: string) => stripeMessage),
  amountTooLarge: def('amount_too_large', 422, (stripeMessage: string) => stripeMessage),
  stripeInvalidRequest: def('stripe_invalid_request', 422, (stripeMessage: string) => stripeMessage),
  invalidEmail: def('invalid_email', 422, 'Enter a valid email address, such as jenny@example.com'),
  invalidAddress: def('invalid_address', 422, (message: string) => message),
  shippingCountryUnsupported: def('shipping_country_unsupported', 422, (country: string) => `This store does not ship to ${country}; choose another address`),
  shippingRateUnavailable: def('shipping_rate_unavailable', 422, (message: string) => message),
  detailsLocked: def('details_locked', 409, 'The payment of this checkout is already being processed or done; its details can no longer change'),

  // ---- shipping settings (the platform's) ----
  invalidShippingSettings: def('invalid_shipping_settings', 422, (message: string) => message),
  invalidTaxSettings: def('invalid_tax_settings', 422, (message: string) => message),
  taxNotConfigured: def('tax_not_configured', 409, (message: string) => message),
  /** At checkout: the store's Stripe Tax stopped working after its settings were saved. */
  taxUnavailable: def('tax_not_configured', 409, 'This store cannot calculate tax right now; try again later or contact the store'),

  // ---- discount codes (the platform's) ----
  invalidDiscount: def('invalid_discount', 422, (message: string) => message),
  discountNotFound: def('discount_not_found', 404, 'Discount not found'),
  discountCodeTaken: def('discount_code_taken', 409, (code: string) => `This store already has the code ${code} (codes match in any case)`),
  discountChanged: def('discount_changed', 409, 'The discount was being changed by another request; read it again and retry'),

  // ---- discount codes (the shopper's): 422, the code typed is a field of the request, not a resource ----
  discountCodeUnknown: def('discount_not_found', 422, 'This discount code does not exist; check the spelling'),
  discountExpired: def('discount_expired', 422, (message: string) => message),
  discountMinimumNotMet: def(
    'discount_minimum_not_met',
    422,
    (missing: string, minimum: string) => `Add ${missing} more to use this code (it needs a subtotal of ${minimum})`,
  ),
  discountNotApplicable: def('discount_not_applicable', 422, 'This code does not apply to any product in the cart'),
  discountExhausted: def('discount_exhausted', 422, 'This code has been used up'),
  discountAlreadyUsed: def('discount_already_used', 422, 'This code was already used with this email address'),

  // ---- orders and incoming webhooks ----
  orderNotFound: def('order_not_found', 404, 'Order not found'),
  orderNotInStore: def('order_not_found', 404, (orderId: string) => `No order '${orderId}' in this store`),
  webhookSignatureInvalid: def('webhook_signature_invalid', 400, 'Webhook signature is missing, wrong or too old'),
  invalidWebhookEvent: def('invalid_webhook_event', 400, 'The event needs a string id and type and a data.object'),
  orderNotRecordedYet: def('order_not_recorded_yet', 409, 'The refunded payment has no order yet; deliver this event again later'),

  // ---- the platform's webhook endpoints ----
  webhookEndpointNotFound: def('webhook_endpoint_not_found', 404, 'Webhook endpoint not found'),
  webhookUrlNotPublic: def('webhook_url_not_public', 422, (reason: string) => `url: ${reason}; in production an endpoint must be a public address`),
  webhookDeliveryNotFound: def('webhook_delivery_not_found', 404, (eventId: string) => `No delivery of event '${eventId}' to this endpoint`),
  webhookEndpointBusy: def('webhook_endpoint_busy', 409, "The endpoint's secret was being rotated meanwhile; try again"),
};

/** Every code with the statuses it is answered with (a few codes keep one status per situation, e.g. 422 vs 502). */
export const ERROR_CATALOGUE: { code: string; statuses: number[] }[] = (() => {
  const byCode = new Map<string, Set<number>>();
  for (const f of Object.values(errors)) byCode.set(f.code, (byCode.get(f.code) ?? new Set()).add(f.status));
  return [...byCode].map(([code, statuses]) => ({ code, statuses: [...statuses].sort() }));
})();

/** Every error code the server answers with (`{"error":{"code"}}`), as a union: the browser code compares against it. */
export type ErrorCode = (typeof errors)[keyof typeof errors]['code'];
