import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { AppError } from '../errors';
import { readRawBody, validate } from '../http/body';
import { MAX_AMOUNT } from '../checkout/money';
import { requireInternalSecret } from '../security/internal-auth';
import type { Product } from '../storage';
import { storeCors } from './carts';
import { loadStore } from './stores-view';

/** Catalog uploads may be larger than ordinary bodies. */
const CATALOG_BODY_LIMIT = 512 * 1024;

const productSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be 1-100 letters, digits or _ . : -'),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullish(),
  unit_amount: z.number().int('must be an integer amount in minor units').min(0).max(MAX_AMOUNT),
  currency: z.string().regex(/^[a-z]{3}$/, 'must be a lower-case ISO currency code such as usd'),
  image_url: z.url({ protocol: /^https?$/ }).max(2000).nullish(),
  active: z.boolean().optional(),
  max_quantity: z.number().int().min(1).max(999).nullish(),
});
const catalogSchema = z.object({ products: z.array(productSchema).max(1000) });

/** A product as the public widget sees it. */
function publicProduct(p: Product) {
  const { active: _active, ...rest } = p;
  return rest;
}

/** The catalog: internal upsert/list for the platform, public list of active products for the widget. */
export function productRoutes(deps: AppDeps, router = new Router({ sensitive: true })): Router {
  const internal = requireInternalSecret(deps.config.internalSecrets);
  // The same parser as the store routes: any case of a UUID works, junk is 400, unknown is 404.
  const requireStore = (id: string | undefined) => loadStore(deps, id);

  router.put('/api/internal/stores/:id/products', internal, async (ctx) => {
    const store = requireStore(ctx.params.id!);
    let data: unknown;
    try {
      data = JSON.parse(await readRawBody(ctx, CATALOG_BODY_LIMIT));
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('invalid_json', 400, 'Request body is not valid JSON');
    }
    const { products } = validate(catalogSchema, data);
    const ids = new Set(products.map((p) => p.id));
    if (ids.size !== products.length) throw new AppError('invalid_request', 400, 'products: ids must be unique');
    ctx.body = { data: deps.storage.catalog.upsertProducts(store.id, products) };
  });

  router.get('/api/internal/stores/:id/products', internal, (ctx) => {
    ctx.body = { data: deps.storage.catalog.listProducts(requireStore(ctx.params.id!).id) };
  });

  const byStore = storeCors(deps, (ctx) => ctx.params.store_id?.toLowerCase() ?? null);
  router.options('/api/stores/:store_id/products', byStore);
  router.get('/api/stores/:store_id/products', byStore, (ctx) => {
    const store = requireStore(ctx.params.store_id!);
    ctx.body = { data: deps.storage.catalog.listProducts(store.id, { activeOnly: true }).map(publicProduct) };
  });
  return router;
}
