/**
 * The cart as the widget knows it: a tiny observable store plus the operations that change it.
 * No DOM here. Operations run one at a time (a click storm must not create two carts), and the
 * server's answer always replaces the local copy, because only the server knows prices.
 */
import { ApiError, type Cart, type CartApi, type CheckoutSession } from '../net/client';
import type { CartIdStore } from './storage';

/** What the UI renders from. `cart` is null until the shopper has a cart on the server. */
export interface CartState {
  status: 'loading' | 'ready' | 'error';
  cart: Cart | null;
  /** How many operations are in flight (the UI shows a quiet spinner). */
  pending: number;
  error: ApiError | null;
}

/** The cart operations the widget and the JS API call. */
export interface CartController {
  getState(): CartState;
  subscribe(listener: (state: CartState) => void): () => void;
  /** Loads the remembered cart; a closed, expired or unknown cart is forgotten quietly. */
  load(): Promise<Cart | null>;
  add(productId: string, quantity?: number): Promise<Cart>;
  setQuantity(productId: string, quantity: number): Promise<Cart | null>;
  remove(productId: string): Promise<Cart | null>;
  startCheckout(): Promise<CheckoutSession>;
  /** Applies a discount code (null removes it); a refusal is returned, not thrown nor kept in the state: the field shows it. */
  discount(code: string | null): Promise<Cart | ApiError | null>;
  /** Forgets the cart (after a completed checkout the next add starts a new one). */
  reset(): void;
}

/**
 * True when the error says the remembered cart cannot be used any more, so a new one is started: the server
 * answers 404 (`cart_not_found`) for an unknown or expired cart and 409 `cart_closed` for a paid one.
 */
export function isStaleCartError(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'cart_closed' || err.status === 404);
}

/**
 * Returns `cart` with one line's quantity changed and totals recomputed from the server's unit prices.
 * Only for a cart without a discount: what a code takes off is the server's to say.
 */
export function withQuantity(cart: Cart, productId: string, quantity: number): Cart {
  const items = cart.items
    .map((i) => (i.product_id === productId ? { ...i, quantity, line_total: i.unit_amount * quantity } : i))
    .filter((i) => i.quantity > 0);
  const next = {
    ...cart,
    items,
    subtotal: items.reduce((sum, i) => sum + i.line_total, 0),
    item_count: items.reduce((sum, i) => sum + i.quantity, 0),
  };
  next.total = next.subtotal;
  return next;
}

/** Builds the controller over the cart API and the remembered cart id. */
export function createCartController(api: CartApi, ids: CartIdStore): CartController {
  let state: CartState = { status: 'loading', cart: null, pending: 0, error: null };
  const listeners = new Set<(s: CartState) => void>();
  let chain: Promise<unknown> = Promise.resolve();

  const set = (patch: Partial<CartState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l(state);
  };
  const accept = (cart: Cart | null) => {
    if (cart) ids.set(cart.id);
    set({ cart, status: 'ready', error: null });
    return cart;
  };
  // Serialises operations and keeps `pending`/`error` right whatever happens.
  const run = <T>(op: () => Promise<T>): Promise<T> => {
    set({ pending: state.pending + 1 });
    const result = chain.then(op);
    chain = result.catch(() => undefined);
    return result.then(
      (v) => (set({ pending: state.pending - 1 }), v),
      (err: unknown) => {
        const error = err instanceof ApiError ? err : new ApiError('internal_error', String(err));
        set({ pending: state.pending - 1, error, status: state.status === 'loading' ? 'error' : state.status });
        throw error;
      },
    );
  };
  const fetchSaved = async (): Promise<Cart | null> => {
    const id = ids.get();
    if (!id) return null;
    try {
      return await api.getCart(id);
    } catch (err) {
      if (!isStaleCartError(err)) throw err;
      ids.clear();
      return null;
    }
  };
  // Applies `change` to the current cart; a stale cart is replaced by a fresh one and tried once more.
  const onCart = async (change: (id: string) => Promise<Cart>): Promise<Cart> => {
    const id = state.cart?.id ?? ids.get() ?? (await api.createCart()).id;
    try {
      return accept(await change(id)) as Cart;
    } catch (err) {
      if (!isStaleCartError(err)) throw err;
      ids.clear();
      return accept(await change((await api.createCart()).id)) as Cart;
    }
  };
  const edit = (productId: string, quantity: number, call: (id: string) => Promise<Cart>) =>
    run(async () => {
      const before = state.cart;
      if (!before) return null;
      // With a code applied the new total is the server's to compute: wait for it rather than show a wrong one.
      if (!before.discount) set({ cart: withQuantity(before, productId, quantity) });
      try {
        return accept(await call(before.id));
      } catch (err) {
        set({ cart: before });
        if (isStaleCartError(err)) {
          ids.clear();
          set({ cart: null });
        }
        throw err;
      }
    });

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load: () => run(async () => accept(await fetchSaved())),
    add: (productId, quantity = 1) => run(() => onCart((id) => api.addItem(id, productId, quantity))),
    setQuantity: (productId, quantity) =>
      quantity <= 0 ? edit(productId, 0, (id) => api.removeItem(id, productId)) : edit(productId, quantity, (id) => api.setQuantity(id, productId, quantity)),
    remove: (productId) => edit(productId, 0, (id) => api.removeItem(id, productId)),
    startCheckout: () =>
      run(async () => {
        const id = state.cart?.id;
        if (!id || !state.cart?.items.length) throw new ApiError('cart_empty', 'Your cart is empty');
        try {
          return await api.startCheckout(id);
        } catch (err) {
          // Paid in another tab (or expired): show an empty cart with the reason, not a cart that cannot be paid.
          if (isStaleCartError(err)) {
            ids.clear();
            set({ cart: null });
          }
          throw err;
        }
      }),
    discount: (code) => run(async () => state.cart && api.discount(state.cart.id, code).then(accept, (e: ApiError) => e)),
    reset() {
      ids.clear();
      set({ cart: null, status: 'ready', error: null });
    },
  };
}
