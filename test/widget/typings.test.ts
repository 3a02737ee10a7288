// dist/widget.d.ts (built by npm run build from widget/src/typings.ts) is what a storefront developer's editor
// and compiler see: a small single-page app compiles against it, and misuses of the API do not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const TYPINGS = resolve('dist/widget.d.ts');
const TSC = resolve('node_modules/typescript/bin/tsc');

/** Compiles `source` (strict) against the typings; answers tsc's output and exit code. */
function compile(source: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cb-typings-'));
  try {
    writeFileSync(join(dir, 'app.ts'), source.replaceAll('TYPINGS', TYPINGS.replace(/\.d\.ts$/, '')));
    const run = spawnSync(
      process.execPath,
      [
        TSC,
        '--noEmit',
        '--strict',
        '--target',
        'es2022',
        '--module',
        'esnext',
        '--moduleResolution',
        'bundler',
        '--lib',
        'es2023,dom',
        '--skipLibCheck',
        'false',
        join(dir, 'app.ts'),
      ],
      { encoding: 'utf8' },
    );
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the widget typings (dist/widget.d.ts)', () => {
  it('are built and compile a single-page app that uses init, every method, typed event payloads and window.CheckoutBest', () => {
    assert.ok(existsSync(TYPINGS), 'npm run build writes dist/widget.d.ts');
    const result = compile(`
      import { init, type Cart, type Order, type WidgetApi } from 'TYPINGS';
      const shop: WidgetApi = init({ storeId: '5f0c6a8e-0000-4000-8000-000000000000', locale: 'de' });
      async function buy(): Promise<number> {
        const cart: Cart | null = await shop.add('tee', 2);
        shop.open();
        const session = await shop.checkout();
        return (cart?.subtotal ?? 0) + (session ? session.url.length : 0);
      }
      shop.on('checkout:completed', (order: Order) => {
        const total: number = order.amounts.total;
        const city: string | undefined = order.shipping?.address.city;
        console.log(total, city, order.customer.email);
      });
      shop.on('cart:updated', (cart) => console.log(cart?.item_count));
      shop.on('checkout:failed', (e) => console.log(e.code.toUpperCase(), e.message));
      shop.on('stripe:connected', (e) => console.log(e.store_id, e.is_live_mode === true));
      void window.CheckoutBest?.add('mug').then((c) => c?.items.length);
      void buy();
    `);
    assert.equal(result.status, 0, result.output);
  });

  it('refuse an unknown event, a wrong payload use and a missing store id', () => {
    const result = compile(`
      import { init } from 'TYPINGS';
      const shop = init({ locale: 'de' });
      shop.on('checkout:done', () => {});
      shop.on('checkout:completed', (order) => order.amounts.total.toUpperCase());
      void shop.add(42);
    `);
    assert.notEqual(result.status, 0);
    assert.match(result.output, /storeId/);
    assert.match(result.output, /"checkout:done"/);
    assert.match(result.output, /toUpperCase/);
    assert.match(result.output, /number' is not assignable to parameter of type 'string/);
  });
});
