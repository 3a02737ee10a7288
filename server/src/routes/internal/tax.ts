import Router from '@koa/router';
import type { AppDeps } from '../../deps';
import { readJson } from '../../http/body';
import { parseTaxSettings } from '../../payments/tax';
import { requireStripeTaxActive } from '../../payments/stripe-tax';
import { loadStore } from '../stores-view';

/**
 * A store's tax settings (`/api/internal/stores/:id/tax`): PUT replaces them whole (422 `invalid_tax_settings`
 * naming the field; 409 `tax_not_configured` for `stripe_tax` on an account without active Stripe Tax; nothing
 * stored), GET reads them, DELETE removes them (prices then include every tax).
 */
export function taxRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });
  const tax = deps.storage.tax;

  router.get('/stores/:id/tax', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    ctx.body = { store_id: store.id, tax: await tax.get(store.id) };
  });

  router.put('/stores/:id/tax', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    const settings = parseTaxSettings(await readJson(ctx));
    // Stripe Tax on the merchant's account must be able to calculate before any checkout relies on it.
    if (settings.mode === 'stripe_tax') await requireStripeTaxActive(deps, store.id);
    await tax.set(store.id, settings);
    ctx.body = { store_id: store.id, tax: settings };
  });

  router.delete('/stores/:id/tax', async (ctx) => {
    const store = await loadStore(deps, ctx.params.id);
    await tax.clear(store.id);
    ctx.body = { store_id: store.id, tax: null };
  });
  return router;
}
