import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { Product, ProductInput } from '../storage/port';

/** Inserts or updates a store's products; 422 `currency_mismatch` if they would mix currencies. */
export async function upsertCatalog(deps: Pick<AppDeps, 'storage'>, storeId: string, products: ProductInput[]): Promise<Product[]> {
  const result = await deps.storage.catalog.upsertProducts(storeId, products);
  // One currency per store: a cart and its PaymentIntent have exactly one.
  if (!result.ok) throw errors.catalogCurrencyMismatch(result.currencies);
  return result.products;
}
