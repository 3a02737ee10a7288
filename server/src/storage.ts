/**
 * The storage port: repositories whose methods are whole use-cases and own their transactions.
 * SQLite implements it in db/; a PostgreSQL adapter would implement the same interfaces.
 */
export interface Storage {
  /** Stores, their Stripe connections, audit trail and burnt connect links. */
  stores: StoresRepository;
  /** Products and their prices (payment flow). */
  catalog: CatalogRepository;
  /** Shoppers' carts, always answered repriced from the catalog. */
  carts: CartsRepository;
  /** Checkout sessions with their frozen lines, amount and one PaymentIntent. */
  checkouts: CheckoutsRepository;
  /** Paid orders and handled webhook events. */
  orders: OrdersRepository;
  /** Closes the underlying connection. */
  close(): void;
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
  created_at: number;
  updated_at: number;
}

/** The fields a platform sets when creating or updating a store. */
export interface StoreInput {
  id?: string;
  name: string;
  allowed_origins?: string[];
  default_currency?: string;
}

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

/** Repository of stores and their Stripe connections; each method is one transaction. */
export interface StoresRepository {
  /** Creates a store; returns null when the id is taken. */
  create(input: StoreInput & { id: string }): Store | null;
  get(id: string): Store | null;
  /** Applies the given fields; returns null for an unknown store. */
  update(id: string, patch: Partial<Omit<StoreInput, 'id'>>): Store | null;
  getConnection(storeId: string): StripeConnection | null;
  /**
   * Replaces any earlier connection, burns the connect link and records the audit event, in one transaction.
   * Returns the connection it replaced (so its old webhook endpoint can be deleted), or null.
   */
  saveConnection(conn: StripeConnection, link: { signature: string; expiresAt: number }): StripeConnection | null;
  /** True when a connect link with this signature was already used. */
  isLinkUsed(signature: string): boolean;
  /** Flips key_status to invalid with a reason; records `keys_invalid` once. Returns false if nothing changed. */
  markKeyInvalid(storeId: string, reason: string): boolean;
  /** Removes the connection; returns it (or null when there was none) and records `disconnected`. */
  disconnect(storeId: string): StripeConnection | null;
  /** The store's audit trail, oldest first. */
  listEvents(storeId: string): StoreEvent[];
  /** The sealed webhook signing secret of the store's current endpoint (open with sealer.open(storeId, …)). */
  getWebhookSecretSealed(storeId: string): string | null;
  /** Re-seals every sealed value with `transform` in one transaction; returns how many values changed. */
  resealAll(transform: (storeId: string, sealed: string) => string | null): number;
}

// ---- payment flow: catalog, carts, checkout sessions, orders ----

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
}

/** The catalog of each store. */
export interface CatalogRepository {
  /** Inserts or updates products in one transaction; refuses (422 currency_mismatch) a second currency. */
  upsertProducts(storeId: string, products: ProductInput[]): Product[];
  listProducts(storeId: string, options?: { activeOnly?: boolean }): Product[];
  /** The currency the store's active products are in, or null without products. */
  currencyOf(storeId: string): string | null;
}

/** A cart priced on the server. */
export interface Cart {
  id: string;
  store_id: string;
  currency: string;
  status: 'open' | 'closed';
  items: import('./checkout/money').CartLine[];
  subtotal: number;
  item_count: number;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

/** Carts; each method is a transaction answering with the whole repriced cart (or a 4xx AppError). */
export interface CartsRepository {
  create(storeId: string, currency: string): Cart;
  /** An open cart; 404 cart_not_found (unknown or expired), 409 cart_closed. */
  get(cartId: string): Cart;
  /** Any unexpired cart, open or closed, or null. */
  find(cartId: string): Cart | null;
  /** Adds `quantity` (merging with the same product already in the cart). */
  addItem(cartId: string, productId: string, quantity: number): Cart;
  /** Sets a line's quantity; 0 removes it. */
  setQuantity(cartId: string, productId: string, quantity: number): Cart;
  removeItem(cartId: string, productId: string): Cart;
  /** The owning store of a cart (for CORS), without loading the cart. */
  storeIdOf(cartId: string): string | null;
  /** Deletes carts idle past their expiry; returns how many. */
  purgeExpired(): number;
}

/** A checkout session: the cart's lines and amount frozen at the moment it was made. */
export interface Checkout {
  id: string;
  token_hash: string;
  store_id: string;
  cart_id: string;
  lines: import('./checkout/money').CartLine[];
  amount: number;
  currency: string;
  livemode: boolean;
  status: 'open' | 'paid';
  payment_intent_id: string | null;
  /** The intent's client_secret, sealed for this store. */
  client_secret_sealed: string | null;
  /** A client_secret stored in plaintext before migration 004; sealed and cleared on the next read. */
  legacy_client_secret: string | null;
  /** Set when a newer session of the same cart cancelled this session's intent (a second tab). */
  superseded_at: number | null;
  order_id: string | null;
  created_at: number;
  expires_at: number;
}

/** What it takes to open a checkout session. */
export interface NewCheckout {
  cartId: string;
  tokenHash: string;
  ttlMs: number;
  livemode: boolean;
}

/** Checkout sessions. */
export interface CheckoutsRepository {
  /** Freezes the open cart; 404/409 for a missing/closed cart, 422 cart_empty. */
  create(input: NewCheckout): Checkout;
  get(id: string): Checkout | null;
  findByTokenHash(tokenHash: string): Checkout | null;
  /** Records the session's PaymentIntent unless one is recorded already; returns the row as it now is. */
  attachPaymentIntent(id: string, paymentIntentId: string, clientSecretSealed: string): Checkout;
  /** Stores a legacy plaintext client_secret sealed and clears the plaintext. */
  sealClientSecret(id: string, clientSecretSealed: string): void;
  /** Sessions whose client_secret is still plaintext (written before migration 004). */
  listPlaintextSecrets(): { id: string; store_id: string; client_secret: string }[];
  /** Marks an unpaid session as replaced by a newer session of its cart. */
  markSuperseded(id: string): void;
  /** Unpaid sessions with a PaymentIntent, created at or after `since` (ms), for the reconciliation sweep. */
  listOpenSince(since: number): Checkout[];
  /** Unpaid sessions of a cart that have a PaymentIntent (siblings to cancel once the cart is paid). */
  listOpenWithIntentForCart(cartId: string): Checkout[];
  /** Unpaid sessions of a store that have a PaymentIntent (to settle before its connection goes away). */
  listOpenWithIntentForStore(storeId: string): Checkout[];
}

/** A paid order. */
export interface Order {
  id: string;
  store_id: string;
  checkout_id: string;
  status: 'paid' | 'partially_refunded' | 'refunded';
  amount: number;
  amount_refunded: number;
  currency: string;
  items: import('./checkout/money').CartLine[];
  payment_intent_id: string;
  livemode: boolean;
  customer_email: string | null;
  created_at: string;
}

/** A succeeded PaymentIntent, already checked against its checkout session. */
export interface PaidPayment {
  checkoutId: string;
  paymentIntentId: string;
  amount: number;
  currency: string;
  livemode: boolean;
  customerEmail: string | null;
  source: 'complete' | 'webhook' | 'reconcile';
}

/** One page of a store's orders, newest first. */
export interface OrderPage {
  data: Order[];
  has_more: boolean;
}

/** Orders and the webhook events already handled. */
export interface OrdersRepository {
  /** Records the order, marks the session paid and closes the cart, once per PaymentIntent. */
  recordPaid(payment: PaidPayment): { order: Order; created: boolean };
  /** Sets the refunded amount (and status) of the order paid by this intent; null if there is none. */
  recordRefund(storeId: string, paymentIntentId: string, amountRefunded: number): Order | null;
  get(id: string): Order | null;
  findByPaymentIntent(paymentIntentId: string): Order | null;
  listForStore(storeId: string, page: { limit: number; startingAfter?: string }): OrderPage;
  /** Runs `effect` in one transaction with remembering the event; false (and no effect) if seen before. */
  handleEventOnce(storeId: string, eventId: string, type: string, effect: () => void): boolean;
}
