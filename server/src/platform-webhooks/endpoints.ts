/**
 * The platform's webhook endpoints: what an endpoint may be (its URL, the events it wants, the stores it
 * listens to), its signing secret (made here, sealed at once, answered only by create and rotate), and the
 * rotation rule. The routes (routes/internal/webhook-endpoints.ts) parse and answer; the rules are here.
 */
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { webhookEndpointSecretBinding } from '../crypto/bindings';
import type { Sealer } from '../crypto/seal';
import { errors } from '../errors';
import { STORE_ID_PATTERN } from '../connect/stores';
import { refusedHost, resolveAll, type Resolve } from '../security/public-address';
import type { Storage, WebhookEndpoint } from '../storage/port';
import { EVENT_TYPES } from './events';
import { newEndpointId, newSigningSecret, ROTATION_OVERLAP_MS } from './secret';

/** What the use-cases need. */
export type EndpointDeps = { storage: Storage; sealer: Sealer; clock: Clock; config: Pick<Config, 'env'>; logger: Logger };

/**
 * Logs a change of an endpoint for operators: its id, its URL's origin (a platform may put a token in the
 * path or query) and its event types; never a secret.
 */
export function logEndpointChange(logger: Logger, what: string, e: WebhookEndpoint): void {
  logger.info({ webhook_endpoint_id: e.id, origin: new URL(e.url).origin, event_types: e.event_types, enabled: e.enabled }, `webhook endpoint ${what}`);
}

/** Longer URLs are refused (browsers and proxies cap near here; ours are stored and shown in full). */
export const MAX_URL_LENGTH = 2048;
/** At most this many store ids per endpoint (leave them out for every store). */
export const MAX_STORE_IDS = 100;

const url = z.string().trim().min(1, 'url is required').max(MAX_URL_LENGTH);
const fields = {
  url,
  event_types: z
    .array(z.enum(EVENT_TYPES, { error: `each event type must be one of ${EVENT_TYPES.join(', ')}` }))
    .min(1, 'event_types needs at least one event type')
    .max(EVENT_TYPES.length * 2)
    .transform((list) => [...new Set(list)]),
  store_ids: z
    .array(z.string().toLowerCase().regex(STORE_ID_PATTERN, 'each store id must be a UUID'))
    .min(1, 'store_ids needs at least one store id (send null, or leave it out, for every store)')
    .max(MAX_STORE_IDS)
    .transform((list) => [...new Set(list)])
    .nullable(),
  enabled: z.boolean(),
};
export const createEndpointSchema = z.strictObject({
  url: fields.url,
  event_types: fields.event_types,
  store_ids: fields.store_ids.optional(),
  enabled: fields.enabled.optional(),
});
export const patchEndpointSchema = z.strictObject({
  url: fields.url.optional(),
  event_types: fields.event_types.optional(),
  store_ids: fields.store_ids.optional(),
  enabled: fields.enabled.optional(),
});
type CreateInput = z.output<typeof createEndpointSchema>;
type PatchInput = z.output<typeof patchEndpointSchema>;

/**
 * Refuses a URL we would not deliver to: not absolute http(s), carrying a user name or password (it would be
 * stored and shown in plaintext), or plain http in production (events carry orders and customers). Outside
 * production http is allowed, so tests, the demo and a local platform can listen on http://127.0.0.1.
 */
export function checkEndpointUrl(raw: string, env: Config['env']): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw errors.invalidRequest('url: must be an absolute https:// URL').about('url');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw errors.invalidRequest('url: must be an https:// URL').about('url');
  if (parsed.protocol === 'http:' && env === 'production') throw errors.invalidRequest('url: must be an https:// URL in production').about('url');
  if (parsed.username || parsed.password) throw errors.invalidRequest('url: must not carry a user name or password').about('url');
  if (parsed.href.length > MAX_URL_LENGTH) throw errors.invalidRequest(`url: must be at most ${MAX_URL_LENGTH} characters`).about('url');
  return parsed.href;
}

/**
 * The SSRF guard at the door: in production, 422 `webhook_url_not_public` naming `url` when the URL's host
 * resolves to any loopback, private, link-local, CGNAT, unspecified or metadata address (security/public-address.ts).
 * Development and tests deliver to 127.0.0.1. The worker checks again before each delivery (DNS changes).
 */
export async function checkPublicUrl(url: string, env: Config['env'], resolve: Resolve = resolveAll): Promise<void> {
  if (env !== 'production') return;
  const refused = await refusedHost(url, resolve);
  if (refused) throw errors.webhookUrlNotPublic(refused).about('url');
}

/** Refuses store ids naming no store (`store_ids.N` names the first). */
async function checkStoresExist(storage: Storage, ids: string[] | null | undefined): Promise<void> {
  for (const [i, id] of (ids ?? []).entries()) {
    if (!(await storage.stores.get(id))) throw errors.invalidRequest(`store_ids.${i}: no store '${id}'`).about(`store_ids.${i}`);
  }
}

/** Adds an endpoint; answers it with its new secret in plaintext (the only time it is shown, besides a rotation). */
export async function createEndpoint(deps: EndpointDeps, input: CreateInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const endpointUrl = checkEndpointUrl(input.url, deps.config.env);
  await checkPublicUrl(endpointUrl, deps.config.env);
  await checkStoresExist(deps.storage, input.store_ids);
  const id = newEndpointId();
  const secret = newSigningSecret();
  const endpoint = await deps.storage.webhookEndpoints.create({
    id,
    url: endpointUrl,
    event_types: input.event_types,
    store_ids: input.store_ids ?? null,
    enabled: input.enabled ?? true,
    secret_sealed: deps.sealer.seal(webhookEndpointSecretBinding(id, 'current'), secret),
  });
  logEndpointChange(deps.logger, 'created', endpoint);
  return { endpoint, secret };
}

/** Loads an endpoint by the id in a URL: 404 `webhook_endpoint_not_found` when there is none. */
export async function loadEndpoint(deps: Pick<EndpointDeps, 'storage'>, id: string): Promise<WebhookEndpoint> {
  const endpoint = await deps.storage.webhookEndpoints.get(id);
  if (!endpoint) throw errors.webhookEndpointNotFound();
  return endpoint;
}

/** Changes the given fields of an endpoint, all checked before anything is stored. */
export async function updateEndpoint(deps: EndpointDeps, id: string, patch: PatchInput): Promise<WebhookEndpoint> {
  await loadEndpoint(deps, id);
  const endpointUrl = patch.url === undefined ? undefined : checkEndpointUrl(patch.url, deps.config.env);
  if (endpointUrl !== undefined) await checkPublicUrl(endpointUrl, deps.config.env);
  await checkStoresExist(deps.storage, patch.store_ids);
  const updated = await deps.storage.webhookEndpoints.update(id, { ...patch, url: endpointUrl });
  if (!updated) throw errors.webhookEndpointNotFound();
  logEndpointChange(deps.logger, 'changed', updated);
  return updated;
}

/** Removes an endpoint: 404 `webhook_endpoint_not_found` when there is none. */
export async function deleteEndpoint(deps: Pick<EndpointDeps, 'storage' | 'logger'>, id: string): Promise<void> {
  if (!(await deps.storage.webhookEndpoints.delete(id))) throw errors.webhookEndpointNotFound();
  deps.logger.info({ webhook_endpoint_id: id }, 'webhook endpoint deleted');
}

/**
 * Rolls the secret: a new one signs from now on, and the one it replaces keeps signing beside it for
 * ROTATION_OVERLAP_MS (a secret rotated out before, still overlapping, is dropped: at most two sign). A
 * concurrent rotation of the same endpoint makes this one read again and rotate after it.
 */
export async function rotateSecret(deps: EndpointDeps, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await loadEndpoint(deps, id);
    const former = deps.sealer.open(webhookEndpointSecretBinding(id, 'current'), current.secret_sealed);
    const secret = newSigningSecret();
    const endpoint = await deps.storage.webhookEndpoints.rotateSecret(id, {
      from: current.secret_sealed,
      secretSealed: deps.sealer.seal(webhookEndpointSecretBinding(id, 'current'), secret),
      previousSealed: deps.sealer.seal(webhookEndpointSecretBinding(id, 'previous'), former),
      previousExpiresAt: deps.clock.now() + ROTATION_OVERLAP_MS,
    });
    if (endpoint) {
      logEndpointChange(deps.logger, 'secret rotated', endpoint);
      return { endpoint, secret };
    }
  }
  throw errors.webhookEndpointBusy();
}

/** An endpoint as the internal API answers it: never a secret, sealed or not. */
export function endpointJson(e: WebhookEndpoint, clock: Clock) {
  const overlapping = e.previous_secret_expires_at !== null && e.previous_secret_expires_at > clock.now();
  return {
    id: e.id,
    url: e.url,
    event_types: e.event_types,
    store_ids: e.store_ids,
    enabled: e.enabled,
    disabled_reason: e.disabled_reason,
    previous_secret_expires_at: overlapping ? new Date(e.previous_secret_expires_at!).toISOString() : null,
    created_at: new Date(e.created_at).toISOString(),
    updated_at: new Date(e.updated_at).toISOString(),
  };
}
