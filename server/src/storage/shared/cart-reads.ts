import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/dialect';
import { precompile } from '../db/precompile';
import type { Database } from '../db/schema';

/**
 * The whole-cart read, one statement: the cart, whether its store ships and its lowest free-over, and every
 * line with its product as the catalog has it now (only what pricing needs); a write's read adds the product
 * being written (`t_…`) to every row. Lines come back unordered: the caller sorts the handful there is by
 * (added_at, line_seq), cheaper than the engine's ORDER BY.
 */
export function cartReads(db: Kysely<Database>, dialect: Dialect) {
  const lineSeq = sql.ref<number | null>(`ci.${dialect.lineSeq}`);
  const whole = (q: Kysely<Database>) =>
    q
      .selectFrom('carts as c')
      .leftJoin('stores as s', 's.id', 'c.store_id')
      .leftJoin('cart_items as ci', 'ci.cart_id', 'c.id')
      .leftJoin('products as p', (j) => j.onRef('p.store_id', '=', 'c.store_id').onRef('p.id', '=', 'ci.product_id'))
      .select((eb) => [
        'c.store_id', 'c.currency', 'c.status', 'c.version', 'c.created_at', 'c.updated_at', 'c.expires_at',
        eb('s.shipping_json', 'is not', null).as('store_ships'), 's.free_shipping_over',
        'ci.product_id', 'ci.quantity', 'ci.added_at', lineSeq.as('line_seq'),
        'p.name as p_name', 'p.unit_amount as p_unit_amount', 'p.currency as p_currency', 'p.active as p_active',
        'p.max_quantity as p_max_quantity', 'p.weight_grams as p_weight_grams', 'p.shippable as p_shippable',
      ]);
  // Precompiled (db/precompile.ts): these run once per cart request, and the builder would cost as much as the query.
  const wholeQuery = precompile<{ cartId: string }, CartRowOf<typeof whole>>(db, (p) => whole(db).where('c.id', '=', p('cartId')));
  const withProductQuery = precompile(db, (p: (name: 'cartId' | 'productId') => never) =>
    whole(db)
      .leftJoin('products as t', (j) => j.onRef('t.store_id', '=', 'c.store_id').on('t.id', '=', p('productId')))
      .select([
        't.name as t_name', 't.unit_amount as t_unit_amount', 't.currency as t_currency', 't.active as t_active',
        't.max_quantity as t_max_quantity', 't.weight_grams as t_weight_grams', 't.shippable as t_shippable',
      ])
      .where('c.id', '=', p('cartId')),
  );
  return {
    whole: async (q: Kysely<Database>, cartId: string) => (await wholeQuery({ cartId }, q)).rows,
    withProduct: async (cartId: string, productId: string) => (await withProductQuery({ cartId, productId })).rows,
  };
}

/** The row type of a select built by `build`. */
type CartRowOf<B extends (q: Kysely<Database>) => { execute(): Promise<unknown[]> }> = Awaited<ReturnType<ReturnType<B>['execute']>>[number];

/** One row of the whole-cart read. */
export type CartRow = Awaited<ReturnType<ReturnType<typeof cartReads>['whole']>>[number];
/** One row of a write's read: a whole-cart row and the product being written. */
export type WriteRow = Awaited<ReturnType<ReturnType<typeof cartReads>['withProduct']>>[number];
