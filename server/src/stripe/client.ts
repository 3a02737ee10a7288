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
  return (...args: unknown[]) => {
    if (args.length > at + 1) throw new Error(`Stripe ${method.name}: too many arguments`);
    const given = args[at] as Record<string, unknown> | undefined;
    if (given != null && (typeof given !== 'object' || 'apiKey' in given || 'authenticator' in given)) {
      throw new Error(`Stripe ${method.name}: the key comes from forKey(), not from the call's options`);
    }
    args.length = at + 1;
    args[at] = { ...given, apiKey };
    return method.apply(resource, args);
  };
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
