import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { AppError, errors } from '../../errors';
import { readBody, readRawBody, validate } from '../../http/body';
import { upsertCatalog } from '../../payments/catalog';
import { MAX_AMOUNT } from '../../payments/money';
import { adjustStock, MAX_STOCK } from '../../payments/stock';
import { taxCategorySchema } from '../../payments/tax';
import { loadStore } from '../stores-view';

/** Catalog uploads may be larger than ordinary bodies. */
const CATALOG_BODY_LIMIT = 512 * 1024;

const productSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be 1-100 letters, digits or _ . : -'),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullish(),
  unit_amount: z.number().int('must be an integer amount in minor units').min(0).max(MAX_AMOUNT),
  currency: z.string().regex(/^[a-z]{3}$/, 'must be a lower-case ISO currency code such as usd'),
  image_url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullish(),
  active: z.boolean().optional(),
  max_quantity: z.number().int().min(1).max(999).nullish(),
  weight_grams: z.number().int('must be a whole number of grams').min(0).max(10_000_000).nullish(),
  shippable: z.boolean().optional(),
  stock: z.number().int('must be a whole number of units').min(0).max(MAX_STOCK).nullish(),
  /** Left out: kept; null: none. */
  tax_category: taxCategorySchema.nullish(),
});
export const catalogSchema = z.object({ products: z.array(productSchema).max(1000) });
export const stockAdjustSchema = z.strictObject({
  adjust: z
    .number()
    .int('must be a whole number of units')
    .min(-MAX_STOCK)
    .max(MAX_STOCK)
    .refine((n) => n !== 0, 'must not be 0'),
});

/** The platform's catalog upsert and list (`/api/internal/stores/:id/products`). */
export function productsRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });

  router.put('/stores/:id/products', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    let data: unknown;
    try {
      data = JSON.parse(await readRawBody(ctx, CATALOG_BODY_LIMIT));
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw errors.invalidJson();
    }
    const { products } = validate(catalogSchema, data);
    const ids = new Set(products.map((p) => p.id));
    if (ids.size !== products.length) throw errors.invalidRequest('products: ids must be unique');
    ctx.body = { data: await upsertCatalog(deps, store.id, products) };
  });

  router.post('/stores/:id/products/:product_id/stock', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    const { adjust } = await readBody(ctx, stockAdjustSchema);
    ctx.body = await adjustStock(deps, store.id, ctx.params.product_id, adjust);
  });

  router.get('/stores/:id/products', async (ctx) => {
    ctx.body = { data: await deps.storage.catalog.listProducts((await loadStore(deps, ctx.params.id)).id) };
  });
  return router;
}
