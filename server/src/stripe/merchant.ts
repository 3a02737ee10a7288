import Stripe from 'stripe';
import { requireUsableConnection } from '../connect/connection';
import { secretKeyBinding } from '../crypto/bindings';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import { storeKeysInvalid } from '../platform-webhooks/announce';
import type { StripeConnection } from '../storage/port';

type MerchantDeps = Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>;

/** What a call with a merchant's key gets besides the client: the stored connection (sealed fields only). */
export interface MerchantContext {
  stripe: Stripe;
  connection: StripeConnection;
}

/**
 * Runs `call` with a view of the shared Stripe client that puts the store's secret key (opened only now) on
 * each call it makes; the view is dropped afterwards. `known`: the store's usable connection as the caller has
 * just read it for this very call (payment.ts, under the cart's claim), so it is not read twice.
 * Authentication errors flip the store's key_status to invalid (502 `invalid_api_key`); network errors and 5xx
 * after the client's retries become 503 `stripe_unavailable`; everything else (card errors, invalid requests)
 * is rethrown for the caller to map.
 */
export async function withMerchantStripe<T>(
  deps: MerchantDeps,
  storeId: string,
  call: (m: MerchantContext) => Promise<T>,
  known?: StripeConnection,
): Promise<T> {
  const connection = known ?? (await requireUsableConnection(deps, storeId));
  let key: string;
  try {
    key = deps.sealer.open(secretKeyBinding(storeId), connection.secret_key_sealed);
  } catch (err) {
    deps.logger.error({ store_id: storeId, err: (err as Error).message }, 'sealed Stripe key could not be opened');
    throw errors.storeNotConnected();
  }
  try {
    return await call({ stripe: deps.stripe.forKey(key), connection });
  } catch (err) {
    throw await mapMerchantStripeError(deps, storeId, err);
  }
}

/** Maps an error from a call made with the store's key; exported for callers that make their own clients. */
export async function mapMerchantStripeError(deps: MerchantDeps, storeId: string, err: unknown): Promise<unknown> {
  if (err instanceof Stripe.errors.StripeAuthenticationError) {
    const flipped = await deps.storage.stores.markKeyInvalid(
      storeId,
      'Stripe rejected the stored API key (authentication error); the merchant must reconnect',
      storeKeysInvalid(deps.clock),
    );
    if (flipped) deps.logger.warn({ store_id: storeId }, 'store key_status flipped to invalid');
    return errors.storedKeyRejected();
  }
  if (isUnavailable(err)) {
    deps.logger.warn({ store_id: storeId, type: (err as Error).name, status: (err as { statusCode?: number }).statusCode }, 'Stripe unavailable');
    return errors.stripeUnavailable();
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
