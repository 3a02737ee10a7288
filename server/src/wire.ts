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
  customer_email: string | null;
  /** ISO 8601. */
  created_at: string;
}

/** `GET /api/checkout/:token`: the frozen session; also embedded in the checkout page (CheckoutPageConfig.view). */
export interface CheckoutView {
  store: { id: string; name: string };
  items: CartLine[];
  amount: number;
  currency: string;
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
  error: { code: string; message: string };
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
