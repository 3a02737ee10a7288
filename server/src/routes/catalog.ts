import Router from '@koa/router';
import type { AppDeps } from '../deps';
import { paramOf } from '../http/params';
import type { Product } from '../storage/port';
import { storeCors } from './carts';
import { loadStore } from './stores-view';

/** A product as the public widget sees it. */
function publicProduct(p: Product) {
  const { active: _active, stock: _stock, reserved: _reserved, tax_category: _taxCategory, ...rest } = p;
  return rest;
}

/** The public list of a store's active products, for the widget (CORS per store). */
export function catalogRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });
  const byStore = storeCors(deps, (ctx) => paramOf(ctx, 'store_id').toLowerCase() || null);
  router.options('/api/stores/:store_id/products', byStore);
  router.get('/api/stores/:store_id/products', byStore, async (ctx) => {
    const store = await loadStore(deps, ctx.params.store_id);
    ctx.body = { data: (await deps.storage.catalog.listProducts(store.id, { activeOnly: true })).map(publicProduct) };
  });
  return router;
}
