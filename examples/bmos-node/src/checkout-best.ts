import { createHmac } from 'node:crypto';
import type { components, operations } from './checkout-best-api';

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

/** Shapes of checkout-best's API, generated from its /openapi.json (`npm run openapi:types`), never hand-written. */
type Schemas = components['schemas'];
type JsonBody<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type JsonAnswer<Op, Status extends number> = Op extends { responses: { [S in Status]: { content: { 'application/json': infer A } } } } ? A : never;

/** A store as checkout-best returns it. */
export type CheckoutBestStore = Schemas['Store'];
/** What creating a store takes (the platform may bring its own id). */
export type NewStore = JsonBody<operations['createStore']>;
/** A product as the catalog endpoint takes it; `unit_amount` is integer minor units. */
export type CatalogProduct = JsonBody<operations['upsertProducts']>['products'][number];
/** The internal status answer: can the store take payments now, and with what. */
export type StripeStatus = Schemas['StripeStatus'];
/** An order as the internal orders endpoint lists it: items, amounts, customer and shipping. */
export type Order = Schemas['Order'];
/** A signed connect link. */
export type ConnectLink = JsonAnswer<operations['createConnectLink'], 200>;

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
  createStore(input: NewStore) {
    return this.call<CheckoutBestStore>('POST', '/api/internal/stores', input);
  }

  /** Replaces the store's catalog with these products (upsert). */
  syncCatalog(storeId: string, products: CatalogProduct[]) {
    return this.call<unknown>('PUT', `/api/internal/stores/${enc(storeId)}/products`, { products });
  }

  /** A fresh signed, single-use link to the key entry form. */
  connectLink(storeId: string, returnUrl?: string) {
    const body = returnUrl ? { return_url: returnUrl } : {};
    return this.call<ConnectLink>('POST', `/api/internal/stores/${enc(storeId)}/connect-link`, body);
  }

  /** Whether the store can take payments now. */
  stripeStatus(storeId: string) {
    return this.call<StripeStatus>('GET', `/api/internal/stores/${enc(storeId)}/stripe-status`);
  }

  /** The store's newest orders. */
  async orders(storeId: string, limit = 10): Promise<Order[]> {
    const page = await this.call<Schemas['OrderList']>('GET', `/api/internal/stores/${enc(storeId)}/orders?limit=${limit}`);
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
export function signConnectLink(opts: { baseUrl: string; secret: string; storeId: string; returnUrl?: string; ttlSeconds?: number; now?: number }): string {
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
