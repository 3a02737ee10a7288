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
 * Makes Stripe clients. Every client is made for one request with one merchant's key and dropped
 * afterwards, so no long-lived object ever holds a merchant key.
 */
export interface StripeFactory {
  /** A client that carries `secretOrPublishableKey` on every call it makes. */
  forKey(secretOrPublishableKey: string): Stripe;
}

/** Builds the factory the server uses in production and in tests (only the URL differs). */
export function createStripeFactory(settings: StripeSettings): StripeFactory {
  const url = new URL(settings.apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return {
    forKey(key) {
      return new Stripe(key, {
        host: url.hostname,
        port,
        protocol,
        timeout: settings.timeoutMs,
        maxNetworkRetries: settings.maxNetworkRetries,
        telemetry: false,
        appInfo: { name: 'checkout-best', version: '0.1.0' },
      });
    },
  };
}
