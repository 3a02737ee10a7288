import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import getRawBody from 'raw-body';
import { CheckoutBest, CheckoutBestError, signConnectLink } from './checkout-best';
import { dashboardPage, errorPage, storePage } from './pages';
import { slugify, StoreBook, toMinorUnits, type PlatformStore } from './store-book';
import { verifyWebhook } from './webhooks';

/** What the platform needs to know about checkout-best. */
export interface PlatformOptions {
  checkoutBestUrl: string;
  /** checkout-best's INTERNAL_SECRET, from `CHECKOUT_BEST_SECRET`; never shown or logged. */
  secret: string;
  book?: StoreBook;
  /**
   * The signing secret of our webhook endpoint at checkout-best (`CHECKOUT_BEST_WEBHOOK_SECRET`, `whsec_…`).
   * With it, store pages show the orders pushed to `POST /checkout-best/events` instead of polling.
   */
  webhooks?: { secret: string };
}

type Order = Awaited<ReturnType<CheckoutBest['orders']>>[number];

/** Builds the BMOS dashboard as a Koa app: stores, catalog sync, "Connect Payments", status. */
export function createPlatformApp(opts: PlatformOptions): Koa {
  const client = new CheckoutBest(opts.checkoutBestUrl, opts.secret);
  const book = opts.book ?? new StoreBook();
  const router = new Router();
  /** Orders pushed by checkout-best, newest first, by store; and the event ids seen (deliveries may repeat). */
  const pushed = new Map<string, Order[]>();
  const seen = new Set<string>();
  const findStore = (id: string): PlatformStore => {
    const store = book.get(id);
    if (!store) throw new CheckoutBestError(404, 'store_not_found', 'No such store on this platform');
    return store;
  };

  router.get('/', (ctx) => {
    ctx.body = dashboardPage(book.all());
  });

  router.post('/stores', async (ctx) => {
    const form = await readForm(ctx);
    const name = (form.get('name') ?? '').trim();
    if (!name) throw new CheckoutBestError(400, 'invalid_request', 'A store needs a name');
    const currency = (form.get('currency') ?? 'usd').trim().toLowerCase() || 'usd';
    const origins = (form.get('allowed_origins') ?? '').split(/\s+/).filter(Boolean);
    const id = randomUUID();
    // Our id is also checkout-best's id, so neither side needs a mapping table.
    const created = await client.createStore({ id, name, allowed_origins: origins, default_currency: currency });
    book.save({ id, name, checkout_best_store_id: created.id, currency, allowed_origins: origins, products: [] });
    ctx.status = 303;
    ctx.redirect(`/stores/${id}`);
  });

  router.get('/stores/:id', async (ctx) => {
    const store = findStore(ctx.params.id);
    const status = await client.stripeStatus(store.checkout_best_store_id);
    // Orders are a nice-to-have here; their failure must not hide the payments status.
    const orders = opts.webhooks ? (pushed.get(store.checkout_best_store_id) ?? []) : await client.orders(store.checkout_best_store_id).catch(() => []);
    ctx.body = storePage(store, status, orders, opts.checkoutBestUrl);
  });

  router.post('/stores/:id/products', async (ctx) => {
    const store = findStore(ctx.params.id);
    const form = await readForm(ctx);
    const name = (form.get('name') ?? '').trim();
    const amount = toMinorUnits(form.get('price') ?? '');
    if (!name || amount === null) {
      throw new CheckoutBestError(400, 'invalid_request', 'A product needs a name and a price above zero, like 12.50');
    }
    const id = (form.get('id') ?? '').trim() || slugify(name);
    store.products = [...store.products.filter((p) => p.id !== id), { id, name, unit_amount: amount, currency: store.currency }];
    book.save(store);
    ctx.status = 303;
    ctx.redirect(`/stores/${store.id}`);
  });

  router.post('/stores/:id/sync-catalog', async (ctx) => {
    const store = findStore(ctx.params.id);
    await client.syncCatalog(
      store.checkout_best_store_id,
      store.products.map((p) => ({ ...p, active: true })),
    );
    ctx.status = 303;
    ctx.redirect(`/stores/${store.id}`);
  });

  // "Connect Payments": always a fresh signed link, never a bare store id the merchant could share.
  router.get('/stores/:id/connect-payments', async (ctx) => {
    const store = findStore(ctx.params.id);
    const back = `${ctx.protocol}://${ctx.host}/stores/${store.id}?connected=1`;
    const cbId = store.checkout_best_store_id;
    const url =
      ctx.query.signer === 'local'
        ? signConnectLink({ baseUrl: opts.checkoutBestUrl, secret: opts.secret, storeId: cbId, returnUrl: back })
        : (await client.connectLink(cbId, back)).url;
    ctx.status = 303;
    ctx.redirect(url);
  });

  router.get('/api/stores/:id/payments-status', async (ctx) => {
    ctx.body = await client.stripeStatus(findStore(ctx.params.id).checkout_best_store_id);
  });

  // checkout-best's events: verified on the raw body before anything is parsed, answered at once.
  router.post('/checkout-best/events', async (ctx) => {
    const body = await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
    if (!opts.webhooks || !verifyWebhook(opts.webhooks.secret, ctx.headers, body)) {
      ctx.status = 400;
      ctx.body = { error: { code: 'bad_signature', message: 'Signature missing, wrong or too old' } };
      return;
    }
    const event = JSON.parse(body) as { id: string; type: string; store_id: string; data: unknown };
    if (!seen.has(event.id) && event.type === 'order.paid') {
      pushed.set(event.store_id, [event.data as Order, ...(pushed.get(event.store_id) ?? [])]);
    }
    seen.add(event.id);
    ctx.status = 204;
  });

  const app = new Koa();
  app.use(platformErrors());
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

/** Shows checkout-best's error (its messages are safe to show) as a page, or JSON when asked for. */
function platformErrors(): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof CheckoutBestError)) throw err;
      ctx.status = err.status < 500 && err.code !== 'unauthorized' ? err.status : 502;
      ctx.body = ctx.accepts('html', 'json') === 'json' ? { error: { code: err.code, message: err.message } } : errorPage(err.message, err.code);
    }
  };
}

async function readForm(ctx: Koa.Context): Promise<URLSearchParams> {
  return new URLSearchParams(await getRawBody(ctx.req, { limit: '32kb', encoding: 'utf8' }));
}
