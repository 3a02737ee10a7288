import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/dialect';
import { precompileRows, type Columns } from '../db/precompile';
import type { Database } from '../db/schema';
import { heldExpr } from './stock';

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
      // The applied discount code's terms and counter (all null without one), so the cart is priced from this one read.
      .leftJoin('discounts as d', 'd.id', 'c.discount_id')
      .select((eb) => [
        'c.store_id',
        'c.currency',
        'c.status',
        'c.version',
        'c.created_at',
        'c.updated_at',
        'c.expires_at',
        eb('s.shipping_json', 'is not', null).as('store_ships'),
        's.free_shipping_over',
        's.allowed_origins',
        'ci.product_id',
        'ci.quantity',
        'ci.added_at',
        lineSeq.as('line_seq'),
        'p.name as p_name',
        'p.unit_amount as p_unit_amount',
        'p.currency as p_currency',
        'p.active as p_active',
        'p.max_quantity as p_max_quantity',
        'p.weight_grams as p_weight_grams',
        'p.shippable as p_shippable',
        'd.id as d_id',
        'd.code as d_code',
        'd.percent_off as d_percent_off',
        'd.amount_off as d_amount_off',
        'd.currency as d_currency',
        'd.min_subtotal as d_min_subtotal',
        'd.product_ids as d_product_ids',
        'd.starts_at as d_starts_at',
        'd.ends_at as d_ends_at',
        'd.max_redemptions as d_max_redemptions',
        'd.times_redeemed as d_times_redeemed',
        'd.once_per_email as d_once_per_email',
        'd.free_shipping as d_free_shipping',
        'd.active as d_active',
      ]);
  // Precompiled (db/precompile.ts): these run once per cart request, and the builder would cost as much as the
  // query; rows as arrays, read through `columns`.
  const wholeQuery = precompileRows<{ cartId: string }, CartRowOf<typeof whole>>(db, (p) => whole(db).where('c.id', '=', p('cartId')));
  const withProductQuery = precompileRows(db, (p: (name: 'cartId' | 'productId' | 'now') => never) =>
    whole(db)
      .leftJoin('products as t', (j) => j.onRef('t.store_id', '=', 'c.store_id').on('t.id', '=', p('productId')))
      .select([
        't.name as t_name',
        't.unit_amount as t_unit_amount',
        't.currency as t_currency',
        't.active as t_active',
        't.max_quantity as t_max_quantity',
        't.weight_grams as t_weight_grams',
        't.shippable as t_shippable',
        't.stock as t_stock',
        heldExpr(sql.ref('t.store_id'), sql.ref('t.id'), p('now'), { cart: sql.ref('c.id') }).as('t_held'),
      ])
      .where('c.id', '=', p('cartId')),
  );
  return {
    /** The columns of `whole`'s rows; `withProduct`'s rows have these and the target's after them. */
    columns: wholeQuery.columns,
    withProductColumns: withProductQuery.columns,
    whole: (q: Kysely<Database>, cartId: string) => wholeQuery.run({ cartId }, q),
    withProduct: (cartId: string, productId: string, now: number) => withProductQuery.run({ cartId, productId, now }),
  };
}

/** A row of a cart read: its values in select order. */
export type RawRow = unknown[];

/** The row type of a select built by `build`. */
type CartRowOf<B extends (q: Kysely<Database>) => { execute(): Promise<unknown[]> }> = Awaited<ReturnType<ReturnType<B>['execute']>>[number];

type Reads = ReturnType<typeof cartReads>;
/** One row of the whole-cart read, as an object (the names and types of `columns`). */
export type CartRow = Reads['columns'] extends Columns<infer R> ? R : never;
/** One row of a write's read: a whole-cart row and the product being written. */
export type WriteRow = Reads['withProductColumns'] extends Columns<infer R> ? R : never;
