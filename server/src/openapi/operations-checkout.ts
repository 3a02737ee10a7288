/** The checkout page and its JSON API (same origin as the page; answers `Cache-Control: no-store`). */
import { errors } from '../errors';
import * as a from './answers';
import { BODY, DISCOUNT_REFUSALS, MERCHANT_STRIPE, STRIPE_PAYMENT } from './errors';
import { html, json, type Operation } from './operation';
import { requests } from './requests';

const TOKEN = "The session's token (43 characters): the capability";
const LIVE_SESSION = [errors.checkoutNotFound, errors.checkoutExpired];
const NO_STORE = { 'Cache-Control': '`no-store`' };

export const checkoutOperations: Operation[] = [
  {
    method: 'get',
    path: '/checkout/{token}',
    operationId: 'getCheckoutPage',
    tag: 'Checkout',
    summary: 'The hosted checkout page (HTML), opened by the widget or directly',
    pathParams: { token: TOKEN },
    query: {
      locale: { description: 'A BCP 47 language tag for the page and the Payment Element (else Accept-Language)' },
      accent: { description: 'A CSS hex colour (`#4f46e5`)' },
      parent_origin: { description: "The framing page's origin (one of the store's allowed_origins)" },
    },
    replies: {
      200: html('The page'),
      404: html('Unknown token'),
      409: html('The store is no longer connected to Stripe'),
      410: html('The session expired unpaid'),
    },
    errors: [errors.widgetNotBuilt],
  },
  {
    method: 'get',
    path: '/api/checkout/{token}',
    operationId: 'getCheckout',
    tag: 'Checkout',
    summary: 'The frozen session (with its order once paid)',
    pathParams: { token: TOKEN },
    replies: { 200: json(a.checkoutView, 'The session', NO_STORE) },
    errors: LIVE_SESSION,
  },
  {
    method: 'post',
    path: '/api/checkout/{token}/payment-intent',
    operationId: 'ensurePaymentIntent',
    tag: 'Checkout',
    summary: "The session's one PaymentIntent, made with the merchant's key on the first call",
    pathParams: { token: TOKEN },
    replies: { 200: json(a.paymentIntentAnswer, 'The intent', NO_STORE) },
    errors: [
      ...LIVE_SESSION,
      ...MERCHANT_STRIPE,
      ...STRIPE_PAYMENT,
      errors.checkoutModeChanged,
      errors.cartClosed,
      errors.checkoutSuperseded,
      errors.paymentInProgress,
      errors.rateLimited,
      errors.storeRateLimited,
    ],
  },
  {
    method: 'post',
    path: '/api/checkout/{token}/details',
    operationId: 'saveCheckoutDetails',
    tag: 'Checkout',
    summary: 'Email, shipping address and rate: the server reprices the session (and its PaymentIntent)',
    pathParams: { token: TOKEN },
    body: { schema: requests.details },
    replies: { 200: json(a.detailsAnswer, 'The stored details and the new total', NO_STORE) },
    errors: [
      ...LIVE_SESSION,
      ...BODY,
      ...MERCHANT_STRIPE,
      errors.invalidEmail,
      errors.invalidAddress,
      errors.shippingCountryUnsupported,
      errors.shippingRateUnavailable,
      errors.detailsLocked,
      errors.cartClosed,
      errors.checkoutSuperseded,
      errors.cartTooLarge,
      errors.stripeInvalidRequest,
      errors.paymentInProgress,
      errors.rateLimited,
      errors.storeRateLimited,
      ...DISCOUNT_REFUSALS,
      errors.discountAlreadyUsed,
      errors.taxUnavailable,
    ],
  },
  {
    method: 'post',
    path: '/api/checkout/{token}/complete',
    operationId: 'completeCheckout',
    tag: 'Checkout',
    summary: 'Check the confirmed PaymentIntent with Stripe and record the order',
    pathParams: { token: TOKEN },
    body: { schema: requests.complete },
    replies: {
      200: json(a.completedAnswer, 'The order is recorded', NO_STORE),
      202: json(a.processingAnswer, 'Stripe is still processing the payment; ask again later', NO_STORE),
    },
    errors: [
      ...LIVE_SESSION,
      ...BODY,
      ...MERCHANT_STRIPE,
      ...STRIPE_PAYMENT,
      errors.paymentIncomplete,
      errors.checkoutModeChanged,
      errors.checkoutSuperseded,
      errors.cartClosed,
      errors.rateLimited,
    ],
  },
];
