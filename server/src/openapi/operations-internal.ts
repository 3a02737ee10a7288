/** The platform's internal API (`/api/internal/…`, header `X-Internal-Secret`). */
import { errors } from '../errors';
import { pageQuery } from '../routes/internal/orders';
import * as a from './answers';
import { BODY, MERCHANT_STRIPE, STORE_IN_PATH } from './errors';
import { json, type Operation } from './operation';
import { requests } from './requests';

const STORE_ID = { id: 'The store id (a UUID, any case)' };
const DISCOUNT_ID = { ...STORE_ID, discount_id: 'The discount id (`disc_…`)' };
const STORES = '/api/internal/stores';
const ENDPOINTS = '/api/internal/webhook-endpoints';
const ENDPOINT_ID = { id: 'The endpoint id (`we_…`)' };

/** Every operation here is internal (the guard's 401 and 429 are added by the document). */
const internal = (op: Omit<Operation, 'internal'>): Operation => ({ ...op, internal: true });

export const internalOperations: Operation[] = [
  internal({
    method: 'post', path: STORES, operationId: 'createStore', tag: 'Stores', summary: 'Create a store (a platform may bring its own UUID)',
    pathParams: {}, body: { schema: requests.createStore },
    replies: { 201: json(a.store, 'The new store') },
    errors: [...BODY, errors.storeExists],
  }),
  internal({
    method: 'get', path: `${STORES}/{id}`, operationId: 'getStore', tag: 'Stores', summary: 'Read a store', pathParams: STORE_ID,
    replies: { 200: json(a.store, 'The store') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'patch', path: `${STORES}/{id}`, operationId: 'updateStore', tag: 'Stores', summary: 'Change a store', pathParams: STORE_ID,
    body: { schema: requests.patchStore },
    replies: { 200: json(a.store, 'The store') },
    errors: [...STORE_IN_PATH, ...BODY],
  }),
  internal({
    method: 'post', path: `${STORES}/{id}/connect-link`, operationId: 'createConnectLink', tag: 'Stores',
    summary: 'A signed, single-use link to the connect form', pathParams: STORE_ID,
    body: { schema: requests.connectLink, required: false },
    replies: { 200: json(a.connectLink, 'The link') },
    errors: [...STORE_IN_PATH, ...BODY],
  }),
  internal({
    method: 'get', path: `${STORES}/{id}/stripe-status`, operationId: 'getStripeStatus', tag: 'Stores', summary: "The store's Stripe connection",
    pathParams: STORE_ID, replies: { 200: json(a.stripeStatus, 'The status') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'delete', path: `${STORES}/{id}/stripe`, operationId: 'disconnectStripe', tag: 'Stores',
    summary: 'Disconnect the store from Stripe (settling its open payments first)', pathParams: STORE_ID,
    replies: { 200: json(a.stripeStatus, 'The status, has_stripe false') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'get', path: `${STORES}/{id}/events`, operationId: 'listStoreEvents', tag: 'Stores', summary: "The store's audit trail", pathParams: STORE_ID,
    replies: { 200: json(a.storeEvents, 'The events') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'put', path: `${STORES}/{id}/products`, operationId: 'upsertProducts', tag: 'Products',
    summary: 'Upsert products (up to 512 KB; products not named are kept)', pathParams: STORE_ID,
    body: { schema: requests.catalog },
    replies: { 200: json(a.productList, 'The upserted products') },
    errors: [...STORE_IN_PATH, ...BODY, errors.catalogCurrencyMismatch],
  }),
  internal({
    method: 'post', path: `${STORES}/{id}/products/{product_id}/stock`, operationId: 'adjustStock', tag: 'Products',
    summary: "Move a product's stock by ±n (one relative update: concurrent sales are never overwritten)",
    pathParams: { ...STORE_ID, product_id: 'The product id' }, body: { schema: requests.stockAdjust },
    replies: { 200: json(a.product, 'The product with its new stock, reserved and available') },
    errors: [...STORE_IN_PATH, ...BODY, errors.productNotFound, errors.stockInsufficient, errors.stockUnlimited],
  }),
  internal({
    method: 'get', path: `${STORES}/{id}/products`, operationId: 'listProducts', tag: 'Products', summary: 'Every product, inactive ones too',
    pathParams: STORE_ID, replies: { 200: json(a.productList, 'The products') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'get', path: `${STORES}/{id}/shipping`, operationId: 'getShipping', tag: 'Shipping', summary: "The store's shipping settings",
    pathParams: STORE_ID, replies: { 200: json(a.storeShipping, 'The settings (null: ships nothing)') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'put', path: `${STORES}/{id}/shipping`, operationId: 'setShipping', tag: 'Shipping', summary: "Replace the store's shipping settings",
    pathParams: STORE_ID, body: { schema: requests.shippingSettings },
    replies: { 200: json(a.storeShipping, 'The stored settings, normalised') },
    errors: [...STORE_IN_PATH, ...BODY, errors.invalidShippingSettings],
  }),
  internal({
    method: 'delete', path: `${STORES}/{id}/shipping`, operationId: 'deleteShipping', tag: 'Shipping', summary: 'Make the store ship nothing',
    pathParams: STORE_ID, replies: { 200: json(a.storeShipping, 'shipping null') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'get', path: `${STORES}/{id}/tax`, operationId: 'getTax', tag: 'Tax', summary: "The store's tax settings",
    pathParams: STORE_ID, replies: { 200: json(a.storeTax, 'The settings (null: prices include every tax)') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'put', path: `${STORES}/{id}/tax`, operationId: 'setTax', tag: 'Tax', summary: "Replace the store's tax settings",
    pathParams: STORE_ID, body: { schema: requests.taxSettings },
    replies: { 200: json(a.storeTax, 'The stored settings, normalised') },
    errors: [...STORE_IN_PATH, ...BODY, errors.invalidTaxSettings, errors.taxNotConfigured, ...MERCHANT_STRIPE],
  }),
  internal({
    method: 'delete', path: `${STORES}/{id}/tax`, operationId: 'deleteTax', tag: 'Tax', summary: 'Remove the tax settings (prices include every tax)',
    pathParams: STORE_ID, replies: { 200: json(a.storeTax, 'tax null') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'post', path: `${STORES}/{id}/discounts`, operationId: 'createDiscount', tag: 'Discounts',
    summary: 'Create a discount code (percent_off or amount_off; unique per store in any case)', pathParams: STORE_ID,
    body: { schema: requests.createDiscount },
    replies: { 201: json(a.discount, 'The new discount') },
    errors: [...STORE_IN_PATH, ...BODY, errors.invalidDiscount, errors.discountCodeTaken],
  }),
  internal({
    method: 'get', path: `${STORES}/{id}/discounts`, operationId: 'listDiscounts', tag: 'Discounts', summary: "The store's discount codes, newest first",
    pathParams: STORE_ID, replies: { 200: json(a.discountList, 'The discounts') },
    errors: STORE_IN_PATH,
  }),
  internal({
    method: 'get', path: `${STORES}/{id}/discounts/{discount_id}`, operationId: 'getDiscount', tag: 'Discounts', summary: 'One discount code',
    pathParams: DISCOUNT_ID, replies: { 200: json(a.discount, 'The discount') },
    errors: [...STORE_IN_PATH, errors.discountNotFound],
  }),
  internal({
    method: 'patch', path: `${STORES}/{id}/discounts/{discount_id}`, operationId: 'updateDiscount', tag: 'Discounts',
    summary: "Change a discount's terms (active: false withdraws it)", pathParams: DISCOUNT_ID,
    body: { schema: requests.patchDiscount },
    replies: { 200: json(a.discount, 'The discount as stored') },
    errors: [...STORE_IN_PATH, ...BODY, errors.discountNotFound, errors.invalidDiscount, errors.discountChanged],
  }),
  internal({
    method: 'get', path: `${STORES}/{id}/orders`, operationId: 'listOrders', tag: 'Orders', summary: "A store's orders, newest first",
    pathParams: STORE_ID, query: pageQuery,
    replies: { 200: json(a.orderList, 'One page') },
    errors: [...STORE_IN_PATH, errors.orderNotInStore],
  }),
  internal({
    method: 'get', path: '/api/internal/orders/{id}', operationId: 'getOrder', tag: 'Orders', summary: 'One order',
    pathParams: { id: 'The order id (`ord_…`)' },
    replies: { 200: json(a.order, 'The order') },
    errors: [errors.orderNotFound],
  }),
  internal({
    method: 'post', path: ENDPOINTS, operationId: 'createWebhookEndpoint', tag: 'WebhookEndpoints',
    summary: 'Add an endpoint; the answer carries its signing secret, once', pathParams: {},
    body: { schema: requests.createWebhookEndpoint },
    replies: { 201: json(a.webhookEndpointWithSecret, 'The endpoint and its secret') },
    errors: [...BODY, errors.webhookUrlNotPublic],
  }),
  internal({
    method: 'get', path: ENDPOINTS, operationId: 'listWebhookEndpoints', tag: 'WebhookEndpoints', summary: 'Every endpoint', pathParams: {},
    replies: { 200: json(a.webhookEndpointList, 'The endpoints') },
    errors: [],
  }),
  internal({
    method: 'get', path: `${ENDPOINTS}/{id}`, operationId: 'getWebhookEndpoint', tag: 'WebhookEndpoints', summary: 'Read an endpoint',
    pathParams: ENDPOINT_ID, replies: { 200: json(a.webhookEndpoint, 'The endpoint') },
    errors: [errors.webhookEndpointNotFound],
  }),
  internal({
    method: 'patch', path: `${ENDPOINTS}/{id}`, operationId: 'updateWebhookEndpoint', tag: 'WebhookEndpoints',
    summary: 'Change an endpoint (url, events, stores, enabled)', pathParams: ENDPOINT_ID,
    body: { schema: requests.patchWebhookEndpoint },
    replies: { 200: json(a.webhookEndpoint, 'The endpoint') },
    errors: [...BODY, errors.webhookEndpointNotFound, errors.webhookUrlNotPublic],
  }),
  internal({
    method: 'delete', path: `${ENDPOINTS}/{id}`, operationId: 'deleteWebhookEndpoint', tag: 'WebhookEndpoints', summary: 'Remove an endpoint',
    pathParams: ENDPOINT_ID, replies: { 200: json(a.deletedWebhookEndpoint, 'Removed') },
    errors: [errors.webhookEndpointNotFound],
  }),
  internal({
    method: 'post', path: `${ENDPOINTS}/{id}/rotate-secret`, operationId: 'rotateWebhookEndpointSecret', tag: 'WebhookEndpoints',
    summary: 'Roll the signing secret; the former one keeps signing beside it for 24 hours', pathParams: ENDPOINT_ID,
    replies: { 200: json(a.webhookEndpointWithSecret, 'The endpoint and its new secret') },
    errors: [errors.webhookEndpointNotFound, errors.webhookEndpointBusy],
  }),
  internal({
    method: 'get', path: `${ENDPOINTS}/{id}/deliveries`, operationId: 'listWebhookDeliveries', tag: 'WebhookEndpoints',
    summary: "The endpoint's delivery log, newest first (`starting_after`: an event id)", pathParams: ENDPOINT_ID, query: pageQuery,
    replies: { 200: json(a.webhookDeliveryList, 'One page') },
    errors: [errors.invalidRequest, errors.webhookEndpointNotFound, errors.webhookDeliveryNotFound],
  }),
  internal({
    method: 'post', path: `${ENDPOINTS}/{id}/deliveries/{event_id}/redeliver`, operationId: 'redeliverWebhookEvent', tag: 'WebhookEndpoints',
    summary: 'Send an event again now (delivered or failed before; attempts are kept)',
    pathParams: { ...ENDPOINT_ID, event_id: 'The event id (`evt_…`)' },
    replies: { 200: json(a.webhookDelivery, 'The delivery, pending and due now') },
    errors: [errors.webhookEndpointNotFound, errors.webhookDeliveryNotFound],
  }),
];
