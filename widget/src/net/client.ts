/**
 * Talks JSON to the checkout-best server; every failure becomes an ApiError with a stable code. The
 * bodies are the HTTP contract's (server/src/wire.ts), imported as types only.
 */
import type { ErrorCode } from '../../../server/src/errors';
import type { CartLine, CartView, CheckoutSession, ErrorBody } from '../../../server/src/wire';

/** The whole cart, as every cart endpoint answers (the ESM build's public `Cart` type). */
export type Cart = CartView;
/** One line of a cart as the server computes it (the ESM build's public `CartItem` type). */
export type CartItem = CartLine;
export type { CheckoutSession };

/**
 * What an ApiError may say: a code of the server's catalogue (server/src/errors.ts), no answer at all
 * (`network_error`), an answer without our JSON (`http_<status>`, from a proxy in between), or a payment the
 * checkout page stopped waiting for (`payment_processing`).
 */
export type ClientErrorCode = ErrorCode | 'network_error' | `http_${number}` | 'payment_processing';

/** An error answer (`{error:{code,message}}`) or a network failure (`network_error`). */
export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly status = 0,
    /** The answer's other fields: `available` and `product_id` of out_of_stock, `param` of a refused field. */
    readonly info: Partial<ErrorBody['error']> = {},
  ) {
    super(message);
  }
}

/** A product of the public catalog, as the widget reads it; `available` null: unlimited. */
export interface Product {
  id: string;
  available: number | null;
}

/** The subset of fetch the client needs; tests may pass their own. */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Sends one JSON request and returns the parsed body, or throws an ApiError. */
export async function requestJson<T>(fetchFn: Fetch, url: string, method = 'GET', body?: object): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      method,
      headers: body ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
      body: body && JSON.stringify(body),
      credentials: 'omit',
    });
  } catch {
    // The English text the widget shows (other languages translate error_network_error).
    throw new ApiError('network_error', 'Could not reach the store. Check your connection.');
  }
  // Any JSON may come back from a proxy in between: nothing of ErrorBody is taken for granted.
  const data = (await res.json().catch(() => null)) as { error?: Partial<ErrorBody['error']> } | null;
  if (res.ok) return data as T;
  const e = data?.error ?? {};
  throw new ApiError((e.code as ErrorCode | undefined) ?? `http_${res.status}`, e.message ?? `Request failed (${res.status})`, res.status, e);
}

/** The cart API of one store, as the widget uses it. */
export interface CartApi {
  createCart(): Promise<Cart>;
  getCart(id: string): Promise<Cart>;
  addItem(id: string, productId: string, quantity: number): Promise<Cart>;
  setQuantity(id: string, productId: string, quantity: number): Promise<Cart>;
  removeItem(id: string, productId: string): Promise<Cart>;
  startCheckout(id: string): Promise<CheckoutSession>;
  /** Applies a discount code to the cart; null removes the applied one. */
  discount(id: string, code: string | null): Promise<Cart>;
}

/** The cart API plus what the widget asks besides the cart controller's operations: the catalog's stock. */
export interface ShopApi extends CartApi {
  /** The store's active products with what is left of each. */
  products(): Promise<{ data: Product[] }>;
}

/** Builds the cart API client for `storeId` on the server at `baseUrl`. */
export function createCartApi(baseUrl: string, storeId: string, fetchFn: Fetch = (u, i) => fetch(u, i)): ShopApi {
  const api = baseUrl + '/api';
  const store = `${api}/stores/${encodeURIComponent(storeId)}`;
  const cart = (id: string) => `${api}/carts/${encodeURIComponent(id)}`;
  const item = (id: string, p: string) => `${cart(id)}/items/${encodeURIComponent(p)}`;
  return {
    createCart: () => requestJson(fetchFn, store + '/carts', 'POST', {}),
    getCart: (id) => requestJson(fetchFn, cart(id)),
    addItem: (id, product_id, quantity) => requestJson(fetchFn, `${cart(id)}/items`, 'POST', { product_id, quantity }),
    setQuantity: (id, p, quantity) => requestJson(fetchFn, item(id, p), 'PATCH', { quantity }),
    removeItem: (id, p) => requestJson(fetchFn, item(id, p), 'DELETE'),
    startCheckout: (id) => requestJson(fetchFn, `${cart(id)}/checkout`, 'POST', {}),
    discount: (id, code) => requestJson(fetchFn, `${cart(id)}/discount`, code ? 'POST' : 'DELETE', code ? { code } : undefined),
    products: () => requestJson(fetchFn, store + '/products'),
  };
}
