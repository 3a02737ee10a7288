import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCartController, withQuantity } from '../../widget/src/cart/state';
import { createCartIdStore, type KeyValue } from '../../widget/src/cart/storage';
import { ApiError, type Cart, type CartApi } from '../../widget/src/net/client';

const PRICES: Record<string, [string, number]> = { tea: ['Green tea', 450], mug: ['Mug', 1200] };

/** An in-memory stand-in for the server's cart API (prices from its own table, like the server). */
function memoryCartApi() {
  const carts = new Map<string, { closed: boolean; lines: Map<string, number> }>();
  let created = 0;
  const answer = (id: string): Cart => {
    const c = carts.get(id);
    if (!c) throw new ApiError('cart_not_found', 'Cart not found', 404);
    if (c.closed) throw new ApiError('cart_closed', 'Cart is closed', 409);
    const items = [...c.lines].map(([p, q]) => ({ product_id: p, name: PRICES[p][0], unit_amount: PRICES[p][1], quantity: q, line_total: PRICES[p][1] * q }));
    return {
      id,
      store_id: 's1',
      currency: 'eur',
      items,
      subtotal: items.reduce((s, i) => s + i.line_total, 0),
      item_count: items.reduce((s, i) => s + i.quantity, 0),
      requires_shipping: false,
      free_shipping_over: null,
      discount: null,
      total: items.reduce((s, i) => s + i.line_total, 0),
    };
  };
  const tick = () => new Promise((r) => setTimeout(r, 5));
  const api: CartApi = {
    async createCart() {
      await tick();
      const id = `cart_${++created}`;
      carts.set(id, { closed: false, lines: new Map() });
      return answer(id);
    },
    getCart: async (id) => (await tick(), answer(id)),
    discount: async () => Promise.reject(new ApiError('discount_not_found', 'Discount not found', 422)),
    async addItem(id, p, q) {
      await tick();
      answer(id);
      if (!PRICES[p]) throw new ApiError('product_not_found', 'Product not found', 422);
      const lines = carts.get(id)!.lines;
      lines.set(p, (lines.get(p) ?? 0) + q);
      return answer(id);
    },
    async setQuantity(id, p, q) {
      await tick();
      answer(id);
      if (q > 5) throw new ApiError('invalid_quantity', 'At most 5', 422);
      carts.get(id)!.lines.set(p, q);
      return answer(id);
    },
    async removeItem(id, p) {
      await tick();
      answer(id);
      carts.get(id)!.lines.delete(p);
      return answer(id);
    },
    startCheckout: (id) => Promise.resolve({ token: 't', url: `https://pay.example/checkout/t?cart=${id}`, expires_at: new Date(0).toISOString() }),
  };
  return { api, carts, createdCount: () => created };
}

function memoryStorage(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe('cart state', () => {
  it('creates exactly one cart when two adds race, and remembers its id per store', async () => {
    const server = memoryCartApi();
    const storage = memoryStorage();
    const cart = createCartController(
      server.api,
      createCartIdStore('s1', () => storage),
    );
    const [a, b] = await Promise.all([cart.add('tea'), cart.add('mug', 2)]);
    assert.equal(server.createdCount(), 1);
    assert.equal(a.id, b.id);
    assert.equal(b.item_count, 3);
    assert.equal(b.subtotal, 450 + 2400);
    assert.equal(storage.data.get('checkout-best:cart:s1'), b.id);
  });

  it('keeps the cart across a reload through the remembered id', async () => {
    const server = memoryCartApi();
    const storage = memoryStorage();
    await createCartController(
      server.api,
      createCartIdStore('s1', () => storage),
    ).add('tea', 3);
    const reloaded = createCartController(
      server.api,
      createCartIdStore('s1', () => storage),
    );
    const cart = await reloaded.load();
    assert.equal(cart?.item_count, 3);
    assert.equal(reloaded.getState().status, 'ready');
  });

  it('quietly starts a new cart when the remembered one was closed by a checkout', async () => {
    const server = memoryCartApi();
    const storage = memoryStorage();
    const first = await createCartController(
      server.api,
      createCartIdStore('s1', () => storage),
    ).add('tea');
    server.carts.get(first.id)!.closed = true;
    const reloaded = createCartController(
      server.api,
      createCartIdStore('s1', () => storage),
    );
    assert.equal(await reloaded.load(), null);
    assert.equal(reloaded.getState().error, null);
    const next = await reloaded.add('mug');
    assert.notEqual(next.id, first.id);
    assert.deepEqual(
      next.items.map((i) => i.product_id),
      ['mug'],
    );
  });

  it('replaces a cart that expired between page load and the next add', async () => {
    const server = memoryCartApi();
    const cart = createCartController(
      server.api,
      createCartIdStore('s1', () => null),
    );
    const first = await cart.add('tea');
    server.carts.delete(first.id);
    const next = await cart.add('mug');
    assert.notEqual(next.id, first.id);
    assert.equal(next.item_count, 1);
  });

  it('shows a quantity change at once and then takes the totals from the server', async () => {
    const server = memoryCartApi();
    const cart = createCartController(
      server.api,
      createCartIdStore('s1', () => null),
    );
    await cart.add('tea');
    const seen: number[] = [];
    cart.subscribe((s) => s.cart && seen.push(s.cart.item_count));
    const done = cart.setQuantity('tea', 4);
    await new Promise((r) => setTimeout(r, 1));
    assert.equal(cart.getState().cart?.item_count, 4, 'optimistic before the server answered');
    assert.equal(cart.getState().pending, 1);
    const answer = await done;
    assert.equal(answer?.subtotal, 1800);
    assert.equal(cart.getState().pending, 0);
  });

  it('puts the line back and keeps the error when the server refuses a change', async () => {
    const server = memoryCartApi();
    const cart = createCartController(
      server.api,
      createCartIdStore('s1', () => null),
    );
    await cart.add('tea', 2);
    await assert.rejects(cart.setQuantity('tea', 9), (e: ApiError) => e.code === 'invalid_quantity');
    assert.equal(cart.getState().cart?.items[0]?.quantity, 2);
    assert.equal(cart.getState().error?.message, 'At most 5');
  });

  it('removes a line with quantity 0 and with remove()', async () => {
    const server = memoryCartApi();
    const cart = createCartController(
      server.api,
      createCartIdStore('s1', () => null),
    );
    await cart.add('tea');
    await cart.add('mug');
    assert.deepEqual(
      (await cart.setQuantity('tea', 0))?.items.map((i) => i.product_id),
      ['mug'],
    );
    assert.equal((await cart.remove('mug'))?.item_count, 0);
  });

  it('refuses to check out an empty cart without calling the server', async () => {
    const cart = createCartController(
      memoryCartApi().api,
      createCartIdStore('s1', () => null),
    );
    await assert.rejects(cart.startCheckout(), (e: ApiError) => e.code === 'cart_empty');
  });

  it('forgets the cart after a completed checkout so the next add starts a new one', async () => {
    const server = memoryCartApi();
    const storage = memoryStorage();
    const cart = createCartController(
      server.api,
      createCartIdStore('s1', () => storage),
    );
    const first = await cart.add('tea');
    cart.reset();
    assert.equal(cart.getState().cart, null);
    assert.equal(storage.data.size, 0);
    assert.notEqual((await cart.add('tea')).id, first.id);
  });

  it('recomputes line and cart totals from the unit prices when a quantity changes', () => {
    const c: Cart = {
      id: 'c',
      store_id: 's',
      currency: 'eur',
      subtotal: 0,
      item_count: 0,
      requires_shipping: false,
      free_shipping_over: null,
      discount: null,
      total: 0,
      items: [
        { product_id: 'a', name: 'A', unit_amount: 250, quantity: 1, line_total: 250 },
        { product_id: 'b', name: 'B', unit_amount: 100, quantity: 1, line_total: 100 },
      ],
    };
    const next = withQuantity(c, 'a', 3);
    assert.deepEqual([next.subtotal, next.item_count, next.items[0].line_total, next.total], [850, 4, 750, 850]);
    assert.deepEqual(
      withQuantity(c, 'b', 0).items.map((i) => i.product_id),
      ['a'],
    );
  });

  it('waits for the server instead of guessing the total of a cart with a discount code', async () => {
    const line = { product_id: 'a', name: 'A', unit_amount: 1000, quantity: 1, line_total: 1000 };
    const discounted: Cart = {
      id: 'c',
      store_id: 's',
      currency: 'eur',
      subtotal: 1000,
      item_count: 1,
      requires_shipping: false,
      free_shipping_over: null,
      discount: { code: 'WELCOME10', amount: 100, free_shipping: false, capped: false },
      total: 900,
      items: [line],
    };
    let answer: (c: Cart) => void = () => undefined;
    const api = {
      getCart: () => Promise.resolve(discounted),
      setQuantity: () => new Promise<Cart>((r) => (answer = r)),
    } as unknown as CartApi;
    const cart = createCartController(api, { get: () => 'c', set: () => undefined, clear: () => undefined });
    await cart.load();
    const changing = cart.setQuantity('a', 2);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(cart.getState().cart, discounted, 'no local re-total while the server reprices');
    answer({
      ...discounted,
      subtotal: 2000,
      item_count: 2,
      discount: { ...discounted.discount!, amount: 200 },
      total: 1800,
      items: [{ ...line, quantity: 2, line_total: 2000 }],
    });
    assert.equal((await changing)?.total, 1800);
    assert.equal(cart.getState().cart?.total, 1800);
  });
});

describe('cart id storage', () => {
  it('falls back to memory when localStorage throws (blocked storage, private mode)', () => {
    const blocked: KeyValue = {
      getItem() {
        throw new Error('SecurityError');
      },
      setItem() {
        throw new Error('QuotaExceededError');
      },
      removeItem() {
        throw new Error('SecurityError');
      },
    };
    const ids = createCartIdStore('s1', () => blocked);
    ids.set('cart_1');
    assert.equal(ids.get(), 'cart_1');
    ids.clear();
    assert.equal(ids.get(), null);
  });

  it('keeps separate carts for separate stores', () => {
    const storage = memoryStorage();
    createCartIdStore('s1', () => storage).set('a');
    createCartIdStore('s2', () => storage).set('b');
    assert.equal(createCartIdStore('s1', () => storage).get(), 'a');
  });
});
