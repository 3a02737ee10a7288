import { createHmac } from 'node:crypto';

/** An error answer from checkout-best: its stable code, message and HTTP status. */
export class CheckoutBestError extends Error {
  override readonly name = 'CheckoutBestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A store as checkout-best returns it (the fields this example uses). */
export interface CheckoutBestStore {
  id: string;
  name: string;
  allowed_origins: string[];
  default_currency?: string;
}

/** A product as the catalog endpoint takes it; `unit_amount` is integer minor units. */
export interface CatalogProduct {
  id: string;
  name: string;
  description?: string;
  unit_amount: number;
  currency: string;
  image_url?: string;
  active?: boolean;
  max_quantity?: number;
}

/** The internal status answer: can the store take payments now, and with what. */
export interface StripeStatus {
  store_id: string;
  has_stripe: boolean;
  is_live_mode: boolean;
  account_id?: string | null;
  account_name?: string | null;
  key_type?: 'secret' | 'restricted' | null;
  key_status?: 'valid' | 'invalid' | null;
  webhooks?: boolean;
  connected_at?: string | null;
  last_error?: string | null;
}

/** An order as the internal orders endpoint lists it. */
export interface Order {
  id: string;
  status: string;
  amount: number;
  currency: string;
  payment_intent_id: string;
  /** Who bought: the checkout's email, and the name and phone of the shipping address. */
  customer?: { email: string | null; name: string | null; phone: string | null };
  /** Where it ships and how; null when nothing ships (or for orders of before shipping). */
  shipping?: {
    name: string;
    phone: string | null;
    address: { line1: string; line2: string | null; city: string; state: string | null; postal_code: string; country: string };
    rate: { id: string; display_name: string; amount: number };
  } | null;
  created_at: string;
}

/** A client for checkout-best's internal API; the internal secret rides in `X-Internal-Secret`. */
export class CheckoutBest {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly secret: string,
  ) {
    if (!secret) throw new Error('CHECKOUT_BEST_SECRET is not set');
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Creates a store; pass the platform's own id so both sides share it. */
  createStore(input: { id?: string; name: string; allowed_origins?: string[]; default_currency?: string }) {
    return this.call<CheckoutBestStore>('POST', '/api/internal/stores', input);
  }

  /** Replaces the store's catalog with these products (upsert). */
  syncCatalog(storeId: string, products: CatalogProduct[]) {
    return this.call<unknown>('PUT', `/api/internal/stores/${enc(storeId)}/products`, { products });
  }

  /** A fresh signed, single-use link to the key entry form. */
  connectLink(storeId: string, returnUrl?: string) {
    const body = returnUrl ? { return_url: returnUrl } : {};
    return this.call<{ url: string; expires_at: string | number }>(
      'POST',
      `/api/internal/stores/${enc(storeId)}/connect-link`,
      body,
    );
  }

  /** Whether the store can take payments now. */
  stripeStatus(storeId: string) {
    return this.call<StripeStatus>('GET', `/api/internal/stores/${enc(storeId)}/stripe-status`);
  }

  /** The store's newest orders. */
  async orders(storeId: string, limit = 10): Promise<Order[]> {
    const page = await this.call<{ data?: Order[] }>('GET', `/api/internal/stores/${enc(storeId)}/orders?limit=${limit}`);
    return page.data ?? [];
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await fetch(this.baseUrl + path, {
      method,
      headers: { 'X-Internal-Secret': this.secret, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await answer.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!answer.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new CheckoutBestError(answer.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${answer.status}`);
    }
    return json as T;
  }
}

const enc = encodeURIComponent;

/** The exact string checkout-best signs for a connect link (README, "Signing connect links yourself"). */
export function canonicalConnectString(storeId: string, returnUrl: string, expires: number): string {
  return `checkout-best-connect-v1\n${storeId}\n${returnUrl}\n${expires}`;
}

/** Signs a connect link locally with the internal secret, the way the server signs it. */
export function signConnectLink(opts: {
  baseUrl: string;
  secret: string;
  storeId: string;
  returnUrl?: string;
  ttlSeconds?: number;
  now?: number;
}): string {
  const expires = Math.floor((opts.now ?? Date.now()) / 1000) + (opts.ttlSeconds ?? 1800);
  const returnUrl = opts.returnUrl ?? '';
  const signature = createHmac('sha256', opts.secret)
    .update(canonicalConnectString(opts.storeId, returnUrl, expires))
    .digest('hex');
  const query = new URLSearchParams({ store_id: opts.storeId });
  if (returnUrl) query.set('return_url', returnUrl);
  query.set('expires', String(expires));
  query.set('signature', signature);
  return `${opts.baseUrl.replace(/\/+$/, '')}/stripe/connect?${query}`;
}
