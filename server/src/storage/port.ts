/**
 * The storage port: repositories whose methods are whole use-cases. Every method is async, takes and returns
 * plain data (no callbacks run inside a transaction) and is ONE transaction of its own: it either happens
 * whole or not at all. Business rules (pricing, limits, the currency of a cart, when a payment counts) live
 * in the domain (payments/, connect/); a repository stores and reads rows, and enforces the invariants that
 * must hold under concurrency, which are stated on each method. The repositories are written once on Kysely
 * (storage/shared/) and run on both engines, keeping exactly these guarantees with several server processes
 * on one database (test/server/storage-conformance.test.ts).
 *
 * Repositories throw nothing HTTP-shaped: a rule broken at write time comes back as data (`{ ok: false, … }`
 * or null) for the domain to turn into a catalogue error. They only throw for real failures (I/O, a broken
 * database) and the typed `LinkAlreadyUsedError`.
 */
import type { CartLine, Order, Shipping, ShippingSettings, TaxLine, TaxSettings } from '../wire';

export type { Order, Shipping, ShippingSettings };

/** Everything the app stores. */
export interface Storage {
  /** Stores, their Stripe connections, audit trail and burnt connect links. */
  stores: StoresRepository;
  /** Products and their prices. */
  catalog: CatalogRepository;
  /** Shoppers' carts as stored (the domain prices them). */
  carts: CartsRepository;
  /** Checkout sessions with their frozen lines, amount and one PaymentIntent. */
  checkouts: CheckoutsRepository;
  /** Paid orders and the Stripe events already handled. */
  orders: OrdersRepository;
  /** Every sealed value, for key rotation. */
  sealed: SealedValuesRepository;
  /** Named leases held by one instance at a time (the reconciliation sweep), and an instance's release of all it holds. */
  leases: LeasesRepository;
  /** Token buckets shared by every instance: a store's smoothed budget of expensive calls. */
  budgets: BudgetsRepository;
  /** A store's discount codes and their terms. */
  discounts: DiscountsRepository;
  /** The platform's webhook endpoints, with their sealed signing secrets. */
  webhookEndpoints: WebhookEndpointsRepository;
  /** Each store's tax settings. */
  tax: TaxSettingsRepository;
  /** The Stripe Tax transaction each paid order with a calculation owes, claimed so it is made once. */
  taxTransactions: TaxTransactionsRepository;
  /** The outbox's deliveries to those endpoints: claimed, attempted and settled by the delivery worker. */
  webhookDeliveries: WebhookDeliveriesRepository;
  /**
   * A cheap readiness probe (GET /readyz): one trivial query, and whether every migration this code knows is
   * applied (checked until it is, then remembered: migrations only ever add). `ok: false` with a reason for a
   * schema that is behind; throws when the database does not answer. Extra migrations of a newer release do
   * not make it unready (a rolling upgrade must not pull every older instance at once).
   */
  health(): Promise<StorageHealth>;
  /** Closes the underlying connection(s). */
  close(): Promise<void>;
}

/** What the readiness probe found. */
export interface StorageHealth {
  ok: boolean;
  /** Why not ready (never carries a secret): e.g. the migrations still pending. */
  reason?: string;
}

/** The reason of a schema with pending migrations, or null when every known migration is applied. */
export function pendingReason(known: readonly string[], applied: Iterable<string>): string | null {
  const have = new Set(applied);
  const pending = known.filter((id) => !have.has(id));
  return pending.length === 0 ? null : `schema not current: migration${pending.length === 1 ? '' : 's'} ${pending.join(', ')} not applied`;
}

// ---- stores and their Stripe connections ----

/** Thrown by saveConnection when the connect link was burnt meanwhile (two submits of one link). */
export class LinkAlreadyUsedError extends Error {
  override readonly name = 'LinkAlreadyUsedError';
}

/** A merchant store as the internal API shows it. */
export interface Store {
  id: string;
  name: string;
  allowed_origins: string[];
  default_currency: string;
  /** Where and how the store ships; null: it ships nothing (services, digital goods), no address is asked. */
  shipping: ShippingSettings | null;
  created_at: number;
  updated_at: number;
}

/** A new store (the id is chosen by the caller). */
export interface NewStore {
  id: string;
  name: string;
  allowed_origins: string[];
  default_currency: string;
}

/** The fields a platform may change. */
export type StorePatch = Partial<Pick<Store, 'name' | 'allowed_origins' | 'default_currency'>>;

/** A store's Stripe connection; secret material only ever appears sealed (see crypto/seal.ts). */
export interface StripeConnection {
  store_id: string;
  account_id: string | null;
  account_name: string | null;
  publishable_key: string;
  secret_key_sealed: string;
  key_type: 'secret' | 'restricted';
  livemode: boolean;
  key_status: 'valid' | 'invalid';
  webhook_endpoint_id: string | null;
  webhook_secret_sealed: string | null;
  connected_at: number;
  last_error: string | null;
}

/** One entry of a store's audit trail; never carries key material. */
export interface StoreEvent {
  id: number;
  store_id: string;
  type: 'store_created' | 'connected' | 'reconnected' | 'account_changed' | 'keys_invalid' | 'disconnected';
  account_id: string | null;
  previous_account_id: string | null;
  livemode: boolean | null;
  message: string;
  created_at: number;
}

/** A burnt connect link: its signature, and until when it would have worked (kept that long). */
export interface UsedLink {
  signature: string;
  expiresAt: number;
}

/** Stores and their Stripe connections. */
export interface StoresRepository {
  /** Creates a store and records `store_created`; null when the id is taken (unique id decides a race). */
  create(input: NewStore): Promise<Store | null>;
  get(id: string): Promise<Store | null>;
  /** Applies the given fields; null for an unknown store. */
  update(id: string, patch: StorePatch): Promise<Store | null>;
  /**
   * Replaces the store's shipping settings (null: ships nothing) and the lowest free-shipping threshold the
   * cart read shows beside them; null for an unknown store. Sessions already open reprice with the new
   * settings on their next details change.
   */
  setShipping(id: string, settings: ShippingSettings | null, freeShippingOver: number | null): Promise<Store | null>;
  getConnection(storeId: string): Promise<StripeConnection | null>;
  /**
   * Burns the link, replaces any earlier connection and records the audit event, all or nothing. The link
   * burns once: of concurrent calls with one signature exactly one succeeds, the others throw
   * LinkAlreadyUsedError and change nothing. Returns the connection it replaced, or null.
   */
  saveConnection(conn: StripeConnection, link: UsedLink, announce?: Announce<StripeConnection>): Promise<StripeConnection | null>;
  /** True when a connect link with this signature was already used. */
  isLinkUsed(signature: string): Promise<boolean>;
  /**
   * Flips a valid key_status to invalid with a reason and records `keys_invalid`; true only for the one call
   * that flipped it (concurrent callers: exactly one true).
   */
  markKeyInvalid(storeId: string, reason: string, announce?: Announce<StripeConnection>): Promise<boolean>;
  /** Removes the connection and records `disconnected`; returns it, or null (only one caller gets it). */
  disconnect(storeId: string, announce?: Announce<StripeConnection>): Promise<StripeConnection | null>;
  /** The store's audit trail, oldest first. */
  listEvents(storeId: string): Promise<StoreEvent[]>;
  /** The sealed webhook signing secret of the store's current endpoint (open with sealer.open(webhookSecretBinding(storeId), …)). */
  getWebhookSecretSealed(storeId: string): Promise<string | null>;
  /**
   * Keeps a connection that was replaced or removed while intents made with it were still processing: its
   * sealed key and webhook endpoint stay usable until those intents are final (see payments/settle.ts).
   */
  retireConnection(conn: StripeConnection): Promise<RetiredConnection>;
  /** The store's retired connections (all stores' without an id), oldest first. */
  listRetiredConnections(storeId?: string): Promise<RetiredConnection[]>;
  /** Forgets a retired connection once nothing of it is pending. */
  dropRetiredConnection(id: number): Promise<void>;
}

/** A former connection kept for the intents still processing on it. */
export interface RetiredConnection {
  id: number;
  store_id: string;
  account_id: string | null;
  livemode: boolean;
  secret_key_sealed: string;
  webhook_endpoint_id: string | null;
  webhook_secret_sealed: string | null;
  retired_at: number;
}

// ---- the catalog ----

/** A catalog product; `unit_amount` is in integer minor units of `currency` (ISO, lower case). */
export interface Product {
  id: string;
  name: string;
  description: string | null;
  unit_amount: number;
  currency: string;
  image_url: string | null;
  active: boolean;
  max_quantity: number | null;
  /** Per unit, for weight-banded shipping rates; null: not given. */
  weight_grams: number | null;
  /** False for goods that need no address (a gift card). */
  shippable: boolean;
  /** Units on hand; null = unlimited. */
  stock: number | null;
  /** Units held by unexpired reservations of checkout sessions. */
  reserved: number;
  /** stock − reserved (never below 0); null when unlimited. */
  available: number | null;
  /** The tax category its lines are taxed by (a rate's `tax_category`, a Stripe tax code); null: none. */
  tax_category: string | null;
}

/** A product as a platform sends it. */
export interface ProductInput {
  id: string;
  name: string;
  description?: string | null;
  unit_amount: number;
  currency: string;
  image_url?: string | null;
  active?: boolean;
  max_quantity?: number | null;
  weight_grams?: number | null;
  shippable?: boolean;
  /** Left out: an existing product keeps its stock (a new one is unlimited); null: unlimited. */
  stock?: number | null;
  /** Left out: an existing product keeps its category (a new one has none); null: none. */
  tax_category?: string | null;
}

/** What `adjustStock` did. */
export type StockAdjustResult = { status: 'adjusted' | 'insufficient' | 'unlimited'; product: Product } | { status: 'not_found' };

/** The catalog of each store. */
export interface CatalogRepository {
  /**
   * Inserts or updates products, keeping the order they were sent in after the existing ones. Invariant: a
   * store's active products share one currency; an upsert that would break it (also against a concurrent
   * upsert) changes nothing and answers the currencies it would have mixed.
   */
  upsertProducts(storeId: string, products: ProductInput[]): Promise<{ ok: true; products: Product[] } | { ok: false; currencies: string[] }>;
  listProducts(storeId: string, options?: { activeOnly?: boolean }): Promise<Product[]>;
  /** The currency of the store's active products, or null without any. */
  currencyOf(storeId: string): Promise<string | null>;
  /**
   * Moves a product's stock by `delta` (±) in ONE relative, conditional UPDATE (`stock = stock + delta WHERE
   * stock + delta >= 0`), so a concurrent sale or adjustment is never lost and stock never goes below zero
   * ('insufficient', nothing changed). 'unlimited' (nothing changed) for a product without stock. Reservations
   * are not checked: lowering stock under what sessions hold shows `available` 0, and a sale beyond the stock
   * is recorded as oversold.
   */
  adjustStock(storeId: string, productId: string, delta: number): Promise<StockAdjustResult>;
  /** The tax categories of the store's products among `productIds` that have one (by product id). */
  taxCategories(storeId: string, productIds: string[]): Promise<Map<string, string>>;
}

// ---- carts ----

/** What pricing a line needs of its product, as the catalog has it now. */
export type LineProduct = Pick<Product, 'id' | 'name' | 'unit_amount' | 'currency' | 'active' | 'max_quantity' | 'weight_grams' | 'shippable'> & {
  /** Read only for the product a cart write is about: stock − live reservations of OTHER carts; null = unlimited. */
  available?: number | null;
};

/** A cart line as stored, with the product it names as the catalog has it now (null if it is gone). */
export interface CartLineRecord {
  product_id: string;
  quantity: number;
  added_at: number;
  product: LineProduct | null;
}

/** A cart as stored: the domain prices it (payments/carts.ts). `version` grows with every change. */
export interface CartRecord {
  id: string;
  store_id: string;
  currency: string;
  status: 'open' | 'closed';
  version: number;
  created_at: number;
  updated_at: number;
  expires_at: number;
  /** In the order they were added. */
  lines: CartLineRecord[];
  /** Read with the cart (same statement): whether its store has shipping settings, and their lowest free-over. */
  store_ships: boolean;
  free_shipping_over: number | null;
  /** The discount the shopper applied, read in the same statement (null: none). */
  discount: AppliedDiscount | null;
  /** The store's allowed origins, read in the same statement: CORS for the cart read needs no other. */
  allowed_origins: string[];
}

/** A cart read with one product of its store (a line write's read). */
export interface CartWithProduct {
  cart: CartRecord | null;
  product: LineProduct | null;
}

/** Whose a cart is, and which origins may read it. */
export interface CartOwner {
  store_id: string;
  allowed_origins: string[];
}

/** What a session keeps of its discount: the terms it was priced with, whatever the platform changes later. */
export interface SessionDiscount extends Pick<DiscountTerms, 'percent_off' | 'amount_off' | 'product_ids' | 'free_shipping' | 'once_per_email'> {
  id: string;
  code: string;
}

/** A discount as a cart read brings it along: its terms and its counter. */
export type AppliedDiscount = Omit<Discount, 'store_id' | 'version' | 'created_at' | 'updated_at'>;

/** One change of a cart, made only if nobody changed the cart since it was read at `version`. */
export interface CartLineWrite {
  cartId: string;
  version: number;
  productId: string;
  /** The line's new quantity; 0 removes it. */
  quantity: number;
  /** The cart's currency after the change (an empty cart takes its first product's). */
  currency: string;
  expiresAt: number;
  /**
   * True for a new quantity of a line the cart already has, in its currency, with no expiry renewal due:
   * the write is refused all the same unless the cart is open and at `version`, but it leaves the version
   * and the cart row alone (one table written: the hottest write). checkouts.create re-checks quantities.
   */
  keepVersion: boolean;
}

/** Carts. */
export interface CartsRepository {
  /** Stores a new, empty, open cart. */
  create(cart: { id: string; storeId: string; currency: string; expiresAt: number }): Promise<CartRecord>;
  /** The cart with its lines, or null (expired carts too, until purged: expiry is the domain's call). */
  get(cartId: string): Promise<CartRecord | null>;
  /** The cart and, in the same read, the store's product `productId` (null when unknown). */
  getWithProduct(cartId: string, productId: string): Promise<CartWithProduct>;
  /**
   * Compare-and-set: writes the line and the cart's currency and expiry and bumps the version, only if the
   * cart is still open and still at `version`. False (nothing written) when another change came first: the
   * caller reads again and re-decides, so every rule checked on the read holds for the write. With
   * `keepVersion` only the line is written, under the same condition; against a concurrent checkouts.create
   * the two are serialised (the cart row is locked for share), so a session never freezes a stale quantity.
   */
  writeLine(change: CartLineWrite): Promise<boolean>;
  /**
   * Compare-and-set: remembers the discount the shopper applied (null removes it) and bumps the version, only
   * if the cart is still open and at `version`; false (nothing written) otherwise, and the caller re-reads.
   */
  setDiscount(cartId: string, version: number, discountId: string | null): Promise<boolean>;
  /** The owning store of a cart and the origins it allows (for CORS and the per-store limits), one statement, without loading the cart. */
  ownerOf(cartId: string): Promise<CartOwner | null>;
  /** Deletes carts whose expiry has passed (and cart claims whose TTL has run out); returns how many carts. */
  purgeExpired(): Promise<number>;
  /**
   * Claims the cart for `owner` until now + `ttlMs` (the repository's clock): true when the cart had no
   * claim, its claim had expired, or `owner` already held it (then it is renewed). One atomic statement, so
   * of concurrent callers for one unclaimed cart, in any process on the database, exactly one gets true;
   * the others get false and change nothing. The claim is a row, not a lock held by a connection or a
   * transaction: nothing stays open while its holder works, and a holder that dies leaves a claim that
   * simply expires. Owners are unique per call (`<instance id>/<random>`, see payments/claims.ts).
   */
  claim(cartId: string, owner: string, ttlMs: number): Promise<boolean>;
  /**
   * Extends `owner`'s claim to `ttlMs` from now; false when it no longer holds it (released, or taken over after
   * expiry). Unlike `claim`, it never takes a claim: a renewal that lands after the release leaves no row behind.
   */
  renewClaim(cartId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Drops the cart's claim if `owner` still holds it (a claim taken over after expiry stays its new holder's). */
  releaseClaim(cartId: string, owner: string): Promise<void>;
}

// ---- checkout sessions ----

/** A checkout session: the cart's lines and amount frozen at the moment it was made. */
export interface Checkout {
  id: string;
  token_hash: string;
  store_id: string;
  cart_id: string;
  lines: CartLine[];
  /** The total the session charges now: `subtotal − discount_amount + shipping_amount + tax_amount`; its PaymentIntent's amount. */
  amount: number;
  /** The frozen lines' sum (for sessions from before migration 010: `amount`). */
  subtotal: number;
  shipping_amount: number;
  /** The discount code frozen when the session opened (null: none), and what it takes off at the current details. */
  discount: SessionDiscount | null;
  discount_amount: number;
  /** Tax added on top of the prices at the current details (exclusive rates; 0: none), and every tax line. */
  tax_amount: number;
  tax_lines: TaxLine[];
  /** The Stripe Tax calculation the tax came from (mode stripe_tax); null: none. */
  tax_calculation_id: string | null;
  /** What the shopper told us (email, address and chosen rate), kept with the rate's price at that time. */
  details: SessionDetails;
  /** Grows with every details change: the compare-and-set of saveDetails. */
  details_version: number;
  currency: string;
  livemode: boolean;
  status: 'open' | 'paid';
  payment_intent_id: string | null;
  /** The intent's client_secret, sealed for this store and session (crypto/bindings.ts). */
  client_secret_sealed: string | null;
  /** A client_secret stored in plaintext before migration 004; sealed and cleared on the next read. */
  legacy_client_secret: string | null;
  /**
   * Set when the session can no longer take money and needs no more checking: a newer session of the same
   * cart cancelled its intent (a second tab), or its intent was cancelled when the store's connection went away.
   */
  superseded_at: number | null;
  /** The Stripe account its intent is made on (null for sessions from before migration 007). */
  account_id: string | null;
  /** The last status we saw of its PaymentIntent (`processing` ones are followed until final). */
  intent_status: string | null;
  /** When (ms) the Stripe read that saw `intent_status` began; null before migration 010 or any read. */
  intent_checked_at: number | null;
  /** The same read's start on the wall clock (Date.now()); null before migration 010 or any read. */
  intent_read_at: number | null;
  order_id: string | null;
  created_at: number;
  expires_at: number;
}

/** The shopper's details a session keeps. */
export interface SessionDetails {
  email: string | null;
  shipping: Shipping | null;
}

/** A details change of a session, with the total the domain computed for it. */
export interface DetailsChange {
  id: string;
  /** The details_version the change was computed from. */
  version: number;
  details: SessionDetails;
  shippingAmount: number;
  /** What the session's discount takes off with these details (its cap depends on the shipping); default 0. */
  discountAmount?: number;
  /** The tax added on top with these details (default 0) and every tax line (default none). */
  taxAmount?: number;
  taxLines?: TaxLine[];
  /** The Stripe Tax calculation of these details (default none). */
  taxCalculationId?: string | null;
  /** The new total: the session's subtotal minus discountAmount plus shippingAmount plus taxAmount. */
  amount: number;
  /** The session's new discount (a code applied or removed at checkout); undefined keeps it. */
  discount?: SessionDiscount | null;
}

/** What it takes to open a checkout session: the cart as the domain read and priced it. */
export interface NewCheckout {
  id: string;
  tokenHash: string;
  storeId: string;
  cartId: string;
  /** The cart version the lines were priced from. */
  cartVersion: number;
  /** The stored quantity of every line of the cart at that read (a quantity change keeps the version). */
  lineQuantities: Record<string, number>;
  lines: CartLine[];
  /** The lines' sum (default: `amount`), and the total: subtotal minus the discount. */
  subtotal?: number;
  amount: number;
  /** The cart's code as the session freezes it, with what it takes off and whether it has a limit to reserve. */
  discount?: { frozen: SessionDiscount; amount: number; limited: boolean } | null;
  currency: string;
  livemode: boolean;
  /** The account of the store's connection when the session was made. */
  accountId: string | null;
  expiresAt: number;
  /** At most this many sessions of the cart may be unexpired at once (a cap against floods). */
  maxLivePerCart: number;
}

/** What creating a session did. */
export type NewCheckoutResult =
  | { status: 'created'; checkout: Checkout }
  /** The cart is no longer open or no longer at the version read: read it again. */
  | { status: 'cart_changed' }
  /** The cart already has `maxLivePerCart` unexpired sessions; the oldest expires at `retryAt`. */
  | { status: 'limit_reached'; retryAt: number }
  /** A stocked line could not be reserved: `available` is what is left of `productId` (nothing was stored). */
  | { status: 'out_of_stock'; productId: string; available: number }
  /** The discount's redemptions and other carts' reservations leave no room (nothing stored). */
  | { status: 'discount_exhausted' };

/** What payments/payment.ts createIntent reads under the cart's claim (CheckoutsRepository.forIntent). */
export interface SessionForIntent {
  checkout: Checkout;
  /** The session's cart as stored (null once purged); whether it still counts is the domain's call (expiry). */
  cart: { status: 'open' | 'closed'; expires_at: number } | null;
  /** The store's Stripe connection as stored now (null: none), whether it can take payments or not. */
  connection: StripeConnection | null;
  others_with_intent: Checkout[];
}

/** Checkout sessions. */
export interface CheckoutsRepository {
  /**
   * Stores the session only if its cart is still open, at `cartVersion` (and bumps that version) and its
   * lines still have `lineQuantities`, so a session never freezes lines the cart no longer has ('cart_changed'
   * otherwise), and only while the cart has fewer than
   * `maxLivePerCart` unexpired sessions (the version check serialises concurrent creates of one cart).
   * In the same transaction every stocked line is reserved until the session's expiry, replacing the cart's
   * earlier reservations ('out_of_stock', nothing stored, when one cannot be held). Never oversells across
   * instances: each reservation is one conditional INSERT … SELECT … WHERE stock − live reservations ≥ n, taken
   * on PostgreSQL under a per-product transaction lock (`LOCKS.stock`, products in id order, after the cart's
   * row lock), so the next reserver's statement sees every reservation committed before it; on SQLite the
   * transaction holds the only connection. Expired reservations stop counting by themselves (no release step
   * that could be missed); superseding a session or recording its intent as canceled deletes its reservations;
   * `orders.recordPaid` turns them into a sale.
   * A limited discount is reserved for the cart until the session expires in the same transaction
   * (storage/shared/discount-limits.ts): redemptions plus other carts' unexpired reservations never exceed
   * `max_redemptions`, however many sessions race on however many instances ('discount_exhausted' otherwise,
   * nothing stored). A cart's newer session renews its reservation instead of taking a second use.
   */
  create(input: NewCheckout): Promise<NewCheckoutResult>;
  get(id: string): Promise<Checkout | null>;
  findByTokenHash(tokenHash: string): Promise<Checkout | null>;
  /**
   * Compare-and-set: stores the details and the new total only while the session is open (no order) and
   * still at `version` (then bumps it). 'changed' (nothing written) when another change came first or the
   * session was paid meanwhile; the row as it now is either way. Recording an order checks the PaymentIntent's
   * amount against this total in the same transaction as the insert, so an order always carries the details
   * whose total it paid.
   */
  saveDetails(change: DetailsChange): Promise<{ status: 'saved' | 'changed'; checkout: Checkout | null }>;
  /**
   * Records the session's PaymentIntent unless one is recorded already, with the Stripe account it was
   * created on (`accountId`; the store may have switched accounts since the session opened, and /complete and
   * the sweep must look there); returns the row as it now is. The first intent ever recorded sticks:
   * concurrent callers all get that one back. With `release`, the cart claim of that owner is released by the
   * same statement (PostgreSQL) or transaction (SQLite), whether this call's intent stuck or not; if the call fails,
   * neither happened.
   */
  attachPaymentIntent(
    id: string,
    paymentIntentId: string,
    clientSecretSealed: string,
    accountId?: string | null,
    release?: { cartId: string; owner: string },
  ): Promise<Checkout>;
  /** Stores a (legacy plaintext) client_secret sealed and clears the plaintext. */
  sealClientSecret(id: string, clientSecretSealed: string): Promise<void>;
  /** Sessions whose client_secret is still plaintext (written before migration 004). */
  listPlaintextSecrets(): Promise<{ id: string; store_id: string; client_secret: string }[]>;
  /** Marks an unpaid session as done without payment (superseded, or its intent cancelled). */
  markSuperseded(id: string): Promise<void>;
  /**
   * Remembers the status of the session's PaymentIntent as a Stripe read saw it: begun at `checkedAt` on the
   * app's clock (the sweep's back-off) and at `readAt` on the wall clock (/complete's freshness).
   */
  recordIntentStatus(id: string, status: string, checkedAt: number, readAt: number): Promise<void>;
  /**
   * Claims the next Stripe read of the session's intent: true (and the claim stamped `now`, wall clock) only
   * when no read was claimed in the last `spacingMs`, on any instance; a conditional UPDATE, so one caller wins.
   */
  claimIntentCheck(id: string, now: number, spacingMs: number): Promise<boolean>;
  /**
   * Unpaid, not superseded sessions with a PaymentIntent that may still take money: made at or after `since`
   * (ms), or last seen `processing` however old (SEPA/ACH settle in up to 14 days). For the sweep, and with
   * `storeId` for settling a connection that goes away.
   */
  listToReconcile(since: number, storeId?: string): Promise<Checkout[]>;
  /** Unpaid sessions of a cart that have a PaymentIntent (siblings to cancel once the cart is paid). */
  listOpenWithIntentForCart(cartId: string): Promise<Checkout[]>;
  /**
   * What creating a session's intent decides on, under the cart's claim, in ONE statement (null: no such
   * session): the session, its cart's status and expiry, its store's Stripe connection (getConnection's), and
   * the cart's other unpaid sessions that have an intent (listOpenWithIntentForCart's, without this one).
   */
  forIntent(id: string): Promise<SessionForIntent | null>;
  /**
   * Deletes unpaid sessions that expired before `before` and can take no money: no intent, or superseded, or
   * an intent last seen cancelled, and the stock and discount reservations that expired before it (they no
   * longer count). Returns how many sessions.
   */
  purgeAbandoned(before: number): Promise<number>;
}

// ---- orders and Stripe events ----

/** A succeeded PaymentIntent that the domain matched to its checkout session. */
export interface PaidPayment {
  orderId: string;
  checkoutId: string;
  paymentIntentId: string;
  amount: number;
  currency: string;
  livemode: boolean;
  customerEmail: string | null;
  source: 'complete' | 'webhook' | 'reconcile';
}

/** What recording a payment did. */
export type RecordPaidResult =
  | { status: 'created' | 'existing'; order: Order }
  /** Nothing recorded: the session is gone, holds another intent, or its amount/currency differ. */
  | { status: 'checkout_not_found' | 'intent_mismatch' | 'amount_mismatch'; order: null };

/** A Stripe event as far as remembering it goes. */
export interface StripeEventRef {
  id: string;
  type: string;
}

/** An order's status after a refund (payments/refunds.ts decides which). */
export type RefundedStatus = Exclude<Order['status'], 'paid'>;

/** What a refund event did. */
export type RefundResult =
  | { status: 'duplicate' | 'not_ours' }
  | { status: 'applied'; order: Order }
  /** The intent is one of our open sessions' but has no order yet: the event was NOT remembered. */
  | { status: 'order_not_recorded_yet' };

/** One page of a store's orders, newest first. */
export interface OrderPage {
  data: Order[];
  has_more: boolean;
}

/** Orders and the Stripe events already handled. */
export interface OrdersRepository {
  /**
   * Records the order, marks the session paid and closes the cart, once per PaymentIntent: concurrent calls
   * for one intent make one order ('created' for one, 'existing' for the rest). Checked in the same
   * transaction: the session exists, holds no other intent, and its amount and currency equal the payment's.
   * The order copies the session's details (email, shipping, subtotal and shipping amount) in that transaction.
   * The session's discount is redeemed in that same transaction (storage/shared/discount-limits.ts): one
   * redemption row per (discount, order) and `times_redeemed + 1`, so recording twice counts once; the cart's
   * reservation is released. A paid order is never refused for its code: past the limit it is recorded at the
   * price paid and its redemption row says `over_limit` ('exhausted' or 'email_reused').
   */
  recordPaid(payment: PaidPayment, announce?: Announce<Order>): Promise<RecordPaidResult>;
  /**
   * The webhook's recordPaid: remembers the event and records the payment in one transaction; null (and no
   * change) when the event was handled before. The event is remembered whatever the result.
   */
  recordPaidFromEvent(storeId: string, event: StripeEventRef, payment: PaidPayment, announce?: Announce<Order>): Promise<RecordPaidResult | null>;
  /**
   * Remembers the event and raises the refunded amount of the store's order paid by `paymentIntentId` to
   * `amountRefunded` with the `status` the domain gave it (amounts only grow: a late event for a smaller refund
   * changes neither), in one transaction. An intent of
   * one of the store's open sessions without an order yet is refused and the event not remembered, so
   * Stripe delivers it again.
   */
  recordRefundFromEvent(
    storeId: string,
    event: StripeEventRef,
    refund: { paymentIntentId: string; amountRefunded: number; status: RefundedStatus },
    announce?: Announce<Order>,
  ): Promise<RefundResult>;
  /** Remembers an event that changes nothing; false when it was handled before. */
  noteEvent(storeId: string, event: StripeEventRef): Promise<boolean>;
  /** Forgets the ids of events received before `before` (ms), past Stripe's retry horizon; returns how many. */
  purgeEvents(before: number): Promise<number>;
  get(id: string): Promise<Order | null>;
  findByPaymentIntent(paymentIntentId: string): Promise<Order | null>;
  /** One page, newest first; null when `startingAfter` is no order of this store. */
  listForStore(storeId: string, page: { limit: number; startingAfter?: string }): Promise<OrderPage | null>;
}

// ---- leases: work done by one instance at a time ----

/** Named leases in the database, so several server processes share one schedule (e.g. the sweep). */
export interface LeasesRepository {
  /**
   * Takes the lease `name` for `owner` until now + `ttlMs` (the repository's clock): true when nobody held
   * it, its holder's lease had expired, or `owner` already held it (then it is renewed). One atomic
   * statement: of concurrent callers for a free lease, in any process on the database, exactly one gets
   * true. A row, not a connection's lock: a dead holder's lease expires by itself.
   */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` still holds it. */
  release(name: string, owner: string): Promise<void>;
  /**
   * Drops, in one transaction, every lease and cart claim held by the instance `instanceId` (owner
   * `instanceId` itself or `instanceId/…`): a stopping instance's, so the others need not wait out the TTLs.
   * Returns how many rows went.
   */
  releaseAll(instanceId: string): Promise<number>;
}

// ---- sealed values, for key rotation ----

/** Where a sealed value lives. */
export interface SealedValueRef {
  table: 'stripe_connections' | 'retired_connections' | 'checkouts' | 'webhook_endpoints';
  column: 'secret_key_sealed' | 'webhook_secret_sealed' | 'sealed_client_secret' | 'secret_sealed' | 'previous_secret_sealed';
  /**
   * The row's key (store id for connections, the row id for retired ones, checkout id for checkouts, endpoint id
   * for the platform's webhook endpoints, whose store is crypto/bindings.ts's PLATFORM_BINDING_STORE).
   */
  rowId: string;
}

/** A sealed value and the store it was sealed for. */
export interface SealedValue extends SealedValueRef {
  storeId: string;
  sealed: string;
}

/** Every sealed value in the database. */
export interface SealedValuesRepository {
  list(): Promise<SealedValue[]>;
  /**
   * Replaces sealed values in one transaction, each only if it still holds `from`; if any changed meanwhile
   * nothing is written and false is answered (run the rotation again).
   */
  replace(changes: (SealedValueRef & { from: string; to: string })[]): Promise<boolean>;
}

// ---- budgets: token buckets in the database ----

/** Token buckets, one row each, so every instance draws from one budget. */
export interface BudgetsRepository {
  /**
   * Takes one token from the bucket `key` (created full with `capacity` tokens, refilled by `perMs` tokens a
   * millisecond up to `capacity`), as of `now`, leaving at least `keep` tokens; false, and nothing taken,
   * otherwise. One atomic statement: concurrent takers on any instance never take the same token.
   */
  take(key: string, capacity: number, perMs: number, now: number, keep: number): Promise<boolean>;
}

// ---- discount codes ----

/** A store's discount code and its terms; amounts in `currency`'s minor units, times in ms. */
export interface Discount extends DiscountTerms {
  id: string;
  store_id: string;
  /** As the platform wrote it; matched in any case. */
  code: string;
  /** Orders that used it so far. */
  times_redeemed: number;
  /** Raised by every edit of the terms: an edit is written only over the version it was made from. */
  version: number;
  created_at: number;
  updated_at: number;
}

// ---- the platform's webhook endpoints ----

/** An endpoint of the platform that receives our events; its secrets only sealed. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  event_types: string[];
  /** The stores whose events it receives; null: every store. */
  store_ids: string[] | null;
  enabled: boolean;
  /** Why checkout-best disabled it (null when enabled, or disabled by the platform). */
  disabled_reason: string | null;
  secret_sealed: string;
  /** The secret before the last rotation, still signing until `previous_secret_expires_at`. */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

/** What a discount takes off and when it applies: the settings the platform sets, stored as one whole. */
export interface DiscountTerms {
  /** 1–100; null when the code takes an amount off (or only makes shipping free). */
  percent_off: number | null;
  amount_off: number | null;
  /** The store's currency when an amount (amount_off, min_subtotal) is set, else null. */
  currency: string | null;
  min_subtotal: number | null;
  /** The products it applies to; null: every product. */
  product_ids: string[] | null;
  starts_at: number | null;
  ends_at: number | null;
  max_redemptions: number | null;
  once_per_email: boolean;
  free_shipping: boolean;
  active: boolean;
}

/** A new discount (the id is chosen by the caller). */
export interface NewDiscount extends DiscountTerms {
  id: string;
  store_id: string;
  code: string;
}

/** Discount codes, per store. Every method here is one statement, but `reserve` (one transaction). */
export interface DiscountsRepository {
  /**
   * Stores a new discount with its counters at zero; `{ ok: false }` when the store already has this code in
   * any case (the unique key on the upper-cased code decides a race: exactly one of two creates wins).
   */
  create(input: NewDiscount): Promise<{ ok: true; discount: Discount } | { ok: false; reason: 'code_taken' }>;
  /** Every discount of a store, newest first. */
  list(storeId: string): Promise<Discount[]>;
  /** One discount of a store by id; null when unknown or another store's. */
  get(storeId: string, id: string): Promise<Discount | null>;
  /** One discount of a store by its code, in any case; null when none. */
  getByCode(storeId: string, code: string): Promise<Discount | null>;
  /**
   * Replaces the terms of a discount that is still at `version` (compare-and-set; the counters are kept) and
   * raises its version; null when it is not (another edit came first: read it again) or there is no such discount.
   */
  update(storeId: string, id: string, version: number, terms: DiscountTerms): Promise<Discount | null>;
  /** Whether an order paid with `email` (in any case) redeemed the discount: once-per-email codes. */
  redeemedByEmail(discountId: string, email: string): Promise<boolean>;
  /**
   * Reserves one use of a limited discount for the cart until `expiresAt`, in one transaction under the
   * discount's row lock (as checkouts.create does): false when redemptions plus other carts' unexpired
   * reservations leave no room. The cart's own reservation is renewed (or moved to this discount).
   */
  reserve(discountId: string, cartId: string, expiresAt: number): Promise<boolean>;
  /** Gives the cart's reservation of the discount back (one statement; another discount's stays). */
  release(cartId: string, discountId: string): Promise<void>;
}

/** What it takes to add an endpoint: everything but the times. */
export type NewWebhookEndpoint = Omit<
  WebhookEndpoint,
  'disabled_reason' | 'previous_secret_sealed' | 'previous_secret_expires_at' | 'created_at' | 'updated_at'
>;

/** The fields a platform may change; those left out stay. */
export interface WebhookEndpointPatch {
  url?: string;
  event_types?: string[];
  store_ids?: string[] | null;
  enabled?: boolean;
}

/** A secret rotation, computed by the domain from the row it read. */
export interface SecretRotation {
  /** The sealed secret the rotation was computed from: the rotation applies only while it is still current. */
  from: string;
  secretSealed: string;
  previousSealed: string;
  previousExpiresAt: number;
}

/** The platform's webhook endpoints. Every method is one statement (atomic on its own, on either engine). */
export interface WebhookEndpointsRepository {
  create(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  get(id: string): Promise<WebhookEndpoint | null>;
  /** Every endpoint, oldest first. */
  list(): Promise<WebhookEndpoint[]>;
  /** Applies the given fields (enabling clears `disabled_reason`); null for an unknown endpoint. */
  update(id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint | null>;
  /** Removes the endpoint; false when there was none. */
  delete(id: string): Promise<boolean>;
  /**
   * Installs a new secret and keeps the former one as previous, only while `rotation.from` is still the
   * current secret (compare-and-set: of two concurrent rotations one wins); null otherwise or for an unknown endpoint.
   */
  rotateSecret(id: string, rotation: SecretRotation): Promise<WebhookEndpoint | null>;
}

// ---- tax ----

/** A store's tax settings. Every method is one statement. */
export interface TaxSettingsRepository {
  /** The store's settings; null when it has none (prices include every tax). */
  get(storeId: string): Promise<TaxSettings | null>;
  /** Replaces the store's settings whole; false for an unknown store (nothing is written). */
  set(storeId: string, settings: TaxSettings): Promise<boolean>;
  /** Removes the store's settings (its prices then include every tax). */
  clear(storeId: string): Promise<void>;
}

/** An order's claim on making its tax transaction. */
export interface TaxTransactionClaim {
  order_id: string;
  store_id: string;
  calculation_id: string;
  /** Failed attempts so far. */
  attempts: number;
}

/** Where an order's tax transaction stands. */
export interface TaxTransactionState {
  calculation_id: string | null;
  transaction_id: string | null;
  /** The last failure (null: none, or it succeeded since). */
  error: string | null;
  attempts: number;
}

/** The Stripe Tax transaction of paid orders (orders.tax_*). Every method is one statement. */
export interface TaxTransactionsRepository {
  /**
   * Claims making the order's transaction for `leaseMs`: null unless the order has a calculation, no transaction
   * yet and no live claim (a conditional UPDATE: of concurrent callers on any instances, one wins).
   */
  claim(orderId: string, leaseMs: number): Promise<TaxTransactionClaim | null>;
  /** Records the transaction Stripe made and clears claim and error; false when one was recorded already. */
  complete(orderId: string, transactionId: string): Promise<boolean>;
  /** Records a failed attempt: its error, one more attempt, and no new claim before `retryAt`. */
  fail(orderId: string, message: string, retryAt: number): Promise<void>;
  /** Orders that owe a transaction and may be claimed now, oldest first, at most `limit`. */
  listDue(limit: number): Promise<string[]>;
  get(orderId: string): Promise<TaxTransactionState | null>;
}

// ---- the platform's outbox: events and their deliveries ----

/**
 * An event for the platform, as the domain built it (platform-webhooks/events.ts). Written in the same
 * transaction as the change it reports, with one delivery per endpoint that `subscribes` (asked of every
 * enabled endpoint at that moment: the rule is the domain's, the repository only applies it).
 */
export interface OutboxEvent {
  id: string;
  type: string;
  store_id: string;
  created_at: number;
  /** JSON: the object as the internal API shows it. */
  payload: string;
  subscribes(endpoint: WebhookEndpoint): boolean;
}

/**
 * The domain's announcement of a change, given what the use-case wrote (the order, the connection): the
 * event to store, or null when there is nothing to report. A use-case that takes one calls it inside its
 * transaction, after the change and only when it applied; left out, no event is written (storage tests).
 */
export type Announce<T> = (written: T) => OutboxEvent | null;

/** A delivery an instance has claimed, with what sending it takes. */
export interface ClaimedDelivery {
  seq: number;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  store_id: string;
  payload: string;
  event_created_at: number;
  /** Attempts made before this one. */
  attempts: number;
  created_at: number;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: number | null;
  /** When the endpoint's deliveries began failing; null when the last one went through. */
  failing_since: number | null;
}

/** How one attempt ended, as the worker (the domain) decided it. */
export interface DeliveryOutcome {
  status: 'delivered' | 'pending' | 'failed';
  /** When to try again (pending only). */
  nextAttemptAt: number | null;
  statusCode: number | null;
  error: string | null;
  /** Set to disable the endpoint with this reason (it failed for too long). */
  disableEndpoint: string | null;
}

/**
 * The deliveries of the outbox. Claims are rows (`claimed_by` until `claim_expires_at`), so several instances
 * share the work and a dead one's claims expire.
 */
export interface WebhookDeliveriesRepository {
  /**
   * Claims for `owner` until now + `claimMs` the oldest due pending delivery of up to `limit` enabled
   * endpoints that have none claimed (one delivery in flight per endpoint, so an endpoint gets its events in
   * the order they were written, retries aside). Concurrent claims on either engine never claim one delivery
   * twice, nor two of one endpoint.
   */
  claim(owner: string, limit: number, claimMs: number): Promise<ClaimedDelivery[]>;
  /**
   * Records an attempt of a delivery `owner` still claims and releases the claim; a success clears the
   * endpoint's `failing_since`, a failure sets it if unset (and may disable the endpoint). False when the
   * claim was lost meanwhile (expired and taken by another instance): nothing is written.
   */
  settle(seq: number, owner: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** Drops `owner`'s claims (a stopping instance), so others need not wait out their expiry. */
  release(owner: string): Promise<number>;
  /** One page of an endpoint's deliveries, newest first; null when `startingAfter` is no event delivered to it. */
  listForEndpoint(endpointId: string, page: { limit: number; startingAfter?: string }): Promise<DeliveryPage | null>;
  /**
   * Makes the endpoint's delivery of `eventId` pending and due now again, whatever its status, keeping its
   * attempts (a claim in flight keeps its claim and settles as usual); answers it, or null when there is none.
   */
  redeliver(endpointId: string, eventId: string): Promise<DeliveryLogEntry | null>;
}

/** A delivery as the delivery log shows it (times in ms). */
export interface DeliveryLogEntry {
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: number | null;
  /** When it is due (pending only). */
  next_attempt_at: number | null;
  created_at: number;
}

/** One page of the delivery log. */
export interface DeliveryPage {
  data: DeliveryLogEntry[];
  has_more: boolean;
}
