import Router from '@koa/router';
import type { AppDeps } from '../../deps';
import { readJson } from '../../http/body';
import { freeShippingOver, parseShippingSettings } from '../../payments/shipping';
import type { Store } from '../../storage/port';
import { loadStore } from '../stores-view';

/** The answer of every shipping route: the store's settings, or null when it ships nothing. */
function shippingJson(store: Store) {
  return { store_id: store.id, shipping: store.shipping };
}

/**
 * A store's shipping settings (`/api/internal/stores/:id/shipping`): PUT replaces them whole (422
 * `invalid_shipping_settings` naming the field, nothing stored), GET reads them, DELETE makes the store ship
 * nothing (its checkouts then ask for no address).
 */
export function shippingRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });
  const stores = deps.storage.stores;

  router.get('/stores/:id/shipping', async (ctx) => {
    ctx.body = shippingJson(await loadStore(deps, ctx.params.id));
  });

  router.put('/stores/:id/shipping', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    const settings = parseShippingSettings(await readJson(ctx));
    const saved = await stores.setShipping(store.id, settings, freeShippingOver(settings));
    ctx.body = shippingJson(saved ?? store);
  });

  router.delete('/stores/:id/shipping', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    ctx.body = shippingJson((await stores.setShipping(store.id, null, null)) ?? store);
  });
  return router;
}
