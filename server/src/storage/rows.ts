/**
 * Rows as both adapters read them, turned into the port's shapes, and the audit wording of a (re)connection:
 * one copy for SQLite and PostgreSQL. Booleans arrive as 0/1 from SQLite and as booleans from PostgreSQL.
 */
import type { CartLine } from '../wire';
import type { Customer, Shipping, ShippingSettings, TaxLine } from '../wire';
import type { Checkout, Order, SessionDetails, SessionDiscount, Store, StoreEvent, StripeConnection } from './port';

/** A boolean column as either engine returns it. */
export type DbBool = boolean | number;

/** `true` for SQLite's 1 and PostgreSQL's true. */
export const isTrue = (value: DbBool | null): boolean => value === true || value === 1;

/** The columns of a store's Stripe connection (`stripe_connections`), as the port's StripeConnection has them. */
export const CONNECTION_COLUMNS = [
  'store_id',
  'account_id',
  'account_name',
  'publishable_key',
  'secret_key_sealed',
  'key_type',
  'livemode',
  'key_status',
  'webhook_endpoint_id',
  'webhook_secret_sealed',
  'connected_at',
  'last_error',
] as const;

/** A row of `stripe_connections` (its CONNECTION_COLUMNS). */
export type ConnectionRow = Omit<StripeConnection, 'livemode'> & { livemode: DbBool };

/** A store's connection from its row (null: none). */
export function toConnection(row: ConnectionRow | undefined | null): StripeConnection | null {
  return row ? { ...row, livemode: isTrue(row.livemode) } : null;
}

/** A row of `checkouts`. */
export interface CheckoutRow {
  id: string;
  token_hash: string;
  store_id: string;
  cart_id: string;
  lines_json: string;
  amount: number;
  currency: string;
  livemode: DbBool;
  status: 'open' | 'paid';
  payment_intent_id: string | null;
  client_secret: string | null;
  sealed_client_secret: string | null;
  superseded_at: number | null;
  account_id: string | null;
  intent_status: string | null;
  intent_checked_at: number | null;
  intent_read_at: number | null;
  order_id: string | null;
  created_at: number;
  expires_at: number;
  subtotal: number | null;
  shipping_amount: number;
  details_json: string | null;
  details_version: number;
  /** Migration 014 (null / 0 on older rows). */
  discount_json: string | null;
  discount_amount: number;
  /** Migration 018 (0 / null on older rows: no tax). */
  tax_amount: number;
  tax_lines_json: string | null;
  /** Migration 019 (null on older rows). */
  tax_calculation_id: string | null;
}

const NO_DETAILS: SessionDetails = { email: null, shipping: null };

/** A checkout session as the port shows it. */
export function toCheckout(row: CheckoutRow): Checkout {
  return {
    id: row.id,
    token_hash: row.token_hash,
    store_id: row.store_id,
    cart_id: row.cart_id,
    lines: JSON.parse(row.lines_json) as CartLine[],
    amount: row.amount,
    subtotal: row.subtotal ?? row.amount,
    shipping_amount: row.shipping_amount,
    discount: row.discount_json ? (JSON.parse(row.discount_json) as SessionDiscount) : null,
    discount_amount: row.discount_amount ?? 0,
    tax_amount: row.tax_amount ?? 0,
    tax_lines: taxLinesOf(row.tax_lines_json),
    tax_calculation_id: row.tax_calculation_id ?? null,
    details: row.details_json ? (JSON.parse(row.details_json) as SessionDetails) : NO_DETAILS,
    details_version: row.details_version,
    currency: row.currency,
    livemode: isTrue(row.livemode),
    status: row.status,
    payment_intent_id: row.payment_intent_id,
    client_secret_sealed: row.sealed_client_secret,
    legacy_client_secret: row.client_secret,
    superseded_at: row.superseded_at,
    account_id: row.account_id,
    intent_status: row.intent_status,
    intent_checked_at: row.intent_checked_at ?? null,
    intent_read_at: row.intent_read_at ?? null,
    order_id: row.order_id,
    created_at: row.created_at,
    expires_at: row.expires_at,
  };
}

/** A row of `orders`. */
export interface OrderRow {
  id: string;
  store_id: string;
  checkout_id: string;
  status: Order['status'];
  amount: number;
  amount_refunded: number;
  currency: string;
  items_json: string;
  payment_intent_id: string;
  livemode: DbBool;
  customer_email: string | null;
  created_at: number;
  subtotal: number | null;
  shipping_amount: number;
  customer_json: string | null;
  shipping_json: string | null;
  /** Migration 014 (null / 0 on older rows). */
  discount_code: string | null;
  discount_amount: number;
  oversold: DbBool;
  /** Migration 018 (0 / null on older rows: no tax). */
  tax_amount: number;
  tax_lines_json: string | null;
}

/** Stored tax lines (null on rows from before migration 018: none). */
export const taxLinesOf = (json: string | null | undefined): TaxLine[] => (json ? (JSON.parse(json) as TaxLine[]) : []);

/** An order as the port (and the internal API) shows it. */
export function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    store_id: row.store_id,
    checkout_id: row.checkout_id,
    status: row.status,
    amount: row.amount,
    amount_refunded: row.amount_refunded,
    currency: row.currency,
    items: JSON.parse(row.items_json) as CartLine[],
    payment_intent_id: row.payment_intent_id,
    livemode: isTrue(row.livemode),
    customer_email: row.customer_email,
    customer: row.customer_json ? (JSON.parse(row.customer_json) as Customer) : { email: row.customer_email, name: null, phone: null },
    shipping: row.shipping_json ? (JSON.parse(row.shipping_json) as Shipping) : null,
    discount: row.discount_code ? { code: row.discount_code, amount: row.discount_amount } : null,
    amounts: {
      subtotal: row.subtotal ?? row.amount,
      discount: row.discount_amount ?? 0,
      shipping: row.shipping_amount,
      tax: row.tax_amount ?? 0,
      tax_lines: taxLinesOf(row.tax_lines_json),
      total: row.amount,
    },
    oversold: isTrue(row.oversold),
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** What a session's row hands to its order (both adapters read these columns in recordPaid's transaction). */
export interface SessionMoneyRow {
  amount: number;
  subtotal: number | null;
  shipping_amount: number;
  details_json: string | null;
  discount_json: string | null;
  discount_amount: number;
  tax_amount: number;
  tax_lines_json: string | null;
  tax_calculation_id: string | null;
}

/**
 * The order's copy of its session's details: the email the shopper typed (else the PaymentIntent's
 * receipt_email), name and phone from the shipping address, the shipping and the amounts.
 */
export function orderDetailsOf(chk: SessionMoneyRow, paymentEmail: string | null) {
  const details = chk.details_json ? (JSON.parse(chk.details_json) as SessionDetails) : NO_DETAILS;
  const email = details.email ?? paymentEmail;
  const customer: Customer = { email, name: details.shipping?.name ?? null, phone: details.shipping?.phone ?? null };
  return {
    customer_email: email,
    customer_json: JSON.stringify(customer),
    shipping_json: details.shipping ? JSON.stringify(details.shipping) : null,
    subtotal: chk.subtotal ?? chk.amount,
    shipping_amount: chk.shipping_amount,
    discount_code: chk.discount_json ? (JSON.parse(chk.discount_json) as SessionDiscount).code : null,
    discount_amount: chk.discount_json ? chk.discount_amount : 0,
    tax_amount: chk.tax_amount ?? 0,
    tax_lines_json: chk.tax_lines_json ?? null,
    tax_calculation_id: chk.tax_calculation_id ?? null,
  };
}

/** A row of `stores`. */
export interface StoreRow {
  id: string;
  name: string;
  allowed_origins: string;
  default_currency: string;
  /** Absent on rows built in memory before insert (a new store ships nothing). */
  shipping_json?: string | null;
  created_at: number;
  updated_at: number;
}

/** A store as the port shows it. */
export function toStore(row: StoreRow | null | undefined): Store | null {
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    allowed_origins: originsOf(row.allowed_origins),
    default_currency: row.default_currency,
    shipping: row.shipping_json ? (JSON.parse(row.shipping_json) as ShippingSettings) : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** An audit event before it is stored. */
export type NewEvent = Omit<StoreEvent, 'id' | 'created_at'>;

/** The audit event of saving `conn` over `previous`: connected, reconnected, or account_changed. */
export function connectEvent(conn: StripeConnection, previous: StripeConnection | null): NewEvent {
  const mode = conn.livemode ? 'live' : 'test';
  const base = { store_id: conn.store_id, account_id: conn.account_id, livemode: conn.livemode, previous_account_id: previous?.account_id ?? null };
  if (!previous) return { ...base, type: 'connected', message: `Connected Stripe account ${conn.account_id ?? '(unknown)'} with ${mode} ${conn.key_type} key` };
  if (previous.account_id !== conn.account_id) {
    return {
      ...base,
      type: 'account_changed',
      message: `Reconnected to another Stripe account: ${previous.account_id ?? '(unknown)'} → ${conn.account_id ?? '(unknown)'} (${mode})`,
    };
  }
  return { ...base, type: 'reconnected', message: `Reconnected Stripe account ${conn.account_id ?? '(unknown)'} with new ${mode} ${conn.key_type} key` };
}

/** The fields of `o` that are set. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A store's allowed_origins column (JSON text of an array of origins); none without a store (a cart read's join). */
export function originsOf(json: string | null): string[] {
  return json ? (JSON.parse(json) as string[]) : [];
}
