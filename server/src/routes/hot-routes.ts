/**
 * A shortcut to a few of a router's own routes, for the hottest requests (GET cart, PATCH item): the router
 * matches every layer and composes the matched stack on each request (about 7 µs of a 70 µs GET here); this
 * tests only the named layers, with the layers' own regexps and params parsing, and runs their middleware
 * stacks composed once. No second route table: the routes, their patterns and their middleware stay the
 * router's definitions (routes/carts.ts). A request the layers do not match goes on to the router unchanged.
 */
import type Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';

/** The layer type of @koa/router (not exported by name). */
type Layer = Router['stack'][number];

/** Answers `routes` (method + path exactly as registered on `router`) without the router's matching. */
export function hotRoutes(router: Router, routes: { method: string; path: string }[]): Middleware {
  const hot = routes.map(({ method, path }) => {
    const layer = router.stack.find((l) => l.path === path && l.methods.includes(method));
    if (!layer) throw new Error(`hotRoutes: ${method} ${path} is not a route of this router`);
    // The router would also run any layer without methods (router.use) matching the path; there is none here.
    if (router.stack.some((l) => l.methods.length === 0)) throw new Error('hotRoutes: the router has router.use middleware');
    return { method, layer, run: composed(layer.stack as Middleware[]) };
  });
  return (ctx, next) => {
    for (const h of hot) {
      if (ctx.method !== h.method || !h.layer.match(ctx.path)) continue;
      setRouteInfo(ctx, h.layer);
      return h.run(ctx, next);
    }
    return next();
  };
}

/** What the router leaves on the context for a matched layer (params, captures, the route template). */
function setRouteInfo(ctx: Context, layer: Layer): void {
  const c = ctx as Context & { captures: string[]; routerPath: string; _matchedRoute: string };
  c.captures = layer.captures(ctx.path);
  const params = layer.params(ctx.path, c.captures, {});
  (ctx.request as { params?: Record<string, string> }).params = params;
  ctx.params = params;
  c.routerPath = String(layer.path);
  c._matchedRoute = String(layer.path);
}

/** A fixed stack composed once (koa-compose does this on every request inside the router). */
function composed(stack: Middleware[]): (ctx: Context, next: Next) => Promise<void> {
  return (ctx, next) => {
    const dispatch = async (i: number): Promise<void> => {
      if (i === stack.length) {
        await next();
        return;
      }
      await stack[i](ctx, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}
