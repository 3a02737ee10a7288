// routes/hot-routes.ts answers the hottest requests through @koa/router's own layers (stack, match,
// captures, params, the layer's middleware stack), which are internals, not API. The dependency is pinned
// to the exact version these were checked against, and this fails loudly if an upgrade changes them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Router from '@koa/router';

const CHECKED_VERSION = '15.7.0';

describe('the @koa/router internals that hot-routes.ts relies on', () => {
  it('are those of the exact version package.json pins', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const installed = JSON.parse(readFileSync('node_modules/@koa/router/package.json', 'utf8')) as { version: string };
    assert.equal(pkg.dependencies['@koa/router'], CHECKED_VERSION, 'pinned exactly: re-check hot-routes.ts before changing it');
    assert.equal(installed.version, CHECKED_VERSION);
  });

  it('expose each route as a layer with its path, methods, matcher, captures, params and middleware stack', () => {
    const router = new Router({ sensitive: true });
    const handler = () => undefined;
    router.get('/api/carts/:id', handler);
    router.patch('/api/carts/:id/items/:product_id', handler);
    const layer = router.stack.find((l) => l.path === '/api/carts/:id/items/:product_id' && l.methods.includes('PATCH'));
    assert.ok(layer, 'router.stack holds the layer with its path and methods');
    assert.equal(layer.match('/api/carts/cart_1/items/tee%20shirt'), true);
    assert.equal(layer.match('/api/carts/cart_1'), false);
    const captures = layer.captures('/api/carts/cart_1/items/tee%20shirt');
    assert.deepEqual(captures, ['cart_1', 'tee%20shirt']);
    assert.deepEqual(layer.params('/api/carts/cart_1/items/tee%20shirt', captures, {}), { id: 'cart_1', product_id: 'tee shirt' });
    assert.deepEqual(layer.stack, [handler]);
    assert.ok(
      router.stack.every((l) => l.methods.length > 0),
      'a route layer has methods (router.use layers have none)',
    );
  });
});
