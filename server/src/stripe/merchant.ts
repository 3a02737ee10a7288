import Stripe from 'stripe';
import type { AppDeps } from '../app';
import { AppError } from '../errors';
import type { StripeConnection } from '../storage';

type MerchantDeps = Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger'>;

/** What a call with a merchant's key gets besides the client: the stored connection (sealed fields only). */
export interface MerchantContext {
  stripe: Stripe;
  connection: StripeConnection;
}

/** The store's connection if it can take payments now; 409 `store_not_connected` otherwise. */
export function requireUsableConnection(deps: Pick<AppDeps, 'storage'>, storeId: string): StripeConnection {
  const conn = deps.storage.stores.getConnection(storeId);
  if (!conn || conn.key_status !== 'valid') throw storeNotConnected();
  return conn;
}

/**
 * Runs `call` with a view of the shared Stripe client that puts the store's secret key (opened only now) on
 * each call it makes; the view is dropped afterwards. Authentication errors flip the store's key_status to invalid (502 `invalid_api_key`);
 * network errors and 5xx after the client's retries become 503 `stripe_unavailable`; everything else
 * (card errors, invalid requests) is rethrown for the caller to map.
 */
export async function withMerchantStripe<T>(
  deps: MerchantDeps,
  storeId: string,
  call: (m: MerchantContext) => Promise<T>,
): Promise<T> {
  const connection = requireUsableConnection(deps, storeId);
  let key: string;
  try {
    key = deps.sealer.open(storeId, connection.secret_key_sealed);
  } catch (err) {
    deps.logger.error({ store_id: storeId, err: (err as Error).message }, 'sealed Stripe key could not be opened');
    throw storeNotConnected();
  }
  try {
    return await call({ stripe: deps.stripe.forKey(key), connection });
  } catch (err) {
    throw mapMerchantStripeError(deps, storeId, err);
  }
}

/** Maps an error from a call made with the store's key; exported for callers that make their own clients. */
export function mapMerchantStripeError(deps: MerchantDeps, storeId: string, err: unknown): unknown {
  if (err instanceof Stripe.errors.StripeAuthenticationError) {
    const flipped = deps.storage.stores.markKeyInvalid(
      storeId,
      'Stripe rejected the stored API key (authentication error); the merchant must reconnect',
    );
    if (flipped) deps.logger.warn({ store_id: storeId }, 'store key_status flipped to invalid');
    return new AppError('invalid_api_key', 502, "Invalid API key: the store's Stripe keys were changed; the merchant must reconnect");
  }
  if (isUnavailable(err)) {
    deps.logger.warn({ store_id: storeId, type: (err as Error).name, status: (err as { statusCode?: number }).statusCode }, 'Stripe unavailable');
    return stripeUnavailable();
  }
  return err;
}

/** True for errors that mean Stripe could not be reached or failed on its side (after retries). */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof Stripe.errors.StripeConnectionError) return true;
  if (err instanceof Stripe.errors.StripeAPIError) return true;
  if (err instanceof Stripe.errors.StripeRateLimitError) return true;
  const status = (err as { statusCode?: number })?.statusCode;
  return err instanceof Stripe.errors.StripeError && typeof status === 'number' && status >= 500;
}

/** 503 `stripe_unavailable`. */
export const stripeUnavailable = () => new AppError('stripe_unavailable', 503, 'Could not reach Stripe, try again');

/** 409 `store_not_connected`. */
export const storeNotConnected = () => new AppError('store_not_connected', 409, 'Store not connected to Stripe');
