/**
 * Schema of the payment flow (migration `002_payments`): the catalog, carts, frozen checkout sessions,
 * orders and the ids of webhook events already handled.
 */
export const paymentsSchema = `
CREATE TABLE products (
  store_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  unit_amount INTEGER NOT NULL CHECK (unit_amount >= 0),
  currency TEXT NOT NULL,
  image_url TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  max_quantity INTEGER,
  position INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (store_id, id)
);

CREATE TABLE carts (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX carts_expires_at ON carts (expires_at);

CREATE TABLE cart_items (
  cart_id TEXT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
  product_id TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE checkouts (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  store_id TEXT NOT NULL,
  cart_id TEXT NOT NULL,
  lines_json TEXT NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  livemode INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
  payment_intent_id TEXT UNIQUE,
  client_secret TEXT,
  order_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX checkouts_open ON checkouts (status, created_at);

CREATE TABLE orders (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  store_id TEXT NOT NULL,
  checkout_id TEXT NOT NULL UNIQUE,
  cart_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('paid', 'partially_refunded', 'refunded')),
  amount INTEGER NOT NULL,
  amount_refunded INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  items_json TEXT NOT NULL,
  payment_intent_id TEXT NOT NULL UNIQUE,
  livemode INTEGER NOT NULL,
  customer_email TEXT,
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX orders_by_store ON orders (store_id, seq);

CREATE TABLE webhook_events (
  store_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (store_id, event_id)
);
`;

/** Migration `003_checkouts_by_cart`: finding a paid cart's other sessions without a scan. */
export const checkoutsByCartIndex = `CREATE INDEX checkouts_by_cart ON checkouts (cart_id);`;

/**
 * Migration `004_sealed_client_secret`: the shopper's PaymentIntent client_secret is kept sealed like the keys.
 * Rows written before it keep their plaintext in `client_secret` until the sweep (run on every start) or the
 * next read seals them and clears the plaintext column.
 */
export const sealedClientSecretColumn = `ALTER TABLE checkouts ADD COLUMN sealed_client_secret TEXT;`;

/** Migration `005_checkout_superseded`: when a newer session of the same cart cancelled this one's intent. */
export const checkoutSupersededColumn = `ALTER TABLE checkouts ADD COLUMN superseded_at INTEGER;`;

/** Migration `006_cart_version`: every change of a cart bumps it, so writes are compare-and-set. */
export const cartVersionColumn = `ALTER TABLE carts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;`;

/**
 * Migration `007_retired_connections`: which Stripe account a session's intent lives on and the last status we
 * saw of it (so `processing` intents are followed until final), and former connections kept, sealed, while
 * intents made with them are still processing after the store switched account or disconnected.
 */
export const retiredConnectionsSchema = `
ALTER TABLE checkouts ADD COLUMN account_id TEXT;
ALTER TABLE checkouts ADD COLUMN intent_status TEXT;
CREATE INDEX checkouts_processing ON checkouts (intent_status) WHERE status = 'open';
CREATE TABLE retired_connections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id TEXT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  account_id TEXT,
  livemode INTEGER NOT NULL,
  secret_key_sealed TEXT NOT NULL,
  webhook_endpoint_id TEXT,
  webhook_secret_sealed TEXT,
  retired_at INTEGER NOT NULL
);
CREATE INDEX retired_connections_store ON retired_connections (store_id);
`;

/**
 * Migration `008_claims_and_leases`: the cross-instance locks, as rows with an expiry (a dead
 * holder's simply expire). `cart_claims`: the one instance creating a PaymentIntent for a cart right now
 * (payments/claims.ts); no foreign key, a claim may outlive its cart by its TTL and goes with the cart purge.
 * `leases`: named work done by one instance at a time (the reconciliation sweep).
 */
export const claimsAndLeasesSchema = `
CREATE TABLE cart_claims (
  cart_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

/**
 * Migration `009_shipping`: a store's shipping settings (JSON, with the lowest free-shipping
 * threshold kept beside it for the cart read), products' weight and whether they ship, and what a checkout
 * session and its order know of the shopper: email and shipping (JSON), the subtotal and shipping amount
 * beside the total (`amount`), and a version every details change bumps (compare-and-set).
 */
export const shippingColumns = `
ALTER TABLE stores ADD COLUMN shipping_json TEXT;
ALTER TABLE stores ADD COLUMN free_shipping_over INTEGER;
ALTER TABLE products ADD COLUMN weight_grams INTEGER;
ALTER TABLE products ADD COLUMN shippable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE checkouts ADD COLUMN subtotal INTEGER;
ALTER TABLE checkouts ADD COLUMN shipping_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checkouts ADD COLUMN details_json TEXT;
ALTER TABLE checkouts ADD COLUMN details_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN subtotal INTEGER;
ALTER TABLE orders ADD COLUMN shipping_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN customer_json TEXT;
ALTER TABLE orders ADD COLUMN shipping_json TEXT;
`;

/**
 * Migration `010_intent_checks`: when the last Stripe read of a session's intent began (with the
 * status it saw), and the claim on the next read, so /complete floods and the sweep read an intent at most
 * once a second across instances, and the sweep backs off unconfirmed intents; when a webhook event id may be
 * forgotten.
 */
export const intentChecksColumns = `
ALTER TABLE checkouts ADD COLUMN intent_checked_at INTEGER;
ALTER TABLE checkouts ADD COLUMN intent_check_claimed_at INTEGER;
ALTER TABLE checkouts ADD COLUMN intent_read_at INTEGER;
CREATE INDEX webhook_events_by_age ON webhook_events (received_at);
`;

/** Migration `011_budgets`: token buckets shared by the instances (a store's smoothed budgets). */
export const budgetsSchema = `
CREATE TABLE budgets (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_at INTEGER NOT NULL
);
`;
