import type { Clock } from '../clock';
import type { Storage } from '../storage';
import { createCartsRepository } from './carts';
import { createCatalogRepository } from './catalog';
import { createCheckoutsRepository } from './checkouts';
import { createOrdersRepository } from './orders';
import type { SqliteDatabase } from './index';

/** The payment flow's repositories over one SQLite connection. */
export function paymentRepositories(
  db: SqliteDatabase,
  clock: Clock,
): Pick<Storage, 'catalog' | 'carts' | 'checkouts' | 'orders'> {
  const carts = createCartsRepository(db, clock);
  return {
    catalog: createCatalogRepository(db, clock),
    carts,
    checkouts: createCheckoutsRepository(db, clock, (cartId) => carts.find(cartId)),
    orders: createOrdersRepository(db, clock),
  };
}
