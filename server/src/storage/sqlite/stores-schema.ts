/**
 * Schema of migration `001_stores`: stores, their Stripe connection (secrets only sealed), the audit trail
 * and the signatures of connect links already used (so a link works once).
 */
export const storesSchema = `
CREATE TABLE stores (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  allowed_origins TEXT NOT NULL DEFAULT '[]',
  default_currency TEXT NOT NULL DEFAULT 'usd',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE stripe_connections (
  store_id TEXT PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
  account_id TEXT,
  account_name TEXT,
  publishable_key TEXT NOT NULL,
  secret_key_sealed TEXT NOT NULL,
  key_type TEXT NOT NULL CHECK (key_type IN ('secret', 'restricted')),
  livemode INTEGER NOT NULL,
  key_status TEXT NOT NULL DEFAULT 'valid' CHECK (key_status IN ('valid', 'invalid')),
  webhook_endpoint_id TEXT,
  webhook_secret_sealed TEXT,
  connected_at INTEGER NOT NULL,
  last_error TEXT
);

CREATE TABLE store_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id TEXT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  account_id TEXT,
  previous_account_id TEXT,
  livemode INTEGER,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX store_events_store ON store_events (store_id, id);

CREATE TABLE used_connect_links (
  signature TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER NOT NULL
);
`;
