/**
 * Stock rules: what a merchant may do to a product's stock, and what a shopper may put in a cart. The race that
 * matters (the last unit, two shoppers, two instances) is decided in storage when a checkout session reserves
 * (storage/shared/stock.ts); the cart check here is advice, refused early with what is left.
 */
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import type { LineProduct, Product } from '../storage/port';

/** The largest stock a product may have, and the largest single adjustment (a typo guard, far above any shelf). */
export const MAX_STOCK = 1_000_000_000;

/** Moves a product's stock by `delta`; 404 unknown product, 409 below zero (with what is left) or unlimited. */
export async function adjustStock(deps: Pick<AppDeps, 'storage'>, storeId: string, productId: string, delta: number): Promise<Product> {
  const r = await deps.storage.catalog.adjustStock(storeId, productId, delta);
  if (r.status === 'not_found') throw errors.productNotFound(productId);
  if (r.status === 'unlimited') throw errors.stockUnlimited(productId);
  if (r.status === 'insufficient') throw errors.stockInsufficient(productId, r.product.stock ?? 0);
  return r.product;
}

/**
 * Refuses to raise a line above what is available (409 `out_of_stock` with `available`); lowering a line, or a
 * product without stock, always passes. `available` already leaves out this cart's own reservation.
 */
export function checkAvailable(quantity: number, current: number, product: Pick<LineProduct, 'id' | 'available'>): void {
  const available = product.available;
  if (available === null || available === undefined || quantity <= current || quantity <= available) return;
  throw errors.outOfStock(product.id, Math.max(0, available));
}
