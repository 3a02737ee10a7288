/**
 * Every table as migrations 001–011 (and the shared set of storage/db/migrations.ts) leave it, on both engines (sqlite/*-schema.ts and postgres/schema.ts): the
 * one `Database` type the Kysely repositories are written against. Column types are what a query hands back
 * over either driver: BIGINT arrives as a number (the pg pool's int8 parser, postgres/db.ts), and a flag as
 * `DbBool` (SQLite's 0/1, PostgreSQL's boolean; dialect.ts turns it into a boolean and back). JSON columns are
 * TEXT on both engines, written and read as JSON text.
 */
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

/** A flag as either engine stores it: 0/1 on SQLite, false/true on PostgreSQL (written through `dialect.bool`). */
export type DbBool = boolean | number;

/** A column with a database default: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** Migration 001 (+ 009: shipping): a merchant store. */
export interface StoresTable {
  id: string;
  name: string;
  /** JSON array of origins. */
  allowed_origins: Defaulted<string>;
  default_currency: Defaulted<string>;
  created_at: number;
  updated_at: number;
  /** JSON ShippingSettings; null: the store ships nothing. */
  shipping_json: Defaulted<string | null>;
  free_shipping_over: Defaulted<number | null>;
}

/** Migration 001: a store's Stripe connection (secret material only sealed). */
export interface StripeConnectionsTable {
  store_id: string;
  account_id: string | null;
  account_name: string | null;
  publishable_key: string;
  secret_key_sealed: string;
  key_type: 'secret' | 'restricted';
  livemode: DbBool;
  key_status: Defaulted<'valid' | 'invalid'>;
  webhook_endpoint_id: string | null;
  webhook_secret_sealed: string | null;
  connected_at: number;
  last_error: string | null;
}

/** Migration 001: a store's audit trail. */
export interface StoreEventsTable {
  id: Generated<number>;
  store_id: string;
  type: 'store_created' | 'connected' | 'reconnected' | 'account_changed' | 'keys_invalid' | 'disconnected';
  account_id: string | null;
  previous_account_id: string | null;
  livemode: DbBool | null;
  message: string;
  created_at: number;
}

/** Migration 001: burnt connect links, kept until they would have expired. */
export interface UsedConnectLinksTable {
  signature: string;
  store_id: string;
  expires_at: number;
  used_at: number;
}

/** Migration 002 (+ 009: weight, shippable): a catalog product. */
export interface ProductsTable {
  store_id: string;
  id: string;
  name: string;
  description: string | null;
  unit_amount: number;
  currency: string;
  image_url: string | null;
  active: Defaulted<DbBool>;
  max_quantity: number | null;
  /** The order products were sent in, per store. */
  position: number;
  created_at: number;
  updated_at: number;
  weight_grams: Defaulted<number | null>;
  shippable: Defaulted<DbBool>;
  /** Migration 016: units on hand; null = unlimited. */
  stock: Defaulted<number | null>;
  /** Migration 020: the product's tax category (null: none). */
  tax_category: Defaulted<string | null>;
}

/** Migration 002 (+ 006: version): a shopper's cart. */
export interface CartsTable {
  id: string;
  store_id: string;
  currency: string;
  status: Defaulted<'open' | 'closed'>;
  created_at: number;
  updated_at: number;
  expires_at: number;
  version: Defaulted<number>;
  /** Migration 014: the discount the shopper applied (null: none). */
  discount_id: Defaulted<string | null>;
}

/** Migration 002: a cart line. */
export interface CartItemsTable {
  cart_id: string;
  product_id: string;
  quantity: number;
  added_at: number;
  /**
   * The tie-break of lines added in one millisecond: an identity column on PostgreSQL; on SQLite the table has
   * none and the rowid plays its part (`dialect.lineSeq`).
   */
  seq: GeneratedAlways<number>;
}

/** Migration 002 (+ 004, 005, 007, 009): a checkout session with its frozen lines. */
export interface CheckoutsTable {
  id: string;
  token_hash: string;
  store_id: string;
  cart_id: string;
  /** JSON CartLine[]. */
  lines_json: string;
  amount: number;
  currency: string;
  livemode: DbBool;
  status: Defaulted<'open' | 'paid'>;
  payment_intent_id: Defaulted<string | null>;
  /** Plaintext client_secret of sessions made before migration 004 (sealed and cleared on the next read). */
  client_secret: Defaulted<string | null>;
  order_id: Defaulted<string | null>;
  created_at: number;
  expires_at: number;
  sealed_client_secret: Defaulted<string | null>;
  superseded_at: Defaulted<number | null>;
  account_id: Defaulted<string | null>;
  intent_status: Defaulted<string | null>;
  /** Null for sessions from before migration 009 (then `amount`). */
  subtotal: Defaulted<number | null>;
  shipping_amount: Defaulted<number>;
  /** JSON SessionDetails. */
  details_json: Defaulted<string | null>;
  details_version: Defaulted<number>;
  /** Migration 010: the last Stripe read of the intent (app clock, wall clock) and the claim on the next. */
  intent_checked_at: Defaulted<number | null>;
  intent_read_at: Defaulted<number | null>;
  intent_check_claimed_at: Defaulted<number | null>;
  /** Migration 014: JSON SessionDiscount (null: none) and the amount it takes off now. */
  discount_json: Defaulted<string | null>;
  discount_amount: Defaulted<number>;
  /** Migration 018: the tax added on top (part of `amount`) and every tax line (JSON TaxLine[]; null: none). */
  tax_amount: Defaulted<number>;
  tax_lines_json: Defaulted<string | null>;
  /** Migration 019: the Stripe Tax calculation of the details (null: none). */
  tax_calculation_id: Defaulted<string | null>;
}

/** Migration 002 (+ 009): a paid order; `seq` orders a store's pages. */
export interface OrdersTable {
  seq: Generated<number>;
  id: string;
  store_id: string;
  checkout_id: string;
  cart_id: string;
  status: 'paid' | 'partially_refunded' | 'refunded';
  amount: number;
  amount_refunded: Defaulted<number>;
  currency: string;
  /** JSON CartLine[]. */
  items_json: string;
  payment_intent_id: string;
  livemode: DbBool;
  customer_email: string | null;
  source: string;
  created_at: number;
  updated_at: number;
  subtotal: Defaulted<number | null>;
  shipping_amount: Defaulted<number>;
  /** JSON Customer and JSON Shipping. */
  customer_json: Defaulted<string | null>;
  shipping_json: Defaulted<string | null>;
  /** Migration 014: the code the order was paid with and what it took off (null / 0: none). */
  discount_code: Defaulted<string | null>;
  discount_amount: Defaulted<number>;
  /** Migration 016: the sale took stock that was not there to spare (the money moved anyway). */
  oversold: Defaulted<DbBool>;
  /** Migration 018: the session's tax, copied when the order is recorded (0 / null: none). */
  tax_amount: Defaulted<number>;
  tax_lines_json: Defaulted<string | null>;
  /** Migration 019: the session's Stripe Tax calculation, and the tax transaction made of it once (null: not yet). */
  tax_calculation_id: Defaulted<string | null>;
  tax_transaction_id: Defaulted<string | null>;
  tax_transaction_claimed_until: Defaulted<number | null>;
  tax_transaction_error: Defaulted<string | null>;
  tax_transaction_attempts: Defaulted<number>;
}

/** Migration 016: units held for one checkout session until it expires, is released or becomes a sale. */
export interface StockReservationsTable {
  checkout_id: string;
  store_id: string;
  product_id: string;
  cart_id: string;
  quantity: number;
  expires_at: number;
}

/** Migration 002: the Stripe events already handled, per store. */
export interface WebhookEventsTable {
  store_id: string;
  event_id: string;
  type: string;
  received_at: number;
}

/** Migration 007: a replaced connection kept while intents made with it are still processing. */
export interface RetiredConnectionsTable {
  id: Generated<number>;
  store_id: string;
  account_id: string | null;
  livemode: DbBool;
  secret_key_sealed: string;
  webhook_endpoint_id: string | null;
  webhook_secret_sealed: string | null;
  retired_at: number;
}

/** Migration 008: the instance creating a PaymentIntent for a cart, until `expires_at`. */
export interface CartClaimsTable {
  cart_id: string;
  owner: string;
  expires_at: number;
}

/** Migration 008: named work held by one instance at a time. */
export interface LeasesTable {
  name: string;
  owner: string;
  expires_at: number;
}

/** Migration 011: a token bucket (a store's budget of one kind of call); UNLOGGED on PostgreSQL. */
export interface BudgetsTable {
  key: string;
  tokens: number;
  updated_at: number;
}

/** Migration 012: a store's discount code and its terms (amounts in `currency`, times in ms). */
export interface DiscountsTable {
  id: string;
  store_id: string;
  /** As the platform wrote it (trimmed). */
  code: string;
  /** The code upper-cased: unique per store. */
  code_key: string;
  percent_off: number | null;
  amount_off: number | null;
  currency: string | null;
  min_subtotal: number | null;
  /** JSON array of product ids; null: every product. */
  product_ids: string | null;
  starts_at: number | null;
  ends_at: number | null;
  max_redemptions: number | null;
  once_per_email: Defaulted<DbBool>;
  free_shipping: Defaulted<DbBool>;
  active: Defaulted<DbBool>;
  times_redeemed: Defaulted<number>;
  /** Raised by every edit of the terms (not by redemptions): the compare-and-set of an edit. */
  version: Defaulted<number>;
  created_at: number;
  updated_at: number;
}

/** Migration 017: a store's tax settings (payments/tax.ts), JSON. */
export interface TaxSettingsTable {
  store_id: string;
  settings_json: string;
  updated_at: number;
}

/** Migration 013: an endpoint of the platform that receives our events (secrets only sealed). */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  /** JSON array of event types. */
  event_types: string;
  /** JSON array of store ids; null: every store. */
  store_ids: string | null;
  enabled: Defaulted<DbBool>;
  disabled_reason: Defaulted<string | null>;
  secret_sealed: string;
  previous_secret_sealed: Defaulted<string | null>;
  previous_secret_expires_at: Defaulted<number | null>;
  created_at: number;
  updated_at: number;
  /** Migration 015: when its deliveries began failing (null: the last one went through, or none failed). */
  failing_since: Defaulted<number | null>;
}

/** Migration 015: one event for the platform, written with the change it reports. */
export interface PlatformEventsTable {
  seq: Generated<number>;
  id: string;
  type: string;
  store_id: string;
  /** JSON: the object as the internal API shows it. */
  payload: string;
  created_at: number;
}

/** Migration 015: one event's delivery to one endpoint. */
export interface WebhookDeliveriesTable {
  seq: Generated<number>;
  endpoint_id: string;
  event_id: string;
  status: Defaulted<'pending' | 'delivered' | 'failed'>;
  attempts: Defaulted<number>;
  next_attempt_at: number;
  claimed_by: Defaulted<string | null>;
  claim_expires_at: Defaulted<number | null>;
  last_status_code: Defaulted<number | null>;
  last_error: Defaulted<string | null>;
  last_attempt_at: Defaulted<number | null>;
  created_at: number;
}

/** Migration 012: one order's use of a discount; `email_key` only for once-per-email codes. */
export interface DiscountRedemptionsTable {
  discount_id: string;
  order_id: string;
  store_id: string;
  email_key: string | null;
  created_at: number;
  /** Migration 014: why this paid order went past the code's limits ('exhausted', 'email_reused'), else null. */
  over_limit: Defaulted<string | null>;
}

/** Migration 014: a session's hold on one use of a limited discount, until the session expires. */
export interface DiscountReservationsTable {
  cart_id: string;
  discount_id: string;
  expires_at: number;
  created_at: number;
}

/** The migrations' own bookkeeping (both runners). */
export interface SchemaMigrationsTable {
  id: string;
  applied_at: number;
}

/** Every table of the database, as Kysely sees it. */
export interface Database {
  stores: StoresTable;
  stripe_connections: StripeConnectionsTable;
  store_events: StoreEventsTable;
  used_connect_links: UsedConnectLinksTable;
  products: ProductsTable;
  carts: CartsTable;
  cart_items: CartItemsTable;
  checkouts: CheckoutsTable;
  orders: OrdersTable;
  webhook_events: WebhookEventsTable;
  retired_connections: RetiredConnectionsTable;
  cart_claims: CartClaimsTable;
  leases: LeasesTable;
  budgets: BudgetsTable;
  discounts: DiscountsTable;
  discount_redemptions: DiscountRedemptionsTable;
  discount_reservations: DiscountReservationsTable;
  webhook_endpoints: WebhookEndpointsTable;
  tax_settings: TaxSettingsTable;
  platform_events: PlatformEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  stock_reservations: StockReservationsTable;
  schema_migrations: SchemaMigrationsTable;
}
