/**
 * The request schemas of the document: the very zod schemas the routes validate with, named as components
 * (in their input form: what a client may send, before defaults and normalisation).
 */
import { z } from 'zod';
import { detailsSchema } from '../payments/details';
import { createDiscountSchema, patchDiscountSchema } from '../payments/discounts';
import { settingsSchema } from '../payments/shipping';
import { taxSettingsSchema } from '../payments/tax';
import { applyDiscountBody } from '../payments/cart-discount';
import { addItemBody, setQuantityBody } from '../routes/carts';
import { completeBody } from '../routes/checkout';
import { formSchema } from '../routes/connect';
import { createEndpointSchema, patchEndpointSchema } from '../platform-webhooks/endpoints';
import { catalogSchema, stockAdjustSchema } from '../routes/internal/products';
import { createSchema, linkSchema, patchSchema } from '../routes/internal/stores';
import type { ComponentMeta } from './answers';

/** The request schemas that become named components. */
export const requestComponents = z.registry<ComponentMeta>();

function named<T extends z.ZodType>(schema: T, id: string, description: string): T {
  requestComponents.add(schema, { id, description });
  return schema;
}

export const requests = {
  addItem: named(addItemBody, 'AddItemRequest', "A product and a quantity (a whole number from 1 to 99 or the product's max_quantity; default 1)."),
  setQuantity: named(setQuantityBody, 'SetQuantityRequest', "The new quantity: a whole number from 0 (removes the line) to 99 or the product's max_quantity."),
  applyDiscount: named(applyDiscountBody, 'ApplyDiscountRequest', 'The code the shopper typed (matched in any case).'),
  details: named(detailsSchema, 'CheckoutDetailsRequest', 'What the shopper typed; every field optional, a field left out keeps its stored value.'),
  complete: named(completeBody, 'CompleteRequest', "The session's confirmed PaymentIntent."),
  connectForm: named(formSchema, 'ConnectFormRequest', 'The four signed link fields and the two Stripe keys.'),
  createStore: named(createSchema, 'CreateStoreRequest', 'A new store; unknown fields are refused.'),
  patchStore: named(patchSchema, 'UpdateStoreRequest', 'The fields to change; unknown fields are refused.'),
  connectLink: named(linkSchema, 'ConnectLinkRequest', 'Where the merchant returns to, and how long the link works.'),
  catalog: named(catalogSchema, 'CatalogUpload', 'Products to upsert (products not named are kept).'),
  stockAdjust: named(stockAdjustSchema, 'StockAdjustRequest', 'Units to add (positive) or take away (negative), relative to the stock as it is when applied.'),
  shippingSettings: named(settingsSchema, 'ShippingSettingsRequest', "The store's whole shipping settings."),
  taxSettings: named(
    taxSettingsSchema,
    'TaxSettingsRequest',
    "The store's whole tax settings: included (prices hold every tax), a table of rates, or Stripe Tax on the merchant's account.",
  ),
  createDiscount: named(createDiscountSchema, 'CreateDiscountRequest', 'A new discount code and its terms; unknown fields are refused.'),
  patchDiscount: named(patchDiscountSchema, 'UpdateDiscountRequest', 'The terms to change (null clears one); the code itself never changes.'),
  createWebhookEndpoint: named(
    createEndpointSchema,
    'CreateWebhookEndpointRequest',
    'A new endpoint: its URL (https in production), the event types it wants, optionally the stores (default: every store).',
  ),
  patchWebhookEndpoint: named(patchEndpointSchema, 'UpdateWebhookEndpointRequest', 'The fields to change; store_ids null means every store.'),
  /** Not validated by a schema of ours (the route checks the signature, then the shape): what Stripe sends. */
  stripeEvent: named(
    z.looseObject({ id: z.string().min(1), type: z.string(), data: z.looseObject({ object: z.looseObject({}) }) }),
    'StripeEvent',
    'A Stripe event (https://docs.stripe.com/api/events/object); handled: payment_intent.succeeded, charge.refunded.',
  ),
};
