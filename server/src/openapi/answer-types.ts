/**
 * Compile-time only: each answer schema of answers.ts infers exactly the TypeScript type the server builds
 * that answer from (assignable both ways), so the document cannot drift from wire.ts and the route helpers
 * without `npm run typecheck` failing. Nothing here runs.
 */
import type { z } from 'zod';
import type { discountJson } from '../routes/internal/discounts';
import type { Readiness } from '../routes/status';
import type { storeJson, stripeStatusJson } from '../connect/views';
import type { endpointJson } from '../platform-webhooks/endpoints';
import type { deliveryJson, listDeliveries } from '../platform-webhooks/delivery-log';
import type { OrderPage, Product, StoreEvent } from '../storage/port';
import type * as wire from '../wire';
import type * as answers from './answers';

/** True when A and B are assignable to each other. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile unless T is `true`. */
type Expect<T extends true> = T;
type Of<S extends z.ZodType> = z.output<S>;

export type AnswerTypeChecks = [
  Expect<Mutual<Of<typeof answers.cartLine>, wire.CartLine>>,
  Expect<Mutual<Of<typeof answers.cartView>, wire.CartView>>,
  Expect<Mutual<Of<typeof answers.checkoutSession>, wire.CheckoutSession>>,
  Expect<Mutual<Of<typeof answers.address>, wire.Address>>,
  Expect<Mutual<Of<typeof answers.deliveryEstimate>, wire.DeliveryEstimate>>,
  Expect<Mutual<Of<typeof answers.shippingRateOption>, wire.ShippingRateOption>>,
  Expect<Mutual<Of<typeof answers.amounts>, wire.Amounts>>,
  Expect<Mutual<Of<typeof answers.taxLine>, wire.TaxLine>>,
  Expect<Mutual<Of<typeof answers.customer>, wire.Customer>>,
  Expect<Mutual<Of<typeof answers.shipping>, wire.Shipping>>,
  Expect<Mutual<Of<typeof answers.checkoutDetails>, wire.CheckoutDetails>>,
  Expect<Mutual<Of<typeof answers.shippingRateSettings>, wire.ShippingRateSettings>>,
  Expect<Mutual<Of<typeof answers.shippingSettings>, wire.ShippingSettings>>,
  Expect<Mutual<Of<typeof answers.order>['status'], wire.OrderStatus>>,
  Expect<Mutual<Of<typeof answers.order>, wire.Order>>,
  Expect<Mutual<Of<typeof answers.checkoutView>, wire.CheckoutView>>,
  Expect<Mutual<Of<typeof answers.paymentIntentAnswer>, wire.PaymentIntentAnswer>>,
  Expect<Mutual<Of<typeof answers.detailsAnswer>, wire.DetailsAnswer>>,
  Expect<Mutual<Of<typeof answers.completedAnswer>, wire.CompletedAnswer>>,
  Expect<Mutual<Of<typeof answers.processingAnswer>, wire.ProcessingAnswer>>,
  Expect<Mutual<Of<typeof answers.completedAnswer> | Of<typeof answers.processingAnswer>, wire.CompleteAnswer>>,
  Expect<Mutual<Of<typeof answers.errorBody>, wire.ErrorBody>>,
  // ---- answers typed by their route helpers and the storage port ----
  Expect<Mutual<Of<typeof answers.store>, ReturnType<typeof storeJson>>>,
  Expect<Mutual<Of<typeof answers.stripeStatus>, ReturnType<typeof stripeStatusJson>>>,
  Expect<Mutual<Of<typeof answers.publicStripeStatus>, Pick<ReturnType<typeof stripeStatusJson>, 'store_id' | 'has_stripe' | 'is_live_mode'>>>,
  Expect<Mutual<Of<typeof answers.storeEvent>, Omit<StoreEvent, 'store_id' | 'created_at'> & { created_at: string }>>,
  Expect<Mutual<Of<typeof answers.product>, Product>>,
  Expect<Mutual<Of<typeof answers.publicProduct>, Omit<Product, 'active' | 'stock' | 'reserved' | 'tax_category'>>>,
  Expect<Mutual<Of<typeof answers.storeShipping>, { store_id: string; shipping: wire.ShippingSettings | null }>>,
  Expect<Mutual<Omit<Of<typeof answers.orderList>, 'object'>, OrderPage>>,
  Expect<Mutual<Of<typeof answers.discount>, ReturnType<typeof discountJson>>>,
  Expect<Mutual<Of<typeof answers.ready> | Of<typeof answers.notReady>, Readiness>>,
  Expect<Mutual<Of<typeof answers.webhookEndpoint>, ReturnType<typeof endpointJson>>>,
  Expect<Mutual<Of<typeof answers.webhookEndpointWithSecret>, ReturnType<typeof endpointJson> & { secret: string }>>,
  Expect<Mutual<Of<typeof answers.webhookDelivery>, ReturnType<typeof deliveryJson>>>,
  Expect<Mutual<Of<typeof answers.webhookDeliveryList>, Awaited<ReturnType<typeof listDeliveries>>>>,
];
