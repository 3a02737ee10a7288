/** The public endpoints: catalog, carts, store status, probes, webhooks, the connect form, bundles. */
import { errors } from '../errors';
import { formSchema } from '../routes/connect';
import * as a from './answers';
import { BODY, DISCOUNT_REFUSALS, STORE_IN_PATH } from './errors';
import { html, json, type Operation } from './operation';
import { requests } from './requests';

const STORE_ID = 'The store id (a UUID, any case)';
const CART_ID = 'The cart id (`cart_…`): the capability';
const CART_WRITE = [errors.cartNotFound, errors.cartClosed, errors.rateLimited, errors.storeRateLimited];
const CART_CORS = 'CORS: only the store\'s `allowed_origins` (an unknown cart\'s 404 is readable from any origin); preflight `OPTIONS` answers 204.';

export const publicOperations: Operation[] = [
  {
    method: 'get', path: '/api/stores/{store_id}/products', operationId: 'listPublicProducts', tag: 'Catalog',
    summary: "A store's active products, for the widget", description: CART_CORS,
    pathParams: { store_id: STORE_ID },
    replies: { 200: json(a.publicProductList, 'The active products') },
    errors: STORE_IN_PATH,
  },
  {
    method: 'post', path: '/api/stores/{store_id}/carts', operationId: 'createCart', tag: 'Carts',
    summary: 'Make an empty cart in the store\'s currency', description: CART_CORS,
    pathParams: { store_id: STORE_ID },
    replies: { 201: json(a.cartView, 'The new cart') },
    errors: [...STORE_IN_PATH, errors.rateLimited, errors.storeRateLimited],
  },
  {
    method: 'get', path: '/api/carts/{id}', operationId: 'getCart', tag: 'Carts', summary: 'Read a cart', description: CART_CORS,
    pathParams: { id: CART_ID },
    replies: { 200: json(a.cartView, 'The cart') },
    errors: [errors.cartNotFound, errors.cartClosed],
  },
  {
    method: 'post', path: '/api/carts/{id}/items', operationId: 'addCartItem', tag: 'Carts',
    summary: 'Add a product (merging with its line)', description: `Prices come from the catalog only. ${CART_CORS}`,
    pathParams: { id: CART_ID },
    body: { schema: requests.addItem },
    replies: { 200: json(a.cartView, 'The cart') },
    errors: [...BODY, ...CART_WRITE, errors.invalidQuantity, errors.productNotFound, errors.cartFull, errors.cartCurrencyMismatch, errors.outOfStock],
  },
  {
    method: 'patch', path: '/api/carts/{id}/items/{product_id}', operationId: 'setCartItemQuantity', tag: 'Carts',
    summary: "Set a line's quantity (0 removes it)", description: CART_CORS,
    pathParams: { id: CART_ID, product_id: 'The product id' },
    body: { schema: requests.setQuantity },
    replies: { 200: json(a.cartView, 'The cart') },
    errors: [...BODY, ...CART_WRITE, errors.invalidQuantity, errors.productNotFound, errors.cartFull, errors.cartCurrencyMismatch, errors.outOfStock],
  },
  {
    method: 'delete', path: '/api/carts/{id}/items/{product_id}', operationId: 'removeCartItem', tag: 'Carts',
    summary: 'Remove a line (removing a line that is not there changes nothing)', description: CART_CORS,
    pathParams: { id: CART_ID, product_id: 'The product id' },
    replies: { 200: json(a.cartView, 'The cart') },
    errors: CART_WRITE,
  },
  {
    method: 'post', path: '/api/carts/{id}/discount', operationId: 'applyCartDiscount', tag: 'Carts',
    summary: 'Apply a discount code (replacing the one applied)',
    description: `Refusals are 422 (the code is a field of the request, not a resource): \`discount_not_found\` also for an inactive code. Every try counts against guessing, per client address and per cart (429). ${CART_CORS}`,
    pathParams: { id: CART_ID },
    body: { schema: requests.applyDiscount },
    replies: { 200: json(a.cartView, 'The cart with the code applied') },
    errors: [...BODY, ...CART_WRITE, ...DISCOUNT_REFUSALS],
  },
  {
    method: 'delete', path: '/api/carts/{id}/discount', operationId: 'removeCartDiscount', tag: 'Carts',
    summary: 'Remove the discount code', description: CART_CORS,
    pathParams: { id: CART_ID },
    replies: { 200: json(a.cartView, 'The cart without a code') },
    errors: CART_WRITE,
  },
  {
    method: 'post', path: '/api/carts/{id}/checkout', operationId: 'openCheckout', tag: 'Carts',
    summary: 'Open a checkout session: freeze the lines and amount, issue a token', description: CART_CORS,
    pathParams: { id: CART_ID },
    replies: { 201: json(a.checkoutSession, 'The new session') },
    errors: [...CART_WRITE, errors.storeNotConnected, errors.cartEmpty, errors.cartTooLarge, errors.tooManyCheckouts, errors.discountExhausted, errors.outOfStock],
  },
  {
    method: 'get', path: '/stripe/status/{store_id}', operationId: 'getPublicStripeStatus', tag: 'Status',
    summary: 'Whether a store can take payments (CORS open)', pathParams: { store_id: STORE_ID },
    replies: { 200: json(a.publicStripeStatus, 'The status') },
    errors: [...STORE_IN_PATH, errors.methodNotAllowed],
  },
  {
    method: 'get', path: '/healthz', operationId: 'getHealth', tag: 'Status', summary: 'Liveness', pathParams: {},
    replies: { 200: json(a.health, 'The process serves') },
    errors: [],
  },
  {
    method: 'get', path: '/readyz', operationId: 'getReadiness', tag: 'Status', summary: 'Readiness for load balancers', pathParams: {},
    replies: { 200: json(a.ready, 'Ready'), 503: json(a.notReady, 'Shutting down, database unavailable or schema not current') },
    errors: [],
  },
  {
    method: 'post', path: '/stripe/webhooks/{store_id}', operationId: 'receiveStripeEvent', tag: 'Webhooks',
    summary: "Stripe's events for the store's own account",
    description: 'The `Stripe-Signature` is verified on the raw body with the store\'s signing secret (5-minute tolerance) before anything is parsed.',
    pathParams: { store_id: STORE_ID },
    headers: { 'Stripe-Signature': { description: "Stripe's signature header", required: true } },
    body: { schema: requests.stripeEvent, type: 'raw-json', description: 'A Stripe event, exactly as Stripe signed it (up to 512 KB)' },
    replies: { 200: json(a.webhookReceipt, 'Handled, or handled before') },
    errors: [errors.webhookSignatureInvalid, errors.invalidWebhookEvent, errors.bodyTooLarge, errors.bodyUnreadable, errors.orderNotRecordedYet, errors.storedKeyRejected, errors.stripeUnavailable],
  },
  {
    method: 'get', path: '/stripe/connect', operationId: 'getConnectForm', tag: 'Connect',
    summary: "The merchant's key entry form (HTML), from a signed connect link",
    pathParams: {},
    query: formSchema.pick({ store_id: true, return_url: true, expires: true, signature: true, parent_origin: true }),
    replies: {
      200: html('The form'),
      403: html('The link is invalid, expired or already used'),
      404: html('The link names an unknown store'),
    },
    errors: [],
  },
  {
    method: 'post', path: '/stripe/connect', operationId: 'submitConnectForm', tag: 'Connect',
    summary: "Verify the merchant's Stripe keys and connect the store",
    description: 'Browsers get the form again with the message; send `Accept: application/json` to get the errors as JSON.',
    pathParams: {},
    body: { schema: requests.connectForm, type: 'application/x-www-form-urlencoded' },
    replies: {
      303: {
        kind: 'text', description: 'Connected (a short "Redirecting to" note)', media: ['text/plain', 'text/html'],
        headers: { Location: '`/stripe/success/{store_id}?…` with the link\'s signature' },
      },
      400: html('A link field is missing or malformed'),
      403: html('The link is invalid, expired or already used'),
      404: html('The link names an unknown store'),
      422: html('The form again, with the problem of a key'),
      429: html('Too many attempts'),
      503: html('Stripe could not be reached'),
    },
    errors: [
      ...BODY, errors.rateLimited, errors.linkInvalid, errors.linkExpired, errors.linkUsed, errors.storeNotFound,
      errors.publishableKeyFormat, errors.secretKeyFormat, errors.keysModeMismatch, errors.keyNotAccepted, errors.keyLacksPermission,
      errors.keysRefused, errors.keysAccountMismatch, errors.keyCheckRefused, errors.stripeUnavailable,
    ],
  },
  {
    method: 'get', path: '/stripe/success/{store_id}', operationId: 'getConnectSuccess', tag: 'Connect',
    summary: 'The page after connecting (HTML)', pathParams: { store_id: STORE_ID },
    query: formSchema.pick({ return_url: true, expires: true, signature: true, parent_origin: true }).partial(),
    replies: { 200: html('Connected (the account only with the link\'s signature)'), 404: html('Unknown store') },
    errors: [],
  },
  {
    method: 'get', path: '/widget.js', operationId: 'getWidgetScript', tag: 'Assets', summary: 'The widget (classic script), short cache', pathParams: {},
    replies: { 200: { kind: 'text', description: 'JavaScript', headers: { Link: 'The hashed, immutable URL (`rel="canonical"`)' } } },
    errors: [errors.widgetNotBuilt],
  },
  {
    method: 'get', path: '/widget.mjs', operationId: 'getWidgetModule', tag: 'Assets', summary: 'The widget (ES module), short cache', pathParams: {},
    replies: { 200: { kind: 'text', description: 'JavaScript', headers: { Link: 'The hashed, immutable URL (`rel="canonical"`)' } } },
    errors: [errors.widgetNotBuilt],
  },
  {
    method: 'get', path: '/assets/{file}', operationId: 'getAsset', tag: 'Assets', summary: 'A bundle file by its content-hashed name (immutable)',
    pathParams: { file: 'e.g. `widget.3f9c0a1b2d.js`' },
    replies: { 200: { kind: 'text', description: 'JavaScript, CSS or a source map', media: ['application/javascript', 'text/css', 'application/json'] }, 304: { kind: 'empty', description: 'Not modified (`If-None-Match`)' } },
    errors: [errors.assetNotFound],
  },
  {
    method: 'get', path: '/openapi.json', operationId: 'getOpenApiDocument', tag: 'Meta', summary: 'This document', pathParams: {},
    replies: { 200: { kind: 'json', description: 'OpenAPI 3.1', schema: a.openApiDocument, headers: { 'Cache-Control': '`public, max-age=300`' } } },
    errors: [],
  },
];
