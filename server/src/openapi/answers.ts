/**
 * The JSON answers of the HTTP API as zod schemas, for the OpenAPI document only (nothing validates answers at
 * run time). They restate the TypeScript types the server builds its answers from (wire.ts and a few route
 * helpers); answer-types.ts checks at compile time that each schema's inferred type and its TypeScript type
 * are assignable both ways, so neither can change without the other. Objects are strict: an answer carrying
 * a field the document does not name fails the OpenAPI test.
 */
import { z } from 'zod';

/** Component metadata: the name under `#/components/schemas/` and its description. */
export interface ComponentMeta {
  id: string;
  description?: string;
}

/** The answer schemas that become named components (everything registered here, nothing else). */
export const answerComponents = z.registry<ComponentMeta>();

function named<T extends z.ZodType>(schema: T, id: string, description: string): T {
  answerComponents.add(schema, { id, description });
  return schema;
}

const currency = z
  .string()
  .regex(/^[a-z]{3}$/)
  .describe('ISO 4217, lower case');
const minor = z.number().int().min(0).describe('Minor units of the currency');
const isoTime = z.iso.datetime().describe('ISO 8601');
const country = z
  .string()
  .regex(/^[A-Z]{2}$/)
  .describe('ISO 3166-1 alpha-2');

export const cartLine = named(
  z.strictObject({
    product_id: z.string(),
    name: z.string(),
    unit_amount: minor,
    quantity: z.number().int().min(1),
    line_total: minor,
    shippable: z.boolean().optional(),
    weight_grams: z.number().int().min(0).nullable().optional(),
  }),
  'CartLine',
  "One priced cart line, computed on the server from the catalog (also a checkout session's frozen line).",
);

export const cartView = named(
  z.strictObject({
    id: z.string(),
    store_id: z.string(),
    currency,
    items: z.array(cartLine),
    subtotal: minor,
    item_count: z.number().int().min(0),
    requires_shipping: z.boolean(),
    free_shipping_over: minor.nullable(),
    discount: z
      .strictObject({
        code: z.string(),
        amount: minor.describe('Taken off the subtotal'),
        free_shipping: z.boolean().describe('Shipping costs nothing at checkout'),
        capped: z.boolean().describe("Less than the terms say: the lines are worth less, or the total reached Stripe's minimum charge"),
      })
      .nullable()
      .describe('The applied code while it applies to this cart (the cart keeps a code that stops applying and shows null)'),
    total: minor.describe('subtotal − discount.amount (shipping and tax come at checkout)'),
  }),
  'Cart',
  'The whole cart, as every cart endpoint answers it.',
);

export const checkoutSession = named(
  z.strictObject({ token: z.string(), url: z.url(), expires_at: isoTime }),
  'CheckoutSession',
  'A new checkout session: its token (the capability), its page and when it expires.',
);

export const address = named(
  z.strictObject({
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string(),
    state: z.string().nullable(),
    postal_code: z.string(),
    country,
  }),
  'Address',
  "A postal address, in Stripe's shape.",
);

export const deliveryEstimate = named(
  z.strictObject({ min_days: z.number().int().min(0), max_days: z.number().int().min(0) }),
  'DeliveryEstimate',
  'A delivery estimate in business days.',
);

export const shippingRateOption = named(
  z.strictObject({ id: z.string(), display_name: z.string(), amount: minor, delivery_estimate: deliveryEstimate.nullable() }),
  'ShippingRateOption',
  'A shipping rate as the checkout offers it: its price for this cart and address.',
);

export const taxLine = named(
  z.strictObject({
    display_name: z.string(),
    percentage: z.number(),
    inclusive: z.boolean().describe('True: already inside the prices (VAT), shown only; false: added to the total (sales tax)'),
    amount: minor,
  }),
  'TaxLine',
  'One tax of a session or an order, summed over the lines (and shipping) it applies to.',
);

export const amounts = named(
  z.strictObject({
    subtotal: minor,
    discount: minor,
    shipping: minor,
    tax: minor.describe('Tax charged on top of the prices: the sum of the exclusive tax_lines (0 without tax settings or an address)'),
    tax_lines: z.array(taxLine).describe('Every tax of the sale; inclusive ones are inside the prices and not part of `tax`'),
    total: minor,
  }),
  'Amounts',
  'The money of a session or an order: subtotal − discount + shipping + tax = total.',
);

export const customer = named(
  z.strictObject({ email: z.string().nullable(), name: z.string().nullable(), phone: z.string().nullable() }),
  'Customer',
  'Who bought: the email from the checkout, name and phone from the shipping address.',
);

export const shipping = named(
  z.strictObject({
    name: z.string(),
    phone: z.string().nullable(),
    address,
    rate: z.strictObject({ id: z.string(), display_name: z.string(), amount: minor }),
    delivery_estimate: deliveryEstimate.nullable(),
  }),
  'Shipping',
  'Where an order goes and how.',
);

export const checkoutDetails = named(
  z.strictObject({
    email: z.string().nullable(),
    shipping: shipping.nullable(),
    shipping_rates: z.array(shippingRateOption),
    discount: z
      .strictObject({
        code: z.string().describe('As the store defined it, whatever the shopper typed'),
        amount: minor.describe('The same as amounts.discount'),
      })
      .nullable()
      .describe('The code the session applies, from the cart or this page (null: none)'),
    amounts,
    complete: z.boolean(),
  }),
  'CheckoutDetails',
  'What the session knows of the shopper and the total the server computed from it.',
);

export const shippingRateSettings = named(
  z.strictObject({
    id: z.string(),
    display_name: z.string(),
    amount: minor,
    countries: z.array(country).nullish(),
    free_over: minor.nullish(),
    weight_bands: z.array(z.strictObject({ min_grams: z.number().int().min(0), max_grams: z.number().int().nullable(), amount: minor })).nullish(),
    delivery_estimate: deliveryEstimate.nullish(),
  }),
  'ShippingRateSettings',
  'One shipping rate of a store, as stored (absent optionals read as null).',
);

export const shippingSettings = named(
  z.strictObject({ countries: z.array(country), rates: z.array(shippingRateSettings) }),
  'ShippingSettings',
  "A store's shipping, as the platform set it.",
);

export const taxRateSettings = named(
  z.strictObject({
    country,
    state: z.string().nullable().describe('US and CA only: the state or province; null: the whole country'),
    percentage: z.number().describe('Percent, up to three decimals'),
    inclusive: z.boolean().describe('True: prices hold this tax (VAT); false: added on top (sales tax)'),
    display_name: z.string(),
    tax_category: z.string().nullable().describe('Only products of this category; null: every product without a rate of its own'),
  }),
  'TaxRateSettings',
  'One tax rate of a store.',
);

export const taxSettings = named(
  z.union([
    z.strictObject({ mode: z.literal('included') }),
    z.strictObject({ mode: z.literal('rates'), tax_shipping: z.boolean(), rates: z.array(taxRateSettings) }),
    z.strictObject({
      mode: z.literal('stripe_tax'),
      prices_include_tax: z.boolean().describe("True: prices hold the tax (Stripe's tax_behavior inclusive); false: added on top"),
      tax_shipping: z.boolean().describe('False: shipping is left out of the calculation (untaxed)'),
      tax_codes: z.record(z.string(), z.string()).describe('Stripe tax codes (txcd_…) by product tax category'),
    }),
  ]),
  'TaxSettings',
  "A store's tax, as the platform set it: included, a table of rates, or Stripe Tax on the merchant's account.",
);

export const order = named(
  z.strictObject({
    id: z.string(),
    store_id: z.string(),
    checkout_id: z.string(),
    status: z.enum(['paid', 'partially_refunded', 'refunded']),
    amount: minor,
    amount_refunded: minor,
    currency,
    items: z.array(cartLine),
    payment_intent_id: z.string(),
    livemode: z.boolean(),
    customer_email: z.string().nullable().describe('The same as customer.email (kept for older integrations)'),
    customer,
    shipping: shipping.nullable(),
    discount: z.strictObject({ code: z.string(), amount: minor }).nullable().describe('The code the order was paid with (null: none)'),
    amounts,
    oversold: z.boolean().describe('Paid after its stock reservation lapsed and the stock was gone; recorded anyway'),
    created_at: isoTime,
  }),
  'Order',
  'A paid order.',
);

export const checkoutView = named(
  z.strictObject({
    store: z.strictObject({ id: z.string(), name: z.string() }),
    items: z.array(cartLine),
    amount: minor,
    currency,
    requires_shipping: z.boolean(),
    shipping_countries: z.array(country),
    details: checkoutDetails,
    publishable_key: z.string().nullable(),
    is_live_mode: z.boolean(),
    status: z.enum(['open', 'paid']),
    expires_at: isoTime,
    order: order.optional(),
  }),
  'CheckoutView',
  'The frozen checkout session (with its order once paid).',
);

export const paymentIntentAnswer = named(
  z.strictObject({ payment_intent_id: z.string(), client_secret: z.string(), publishable_key: z.string(), amount: minor, currency }),
  'PaymentIntentAnswer',
  "What the checkout page needs to mount Stripe's Payment Element.",
);

export const detailsAnswer = named(
  z.strictObject({ details: checkoutDetails, amount: minor, currency }),
  'DetailsAnswer',
  'The stored details and the repriced total.',
);

export const completedAnswer = named(z.strictObject({ order }), 'CompletedAnswer', 'The order is recorded.');

export const processingAnswer = named(
  z.strictObject({ status: z.literal('processing'), payment_intent_id: z.string() }),
  'ProcessingAnswer',
  'Stripe is still processing the payment; ask again later.',
);

export const errorBody = named(
  z.strictObject({
    error: z.strictObject({
      code: z.string().describe('Stable snake_case code of the error catalogue'),
      message: z.string().describe('Safe to show to people'),
      param: z.string().optional().describe('The request field the error is about'),
      product_id: z.string().optional().describe('out_of_stock, insufficient_stock: the product'),
      available: z.number().int().optional().describe('out_of_stock: how many can still be bought'),
      stock: z.number().int().optional().describe('insufficient_stock: the stock on hand'),
    }),
  }),
  'Error',
  'The body of every error answer.',
);

// ---- answers typed outside wire.ts (the internal API, probes, webhooks) ----

export const store = named(
  z.strictObject({
    id: z.string(),
    name: z.string(),
    allowed_origins: z.array(z.string()),
    default_currency: currency,
    created_at: isoTime,
    updated_at: isoTime,
  }),
  'Store',
  'A store, as the internal API answers it.',
);

export const stripeStatus = named(
  z.strictObject({
    store_id: z.string(),
    has_stripe: z.boolean().describe('Can take payments now: keys stored and not known to be invalid'),
    is_live_mode: z.boolean(),
    account_id: z.string().nullable(),
    account_name: z.string().nullable(),
    key_type: z.enum(['secret', 'restricted']).nullable(),
    key_status: z.enum(['valid', 'invalid']).nullable(),
    webhooks: z.boolean(),
    connected_at: isoTime.nullable(),
    last_error: z.string().nullable(),
  }),
  'StripeStatus',
  "A store's Stripe connection (never any key material).",
);

export const publicStripeStatus = named(
  z.strictObject({ store_id: z.string(), has_stripe: z.boolean(), is_live_mode: z.boolean() }),
  'PublicStripeStatus',
  'Whether a store can take payments, for storefronts.',
);

export const connectLink = named(z.strictObject({ url: z.url(), expires_at: isoTime }), 'ConnectLink', 'A signed, single-use link to the connect form.');

export const storeEvent = named(
  z.strictObject({
    id: z.number().int(),
    type: z.enum(['store_created', 'connected', 'reconnected', 'account_changed', 'keys_invalid', 'disconnected']),
    account_id: z.string().nullable(),
    previous_account_id: z.string().nullable(),
    livemode: z.boolean().nullable(),
    message: z.string(),
    created_at: isoTime,
  }),
  'StoreEvent',
  "One entry of a store's audit trail.",
);

export const storeEvents = named(z.strictObject({ data: z.array(storeEvent) }), 'StoreEventList', "A store's audit trail, oldest first.");

export const product = named(
  z.strictObject({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    unit_amount: minor,
    currency,
    image_url: z.string().nullable(),
    active: z.boolean(),
    max_quantity: z.number().int().nullable(),
    weight_grams: z.number().int().nullable(),
    shippable: z.boolean(),
    stock: z.number().int().nullable().describe('Units on hand; null: unlimited'),
    reserved: z.number().int().describe('Units held by unexpired checkout sessions'),
    available: z.number().int().nullable().describe('stock − reserved (never below 0); null: unlimited'),
    tax_category: z.string().nullable().describe("The tax category its lines are taxed by (a rate's tax_category, a Stripe tax code); null: none"),
  }),
  'Product',
  'A catalog product as the platform sees it.',
);

export const publicProduct = named(
  product.omit({ active: true, stock: true, reserved: true, tax_category: true }),
  'PublicProduct',
  'An active product as the widget sees it.',
);

export const productList = named(z.strictObject({ data: z.array(product) }), 'ProductList', "A store's products.");

export const publicProductList = named(z.strictObject({ data: z.array(publicProduct) }), 'PublicProductList', "A store's active products.");

export const storeTax = named(
  z.strictObject({ store_id: z.string(), tax: taxSettings.nullable() }),
  'StoreTax',
  "A store's tax settings; null when it has none (prices include every tax).",
);

export const storeShipping = named(
  z.strictObject({ store_id: z.string(), shipping: shippingSettings.nullable() }),
  'StoreShipping',
  "A store's shipping settings; null when it ships nothing.",
);

export const orderList = named(
  z.strictObject({ object: z.literal('list'), data: z.array(order), has_more: z.boolean() }),
  'OrderList',
  "One page of a store's orders, newest first.",
);

export const discount = named(
  z.strictObject({
    id: z.string().describe('`disc_…`'),
    store_id: z.string(),
    code: z.string().describe('As written; shoppers may type it in any case'),
    percent_off: z.number().int().min(1).max(100).nullable(),
    amount_off: minor.nullable(),
    currency: currency.nullable().describe("What amount_off and min_subtotal are in: the store's currency; null without amounts"),
    min_subtotal: minor.nullable(),
    product_ids: z.array(z.string()).nullable().describe('The products it applies to; null: every product'),
    starts_at: isoTime.nullable(),
    ends_at: isoTime.nullable(),
    max_redemptions: z.number().int().min(1).nullable(),
    times_redeemed: z.number().int().min(0),
    once_per_email: z.boolean(),
    free_shipping: z.boolean(),
    active: z.boolean(),
    created_at: isoTime,
    updated_at: isoTime,
  }),
  'Discount',
  "A store's discount code and its terms.",
);

export const discountList = named(z.strictObject({ data: z.array(discount) }), 'DiscountList', "A store's discount codes, newest first.");
export const webhookEndpoint = named(
  z.strictObject({
    id: z.string().describe('`we_…`'),
    url: z.string(),
    event_types: z.array(z.string()),
    store_ids: z.array(z.string()).nullable().describe('null: every store'),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable().describe('Why checkout-best disabled it; null when enabled or disabled by the platform'),
    previous_secret_expires_at: isoTime.nullable().describe('Until when the secret before the last rotation still signs too'),
    created_at: isoTime,
    updated_at: isoTime,
  }),
  'WebhookEndpoint',
  'An endpoint of the platform that receives events (never its secret).',
);

export const webhookEndpointWithSecret = named(
  webhookEndpoint.extend({
    secret: z
      .string()
      .regex(/^whsec_/)
      .describe('The signing secret (Standard Webhooks); shown only in this answer'),
  }),
  'WebhookEndpointWithSecret',
  'An endpoint just created or with a secret just rotated, with its new signing secret.',
);

export const webhookDelivery = named(
  z.strictObject({
    event_id: z.string().describe('`evt_…`: the `webhook-id` the endpoint received'),
    event_type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']).describe('failed: retried for 3 days without a 2xx'),
    attempts: z.number().int().describe('Attempts made so far (a redelivery keeps counting)'),
    last_status_code: z.number().int().nullable().describe("The last attempt's HTTP status; null when none came (timeout, refused)"),
    last_error: z.string().nullable().describe('Why the last attempt failed; null after a success or before any attempt'),
    last_attempt_at: isoTime.nullable(),
    next_attempt_at: isoTime.nullable().describe('When it is due (pending only)'),
    created_at: isoTime,
  }),
  'WebhookDelivery',
  "One event's delivery to an endpoint.",
);

export const webhookDeliveryList = named(
  z.strictObject({ object: z.literal('list'), data: z.array(webhookDelivery), has_more: z.boolean() }),
  'WebhookDeliveryList',
  "One page of an endpoint's deliveries, newest first.",
);

export const webhookEndpointList = named(z.strictObject({ data: z.array(webhookEndpoint) }), 'WebhookEndpointList', 'Every endpoint, oldest first.');

export const deletedWebhookEndpoint = named(z.strictObject({ id: z.string(), deleted: z.literal(true) }), 'DeletedWebhookEndpoint', 'The endpoint is gone.');

export const health = named(z.strictObject({ ok: z.literal(true) }), 'Health', 'Liveness: the process serves.');

export const ready = named(z.strictObject({ ready: z.literal(true) }), 'Ready', 'Readiness: take traffic.');

export const notReady = named(
  z.strictObject({ ready: z.literal(false), reason: z.string() }),
  'NotReady',
  "Not ready, and why (for the operator; deliberately not the error catalogue's shape).",
);

export const webhookReceipt = named(
  z.strictObject({ received: z.literal(true), duplicate: z.boolean().describe('True when this event id was handled before') }),
  'WebhookReceipt',
  'The event was handled (or had been).',
);

export const openApiDocument = named(
  z.looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  }),
  'OpenApiDocument',
  'An OpenAPI 3.1 document.',
);
