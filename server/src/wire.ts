/**
 * The HTTP contract between the server and the browser code (widget.js / widget.mjs on the storefront,
 * checkout.js on the hosted checkout page): the JSON bodies of the public cart and checkout APIs, the
 * error body, and the configuration the server embeds in the checkout page. Declared once, here.
 *
 * Types only, no runtime code. Both sides import it with `import type`, so nothing of it reaches a bundle
 * and the widget never pulls server code in. Field names and types are exactly what the server sends:
 * amounts in integer minor units of `currency` (ISO 4217, lower case), times as ISO 8601 strings.
 */
import type { Language } from './i18n';

/** One priced cart line, computed on the server from the catalog (also a checkout session's frozen line). */
export interface CartLine {
  product_id: string;
  name: string;
  unit_amount: number;
  quantity: number;
  /** `unit_amount * quantity`. */
  line_total: number;
  /** False for goods that need no address (a gift card, a download). Absent in sessions made before shipping: true. */
  shippable?: boolean;
  /** The product's weight per unit, for weight-banded shipping rates; null: not given (weighs nothing). */
  weight_grams?: number | null;
}

/**
 * The cart as every cart endpoint answers it: `POST /api/stores/:store_id/carts` (201),
 * `GET /api/carts/:id`, `POST /api/carts/:id/items`, `PATCH` and `DELETE /api/carts/:id/items/:product_id`.
 */
export interface CartView {
  id: string;
  store_id: string;
  currency: string;
  items: CartLine[];
  subtotal: number;
  item_count: number;
  /** True when the store has shipping settings and a line is shippable: "Shipping calculated at checkout". */
  requires_shipping: boolean;
  /**
   * The lowest free-shipping threshold of the store's rates (minor units of `currency`), or null when no rate
   * has one or nothing ships: the drawer says "Add $7.50 for free shipping" while `subtotal` is below it.
   */
  free_shipping_over: number | null;
  /** The code the shopper applied, while it applies to this cart (null: none, or it no longer applies). */
  discount: CartDiscount | null;
  /** `subtotal − discount.amount`: what the lines cost before shipping (and tax) at checkout. */
  total: number;
}

/** A discount code as the cart shows it; `amount` computed on the server. */
export interface CartDiscount {
  code: string;
  /** Minor units taken off the subtotal. */
  amount: number;
  /** True when the code also makes shipping free (the chosen rate costs 0 at checkout). */
  free_shipping: boolean;
  /** True when `amount` is less than the code's terms say: the lines are worth less, or the total hit Stripe's minimum charge. */
  capped: boolean;
}

/** The code an order was paid with (or a checkout session applies), as the store spells it, and what it takes off. */
export interface OrderDiscount {
  code: string;
  amount: number;
}

/** `POST /api/carts/:id/checkout` (201): the new checkout session's page. */
export interface CheckoutSession {
  /** The session's capability; the page is `/checkout/:token` and its API `/api/checkout/:token/…`. */
  token: string;
  /** The checkout page's absolute URL. */
  url: string;
  /** ISO 8601. */
  expires_at: string;
}

/** A postal address, in Stripe's shape (`country`: ISO 3166-1 alpha-2, upper case). */
export interface Address {
  line1: string;
  line2: string | null;
  city: string;
  state: string | null;
  postal_code: string;
  country: string;
}

/** A delivery estimate in business days. */
export interface DeliveryEstimate {
  min_days: number;
  max_days: number;
}

/** One shipping rate as the checkout page offers it: its price for this cart and address. */
export interface ShippingRateOption {
  id: string;
  display_name: string;
  /** What this cart pays for it (0 when free, e.g. over the free-shipping threshold). */
  amount: number;
  delivery_estimate: DeliveryEstimate | null;
}

/** The money of a session or order; discount and tax slot in beside shipping later. */
export interface Amounts {
  subtotal: number;
  /** What a discount code took off the subtotal (0: none). */
  discount: number;
  shipping: number;
  /** Tax charged on top of the prices (exclusive rates; 0 without tax settings or when every rate is inclusive). */
  tax: number;
  /** Every tax of the sale; `inclusive` ones are already inside the prices and shown only, the others make up `tax`. */
  tax_lines: TaxLine[];
  /** `subtotal − discount + shipping + tax`. */
  total: number;
}

/** Who bought: the email from the checkout, name and phone from the shipping address. */
export interface Customer {
  email: string | null;
  name: string | null;
  phone: string | null;
}

/** Where an order goes and how. */
export interface Shipping {
  name: string;
  phone: string | null;
  address: Address;
  rate: { id: string; display_name: string; amount: number };
  delivery_estimate: DeliveryEstimate | null;
}

/**
 * `POST /api/checkout/:token/details`: what the shopper typed. Every field is optional so the page can
 * send the email before the address; the server keeps what it was given last. Prices never come from here.
 */
export interface CheckoutDetailsInput {
  email?: string;
  shipping?: { name: string; phone?: string | null; address: Address };
  /** The rate the shopper picked; absent: the cheapest one that applies. */
  shipping_rate_id?: string;
  /** A discount code to apply (as typed), or null to remove the applied one. */
  discount_code?: string | null;
}

/** What the session knows of the shopper and the total the server computed from it. */
export interface CheckoutDetails {
  email: string | null;
  /** Required before paying when `requires_shipping`. */
  shipping: Shipping | null;
  /** The rates that apply to the stored address and this cart (empty until there is an address). */
  shipping_rates: ShippingRateOption[];
  /**
   * The code the session applies, as the store defined it (`WELCOME10` whatever the shopper typed, in the cart or
   * here), and `amounts.discount`; null: none. A free-shipping code takes 0 off and zeroes `amounts.shipping`.
   */
  discount: OrderDiscount | null;
  amounts: Amounts;
  /** True when everything the order needs is there (email, and address + rate when required). */
  complete: boolean;
}

/** A store's shipping, as the platform sets it (`PUT /api/internal/stores/:id/shipping`) and reads it. */
export interface ShippingSettings {
  /** ISO 3166-1 alpha-2 codes the store ships to (at least one). */
  countries: string[];
  rates: ShippingRateSettings[];
}

/** One shipping rate of a store. */
export interface ShippingRateSettings {
  /** 1-64 letters, digits, `_` or `-`; unique within the store. */
  id: string;
  display_name: string;
  /** Minor units of the store's currency (0 = free). */
  amount: number;
  /** Where it applies (a subset of the store's countries); absent or null: all of them. */
  countries?: string[] | null;
  /** Free when the cart's subtotal is at least this. */
  free_over?: number | null;
  /**
   * Weight bands in grams (`min_grams` inclusive, `max_grams` exclusive; null max: no upper bound), each with
   * its own amount. With bands the rate applies only to carts whose shippable weight falls in one; bands of
   * one rate never overlap.
   */
  weight_bands?: { min_grams: number; max_grams: number | null; amount: number }[] | null;
  delivery_estimate?: DeliveryEstimate | null;
}

/** Where an order stands; refunds arrive by webhook. */
export type OrderStatus = 'paid' | 'partially_refunded' | 'refunded';

/** A paid order, as `/complete`, the checkout view and the internal orders API send it. */
export interface Order {
  id: string;
  store_id: string;
  checkout_id: string;
  status: OrderStatus;
  amount: number;
  amount_refunded: number;
  currency: string;
  items: CartLine[];
  payment_intent_id: string;
  livemode: boolean;
  /** Kept for integrations written before orders had a customer block: the same as `customer.email`. */
  customer_email: string | null;
  customer: Customer;
  /** Null for orders that ship nothing (a store without shipping settings, or only unshippable lines). */
  shipping: Shipping | null;
  /** The discount code the order was paid with (null: none; orders from before discounts too). */
  discount: OrderDiscount | null;
  amounts: Amounts;
  /** The payment succeeded after its reservation lapsed and the stock was gone: recorded anyway, to ship or refund. */
  oversold: boolean;
  /** ISO 8601. */
  created_at: string;
}

/** `GET /api/checkout/:token`: the frozen session; also embedded in the checkout page (CheckoutPageConfig.view). */
export interface CheckoutView {
  store: { id: string; name: string };
  items: CartLine[];
  /** The session's current total (= `details.amounts.total`), what its PaymentIntent charges. */
  amount: number;
  currency: string;
  /** True when the store has shipping settings and a line is shippable: the page asks for an address and a rate. */
  requires_shipping: boolean;
  /** The countries the store ships to (ISO alpha-2), for the Address Element's `allowedCountries`; [] when none. */
  shipping_countries: string[];
  details: CheckoutDetails;
  /** The key the session was made for; null once the store was disconnected or switched mode. */
  publishable_key: string | null;
  is_live_mode: boolean;
  status: 'open' | 'paid';
  /** ISO 8601. */
  expires_at: string;
  /** Present once the session is paid and its order recorded. */
  order?: Order;
}

/** `POST /api/checkout/:token/payment-intent`: what the page needs to mount the Payment Element. */
export interface PaymentIntentAnswer {
  payment_intent_id: string;
  client_secret: string;
  publishable_key: string;
  amount: number;
  currency: string;
}

/** `POST /api/checkout/:token/details` (200): the stored details and the repriced total. */
export interface DetailsAnswer {
  details: CheckoutDetails;
  /** = `details.amounts.total`; the session's PaymentIntent was updated to it before this answer. */
  amount: number;
  currency: string;
}

/** `POST /api/checkout/:token/complete` (200): the order is recorded. */
export interface CompletedAnswer {
  order: Order;
}

/** `POST /api/checkout/:token/complete` (202): Stripe is still processing the payment; ask again. */
export interface ProcessingAnswer {
  status: 'processing';
  payment_intent_id: string;
}

/** Either answer of `POST /api/checkout/:token/complete`. */
export type CompleteAnswer = CompletedAnswer | ProcessingAnswer;

/** The body of every error answer (4xx and 5xx): a stable snake_case code and a message safe to show. */
export interface ErrorBody {
  /** `param`: the request field the error is about, when there is one (`shipping.address.country`). */
  error: {
    code: string;
    message: string;
    param?: string;
    /** out_of_stock and insufficient_stock: the product, and what is left of it (available to sell / on hand). */
    product_id?: string;
    available?: number;
    stock?: number;
  };
}

/**
 * The JSON data block (`<script type="application/json" id="checkout-best-config">`) the server renders
 * into `GET /checkout/:token` for checkout.js.
 */
export interface CheckoutPageConfig {
  token: string;
  /** The page's language, picked from `?locale=` and Accept-Language. */
  lang: Language;
  /** `?locale=` when valid, else `lang`: for number and date formatting and Stripe's Payment Element. */
  locale: string;
  /** The framing page's origin (declared by the widget, one of the store's allowed_origins); null: post nothing. */
  parentOrigin: string | null;
  /** Where "Back to the store" goes when the page is not framed (the store's first allowed origin). */
  backUrl: string | null;
  /** A CSS hex colour. */
  accent: string;
  view: CheckoutView;
}

/**
 * A store's tax, as the platform sets it (`PUT /api/internal/stores/:id/tax`): `included` (prices already
 * hold every tax and no tax line is shown: the behaviour of a store without settings), `rates` (a table by
 * country and, for the US and Canada, by state or province) or `stripe_tax` (Stripe Tax on the merchant's own
 * account computes it).
 */
export type TaxSettings = { mode: 'included' } | { mode: 'rates'; tax_shipping: boolean; rates: TaxRateSettings[] } | StripeTaxSettings;

/** Stripe Tax on the merchant's account: what it is told about the store's prices and products. */
export interface StripeTaxSettings {
  mode: 'stripe_tax';
  /** True: prices hold the tax (Stripe's `tax_behavior` inclusive, as VAT prices do); false: it is added on top. */
  prices_include_tax: boolean;
  /** False leaves shipping out of the calculation (untaxed); true lets Stripe tax it where the destination does. */
  tax_shipping: boolean;
  /** Stripe tax codes (`txcd_…`) by product tax category; products without one get the account's default code. */
  tax_codes: Record<string, string>;
}

/** One rate of a store's table. */
export interface TaxRateSettings {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** For US and CA only: the state or province code (`CA`, `ON`); null: the whole country. */
  state: string | null;
  /** Percent, up to three decimals (19, 8.875). */
  percentage: number;
  /** True: prices already hold this tax (VAT in the EU); false: it is added on top (US sales tax). */
  inclusive: boolean;
  /** What the shopper reads: "VAT", "Sales tax". */
  display_name: string;
  /** Only products of this tax category (a reduced rate); null: every product without a rate of its own. */
  tax_category: string | null;
}

/** One line of tax on a session or an order. */
export interface TaxLine {
  display_name: string;
  percentage: number;
  inclusive: boolean;
  /** Minor units. Inclusive taxes are part of the prices; exclusive ones are added to the total. */
  amount: number;
}
