// Webhook endpoint endpoints: create (the answer carries the `whsec_…` secret, only then), list, retrieve,
// update (url, enabled_events, disabled) and delete.
import type Stripe from 'stripe';
import { API_VERSION, nowSeconds, type RequestContext, type Route } from './context';
import { invalidRequest, parameterMissing, resourceMissing } from './errors';
import { applyMetadata, optBool, optString, optStringList, rejectUnknown } from './form';
import { newId, randomToken } from './ids';
import { paginate } from './list';

type StoredEndpoint = Stripe.WebhookEndpoint & { secret: string };

const CREATE_PARAMS = ['url', 'enabled_events', 'description', 'metadata', 'api_version', 'connect', 'expand'];
const UPDATE_PARAMS = ['url', 'enabled_events', 'description', 'metadata', 'disabled', 'expand'];

/** The endpoint as the API shows it after creation: without its secret. */
function publicView(endpoint: StoredEndpoint): Stripe.WebhookEndpoint {
  const { secret: _secret, ...rest } = endpoint;
  void _secret;
  return rest;
}

function checkUrl(url: string): void {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalidRequest('Invalid URL: URL must be publicly accessible.', 'url_invalid', 'url');
  }
}

function load(ctx: RequestContext): StoredEndpoint {
  const endpoint = ctx.caller.bucket.webhookEndpoints.get(ctx.routeParams.id);
  if (!endpoint) throw resourceMissing('webhook_endpoint', ctx.routeParams.id);
  return endpoint;
}

function create(ctx: RequestContext): Stripe.WebhookEndpoint {
  const { params } = ctx;
  rejectUnknown(params, CREATE_PARAMS);
  const url = optString(params, 'url');
  if (!url) throw parameterMissing('url');
  checkUrl(url);
  const events = optStringList(params, 'enabled_events');
  if (!events || events.length === 0) throw parameterMissing('enabled_events');
  const endpoint: StoredEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: optString(params, 'api_version') ?? API_VERSION,
    application: null,
    created: nowSeconds(ctx.core),
    description: optString(params, 'description') ?? null,
    enabled_events: events,
    livemode: ctx.caller.livemode,
    metadata: applyMetadata({}, params),
    status: 'enabled',
    url,
    secret: `whsec_${randomToken(32)}`,
  };
  ctx.caller.bucket.webhookEndpoints.set(endpoint.id, endpoint);
  // Stripe shows the signing secret in the create answer only.
  return { ...endpoint };
}

function update(ctx: RequestContext): Stripe.WebhookEndpoint {
  const endpoint = load(ctx);
  const { params } = ctx;
  rejectUnknown(params, UPDATE_PARAMS);
  const url = optString(params, 'url');
  if (url) {
    checkUrl(url);
    endpoint.url = url;
  }
  const events = optStringList(params, 'enabled_events');
  if (events) endpoint.enabled_events = events;
  const disabled = optBool(params, 'disabled');
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
  if (params.description !== undefined) endpoint.description = optString(params, 'description') ?? null;
  endpoint.metadata = applyMetadata(endpoint.metadata, params);
  return publicView(endpoint);
}

function remove(ctx: RequestContext): Stripe.DeletedWebhookEndpoint {
  const endpoint = load(ctx);
  ctx.caller.bucket.webhookEndpoints.delete(endpoint.id);
  return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
}

function list(ctx: RequestContext): Stripe.ApiList<Stripe.WebhookEndpoint> {
  const page = paginate(ctx.caller.bucket.webhookEndpoints.values(), ctx.params, '/v1/webhook_endpoints', 'webhook_endpoint');
  return { ...page, data: page.data.map(publicView) };
}

const read = { resource: 'webhook_endpoints', access: 'read' } as const;
const write = { resource: 'webhook_endpoints', access: 'write' } as const;

/** The webhook endpoint routes. */
export const webhookEndpointRoutes: Route[] = [
  { method: 'POST', path: '/v1/webhook_endpoints', need: 'secret', permission: write, handle: create },
  { method: 'GET', path: '/v1/webhook_endpoints', need: 'secret', permission: read, handle: list },
  { method: 'GET', path: '/v1/webhook_endpoints/:id', need: 'secret', permission: read, handle: (ctx) => publicView(load(ctx)) },
  { method: 'POST', path: '/v1/webhook_endpoints/:id', need: 'secret', permission: write, handle: update },
  { method: 'DELETE', path: '/v1/webhook_endpoints/:id', need: 'secret', permission: write, handle: remove },
];
