import Router from '@koa/router';
import type { AppDeps } from '../deps';
import { buildOpenApiDocument } from '../openapi/document';

/** `GET /openapi.json`: the OpenAPI 3.1 document of every endpoint, built once per app (it never changes while it runs). */
export function openApiRouter(deps: Pick<AppDeps, 'config'>): Router {
  const router = new Router({ sensitive: true });
  let body: string | null = null;
  router.get('/openapi.json', (ctx) => {
    body ??= JSON.stringify(buildOpenApiDocument(deps.config.publicUrl));
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = body;
  });
  return router;
}
