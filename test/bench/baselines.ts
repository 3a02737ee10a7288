// A bench child: a bare Koa process the app is compared with, one per process, chosen by BENCH_MODE:
// - hello: answers a fixed small JSON to everything (what Node + Koa cost at all);
// - same-shape: answers what the app answers, with no checks and no database: GET the cart object
//   (BENCH_CART, the app's own answer), PATCH parses its JSON body and answers the cart, POST …/payment-intent
//   makes the same Stripe call with one shared client (BENCH_STRIPE_URL, BENCH_STRIPE_KEY);
// - floor (PostgreSQL): GET runs the one statement the app's cart read runs (storage/shared/cart-reads.ts,
//   compiled by the same code) on a pg Pool made as the app makes it, of the same size, then answers the cart.
// Prints one JSON line with its URL when it listens.
import Koa from 'koa';
import { Kysely, PostgresDialect } from 'kysely';
import getRawBody from 'raw-body';
import Stripe from 'stripe';
import type { AddressInfo } from 'node:net';
import { postgres } from '../../server/src/storage/db/dialect';
import type { Database } from '../../server/src/storage/db/schema';
import { createPool, type PgPool } from '../../server/src/storage/postgres/db';
import { cartReads } from '../../server/src/storage/shared/cart-reads';

const mode = process.env.BENCH_MODE;
const cart = JSON.parse(process.env.BENCH_CART ?? '{}') as Record<string, unknown>;
const app = new Koa();

if (mode === 'hello') {
  app.use((ctx) => {
    ctx.body = { hello: 'world' };
  });
} else if (mode === 'same-shape') {
  const stripe = new Stripe(process.env.BENCH_STRIPE_KEY ?? '', {
    host: '127.0.0.1',
    port: Number(new URL(process.env.BENCH_STRIPE_URL ?? '').port),
    protocol: 'http',
    maxNetworkRetries: 2,
    telemetry: false,
  });
  let n = 0;
  app.use(async (ctx) => {
    if (ctx.method === 'GET') {
      ctx.body = cart;
    } else if (ctx.method === 'PATCH') {
      const body = JSON.parse(await getRawBody(ctx.req, { encoding: 'utf8', limit: 32 * 1024 })) as { quantity: number };
      ctx.body = { ...cart, item_count: body.quantity };
    } else {
      // The least a server can do to make an intent: one shared client, no database, no checks.
      const pi = await stripe.paymentIntents.create(
        { amount: 2500, currency: 'eur', automatic_payment_methods: { enabled: true } },
        { idempotencyKey: `bare-${process.pid}-${n++}` },
      );
      ctx.body = { payment_intent_id: pi.id, client_secret: pi.client_secret };
    }
  });
} else if (mode === 'floor') {
  const pool = createPool(process.env.BENCH_DATABASE_URL ?? '', Number(process.env.BENCH_POOL_SIZE ?? 10));
  const sql = await cartReadSql(pool, String(cart.id));
  app.use(async (ctx) => {
    // GET /api/carts/:id, the cart of the path (the bench spreads its requests over several carts).
    const { rows } = await pool.query(sql, [ctx.path.split('/')[3]]);
    if (rows.length === 0) throw new Error('the cart read found no cart');
    ctx.body = cart;
  });
} else {
  throw new Error(`BENCH_MODE must be hello, same-shape or floor, not ${String(mode)}`);
}

/** The SQL text of the app's whole-cart read, as its own code compiles it for PostgreSQL (caught from one run). */
async function cartReadSql(pool: PgPool, cartId: string): Promise<string> {
  let text = '';
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => void (text = e.query.sql) });
  await cartReads(db, postgres).whole(db, cartId);
  if (!text) throw new Error('the cart read ran no statement');
  return text;
}

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
