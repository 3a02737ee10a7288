// The bench's data, made over HTTP as a platform and its shoppers make it: a store through the internal API
// (X-Internal-Secret), connected through the connect form with the emulator's test keys, a catalog upsert,
// carts with items, and checkout sessions for the payment-intent runs.

/** A shopper's origin: the store allows it, and the bench sends it as the widget's requests carry it. */
export const SHOP_ORIGIN = 'https://shop.bench.example';

/** What the runs need. */
export interface Fixtures {
  storeId: string;
  /** Carts with two lines each; GET and PATCH go round them (one per connection at most in flight at once). */
  cartIds: string[];
  /** One cart as the app answers it: what the same-shape process answers. */
  cart: Record<string, unknown>;
  /** Checkout sessions of carts of their own (a cart keeps one live intent: shared, each would cancel the last). */
  tokens: string[];
}

async function call<T = Record<string, unknown>>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: SHOP_ORIGIN, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Runs `work(i)` for i < n, `width` at a time. */
async function inParallel(n: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

/** Makes a connected store with a catalog, `carts` carts and `sessions` checkout sessions at `base`. */
export async function makeFixtures(
  base: string,
  internalSecret: string,
  keys: { publishable: string; secret: string },
  carts: number,
  sessions: number,
): Promise<Fixtures> {
  const internal = { 'x-internal-secret': internalSecret };
  const store = await call<{ id: string }>(base, 'POST', '/api/internal/stores', { name: 'Bench Shop', allowed_origins: [SHOP_ORIGIN] }, internal);
  const link = await call<{ url: string }>(base, 'POST', `/api/internal/stores/${store.id}/connect-link`, {}, internal);
  // The link points at PUBLIC_URL; the form is the same at the address the bench reaches.
  const form = new URL(link.url);
  const page = await fetch(`${base}${form.pathname}${form.search}`);
  if (page.status !== 200) throw new Error(`the connect form answered ${page.status}`);
  await page.text();
  const fields = new URLSearchParams(form.searchParams);
  fields.set('publishable_key', keys.publishable);
  fields.set('secret_key', keys.secret);
  const connected = await fetch(`${base}/stripe/connect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields,
    redirect: 'manual',
  });
  if (connected.status !== 303) throw new Error(`connecting the store answered ${connected.status}: ${await connected.text()}`);
  await call(
    base,
    'PUT',
    `/api/internal/stores/${store.id}/products`,
    {
      products: [
        { id: 'tee', name: 'T-shirt', unit_amount: 2500, currency: 'eur' },
        { id: 'mug', name: 'Mug', unit_amount: 1200, currency: 'eur' },
      ],
    },
    internal,
  );
  const newCart = async (lines: [string, number][]) => {
    const cart = await call<{ id: string }>(base, 'POST', `/api/stores/${store.id}/carts`, {});
    for (const [product_id, quantity] of lines) await call(base, 'POST', `/api/carts/${cart.id}/items`, { product_id, quantity });
    return cart.id;
  };
  const cartIds: string[] = [];
  await inParallel(
    carts,
    8,
    async () =>
      void cartIds.push(
        await newCart([
          ['tee', 1],
          ['mug', 2],
        ]),
      ),
  );
  const tokens: string[] = [];
  await inParallel(sessions, 8, async () => {
    const id = await newCart([['tee', 1]]);
    tokens.push((await call<{ token: string }>(base, 'POST', `/api/carts/${id}/checkout`, {})).token);
  });
  const cart = await call(base, 'GET', `/api/carts/${cartIds[0]}`);
  return { storeId: store.id, cartIds, cart, tokens };
}
