import Router from '@koa/router';
import type { AppDeps } from '../../deps';
import { readBody, validate } from '../../http/body';
import { listDeliveries, redeliver } from '../../platform-webhooks/delivery-log';
import {
  createEndpoint,
  createEndpointSchema,
  deleteEndpoint,
  endpointJson,
  loadEndpoint,
  patchEndpointSchema,
  rotateSecret,
  updateEndpoint,
} from '../../platform-webhooks/endpoints';
import { pageQuery } from './orders';

/**
 * The platform's webhook endpoints (`/api/internal/webhook-endpoints`): create (201, the signing secret in
 * plaintext, once), list, read, change, delete, and rotate the secret (the new secret, once); its delivery
 * log and redelivery. No other answer carries a secret. Every refusal is a 4xx naming the field in `param`, with nothing stored.
 */
export function webhookEndpointsRouter(deps: AppDeps): Router {
  const router = new Router({ prefix: '/webhook-endpoints', sensitive: true });
  const json = (e: Parameters<typeof endpointJson>[0]) => endpointJson(e, deps.clock);

  router.post('/', async (ctx) => {
    const { endpoint, secret } = await createEndpoint(deps, await readBody(ctx, createEndpointSchema));
    ctx.status = 201;
    ctx.body = { ...json(endpoint), secret };
  });

  router.get('/', async (ctx) => {
    ctx.body = { data: (await deps.storage.webhookEndpoints.list()).map(json) };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = json(await loadEndpoint(deps, ctx.params.id));
  });

  router.patch('/:id', async (ctx) => {
    const patch = await readBody(ctx, patchEndpointSchema);
    ctx.body = json(await updateEndpoint(deps, ctx.params.id, patch));
  });

  router.delete('/:id', async (ctx) => {
    await deleteEndpoint(deps, ctx.params.id);
    ctx.body = { id: ctx.params.id, deleted: true };
  });

  router.post('/:id/rotate-secret', async (ctx) => {
    const { endpoint, secret } = await rotateSecret(deps, ctx.params.id);
    ctx.body = { ...json(endpoint), secret };
  });

  router.get('/:id/deliveries', async (ctx) => {
    const { limit, starting_after } = validate(pageQuery, ctx.query);
    ctx.body = await listDeliveries(deps, ctx.params.id, { limit, startingAfter: starting_after });
  });

  router.post('/:id/deliveries/:event_id/redeliver', async (ctx) => {
    ctx.body = await redeliver(deps, ctx.params.id, ctx.params.event_id);
  });
  return router;
}
