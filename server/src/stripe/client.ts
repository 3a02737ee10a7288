import Stripe from 'stripe';

/** Where Stripe lives and how patient to be with it. */
export interface StripeSettings {
  /** Base URL of the Stripe API; tests and the demo point this at the emulator. */
  apiUrl: string;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs: number;
  /** Retries for network errors, 409/429/5xx; stripe-node re-sends the same Idempotency-Key. */
  maxNetworkRetries: number;
}

/**
 * Gives per-call views of ONE shared Stripe client that holds no key. Each view puts its merchant's key in
 * every call's `{ apiKey }` request option, so no long-lived object holds a merchant key, and a call that
 * carries no key is refused before anything is sent.
 */
export interface StripeFactory {
  /** A view of the shared client that carries `secretOrPublishableKey` on every call it makes. */
  forKey(secretOrPublishableKey: string): Stripe;
}

/** The message of the error a call without a per-request key fails with. */
export const NO_KEY_MESSAGE = 'Stripe call refused: it carries no per-request apiKey';

/**
 * The shared client: no key of its own, and an authenticator that throws, so a call without `{ apiKey }`
 * fails before any request is sent instead of going out with no (or someone else's) key. It throws rather
 * than rejecting: stripe-node 23 calls it synchronously inside the call's promise, so a throw rejects the
 * call, whereas a rejected promise would leave the call pending and the rejection unhandled.
 */
export function createKeylessClient(settings: StripeSettings): Stripe {
  const url = new URL(settings.apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(undefined as unknown as string, {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
    timeout: settings.timeoutMs,
    maxNetworkRetries: settings.maxNetworkRetries,
    telemetry: false,
    appInfo: { name: 'checkout-best', version: '0.1.0' },
    authenticator: () => {
      throw new Error(NO_KEY_MESSAGE);
    },
  });
}

/** Builds the factory the server uses in production and in tests (only the URL differs). */
export function createStripeFactory(settings: StripeSettings): StripeFactory {
  const shared = createKeylessClient(settings);
  return {
    forKey(key) {
      if (typeof key !== 'string' || key === '') throw new Error(NO_KEY_MESSAGE);
      return keyedView(shared, key);
    },
  };
}

/**
 * A view of `shared` whose resource methods (`paymentIntents.create`, `webhookEndpoints.del`, …, also in
 * namespaces like `checkout.sessions`) get `apiKey` put into their options. Every generated stripe-node 23
 * method declares `options` as its last parameter, so its position is the function's length − 1. Anything
 * else (webhooks, errors) is the shared client's own; a raw request through it has no key and is refused.
 */
function keyedView<T extends object>(target: T, apiKey: string): T {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof prop !== 'string' || prop.startsWith('_') || value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
      let wrapped = cache.get(prop);
      if (wrapped === undefined) {
        wrapped = wrap(obj, value, apiKey);
        cache.set(prop, wrapped);
      }
      return wrapped;
    },
  });
}

function wrap(owner: object, value: object, apiKey: string): unknown {
  if (isResource(owner) && typeof value === 'function') return withKey(owner, value as (...a: unknown[]) => unknown, apiKey);
  if (isResource(value) || isNamespace(value)) return keyedView(value, apiKey);
  return value;
}

function withKey(resource: object, method: (...a: unknown[]) => unknown, apiKey: string) {
  const at = Math.max(0, method.length - 1);
  const keyed = (...args: unknown[]) => {
    if (args.length > at + 1) throw new Error(`Stripe ${method.name}: too many arguments`);
    const given = args[at] as Record<string, unknown> | undefined;
    if (given != null && (typeof given !== 'object' || 'apiKey' in given || 'authenticator' in given)) {
      throw new Error(`Stripe ${method.name}: the key comes from forKey(), not from the call's options`);
    }
    args.length = at + 1;
    args[at] = { ...given, apiKey };
    return withLazyCallSite(keyed, () => method.apply(resource, args));
  };
  return keyed;
}

/** What stripe-node puts between a failed request's own stack and its caller's (its RequestSender). */
const CALL_SITE_MARKER = '\nOriginating from:';

/**
 * Runs a stripe-node request with the caller's stack captured lazily. stripe-node reads `new Error().stack` on
 * every request, to add the call site to a failure; `npm start` runs with --enable-source-maps, under which
 * formatting that stack maps every frame through the bundle's source map: about 0.2 ms of CPU per Stripe call,
 * paid on success too. So the request runs with no stack frames to capture, and the call site is captured here
 * unformatted (V8 formats `.stack` on first read) and added to the error only when the request fails.
 */
function withLazyCallSite(caller: (...a: never[]) => unknown, request: () => unknown): unknown {
  const site: { stack?: string } = {};
  Error.captureStackTrace(site, caller);
  const addSite = (err: unknown) => {
    if (err instanceof Error && typeof err.stack === 'string' && site.stack) {
      const base = err.stack.includes(CALL_SITE_MARKER) ? err.stack.slice(0, err.stack.indexOf(CALL_SITE_MARKER)) : err.stack;
      err.stack = `${base}${CALL_SITE_MARKER}\n${site.stack.slice(site.stack.indexOf('\n') + 1)}`;
    }
    return err;
  };
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let result: unknown;
  try {
    result = request();
  } catch (err) {
    throw addSite(err);
  } finally {
    Error.stackTraceLimit = limit;
  }
  // A list answers a promise that also pages (autoPagingEach …): that one is handed back as it is.
  if (!(result instanceof Promise) || 'autoPagingEach' in result) return result;
  return result.catch((err: unknown) => {
    throw addSite(err);
  });
}

/** A stripe-node resource (PaymentIntents, WebhookEndpoints, …): what makes requests. */
function isResource(value: unknown): boolean {
  return typeof (value as { _makeRequest?: unknown })?._makeRequest === 'function';
}

/**
 * A namespace of resources (stripe.checkout, stripe.tax, …): a plain holder of resources. Some namespaces hold a
 * back-reference to the client first (`stripe.tax.stripe`), so every value is looked at, that one skipped.
 */
function isNamespace(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || depth > 2) return false;
  return Object.entries(value).some(([k, v]) => k !== 'stripe' && v !== null && typeof v === 'object' && (isResource(v) || isNamespace(v, depth + 1)));
}
