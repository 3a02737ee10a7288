import Stripe from 'stripe';
import { AppError, errors } from '../errors';
import type { StripeFactory } from './client';
import { isUnavailable } from './merchant';
import { MINIMUM_CHARGE, minimumCharge } from './minimum-charge';

/** What Stripe told us about a pair of keys that passed every check. */
export interface VerifiedKeys {
  account_id: string | null;
  account_name: string | null;
  key_type: 'secret' | 'restricted';
  livemode: boolean;
}

const PUBLISHABLE = /^pk_(test|live)_[A-Za-z0-9]{8,247}$/;
const SECRET = /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,247}$/;

/** The connect form's input a key problem belongs to. */
export type KeyField = 'publishable_key' | 'secret_key';

/** Errors of the connect form: a catalogue error and the field its message belongs to. */
export class KeyProblem extends AppError {
  constructor(
    error: AppError,
    readonly field: KeyField | null,
  ) {
    super(error.code, error.status, error.message);
  }
}

/** Checks the shapes of both keys and that they are of the same mode; returns mode and key type. */
export function checkKeyFormats(publishable: string, secret: string): { livemode: boolean; key_type: 'secret' | 'restricted' } {
  const pk = PUBLISHABLE.exec(publishable);
  if (!pk) throw new KeyProblem(errors.publishableKeyFormat(), 'publishable_key');
  const sk = SECRET.exec(secret);
  if (!sk) throw new KeyProblem(errors.secretKeyFormat(), 'secret_key');
  if (pk[1] !== sk[2]) throw new KeyProblem(errors.keysModeMismatch(pk[1], sk[2]), 'secret_key');
  return { livemode: pk[1] === 'live', key_type: sk[1] === 'rk' ? 'restricted' : 'secret' };
}

/**
 * Verifies a key pair against Stripe with clients made for this request only: the secret key must be
 * accepted (GET /v1/account), and the publishable key must belong to the same account. Stripe has no
 * endpoint for the latter, so a small PaymentIntent is created with the secret key, retrieved with the
 * publishable key and its client_secret (only the owning account can see it), then cancelled.
 */
export async function verifyKeys(stripe: StripeFactory, publishable: string, secret: string, currency: string): Promise<VerifiedKeys> {
  const formats = checkKeyFormats(publishable, secret);
  const secretClient = stripe.forKey(secret);
  const account = await retrieveAccount(secretClient);
  const intent = await call(() => createCheckIntent(secretClient, currency));
  try {
    await call(() => stripe.forKey(publishable).paymentIntents.retrieve(intent.id, { client_secret: intent.client_secret! }), 'publishable_key');
  } finally {
    await secretClient.paymentIntents.cancel(intent.id).catch(() => undefined);
  }
  return { ...account, ...formats };
}

/**
 * Creates the throw-away intent in the store's currency at Stripe's documented minimum (it is never confirmed).
 * Where Stripe documents no minimum and calls our amount too small, the currency itself was accepted, so the
 * key pair is checked with an intent in usd instead.
 */
async function createCheckIntent(client: Stripe, currency: string): Promise<Stripe.PaymentIntent> {
  const create = (amount: number, cur: string) =>
    client.paymentIntents.create({
      amount,
      currency: cur,
      description: 'checkout-best key check (cancelled immediately)',
      metadata: { checkout_best: 'key_check' },
    });
  const minimum = minimumCharge(currency);
  try {
    return await create(minimum ?? 100, currency);
  } catch (err) {
    const tooSmall = err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'amount_too_small';
    if (minimum === null && tooSmall) return create(MINIMUM_CHARGE.usd, 'usd');
    throw err;
  }
}

async function retrieveAccount(client: Stripe): Promise<{ account_id: string | null; account_name: string | null }> {
  try {
    const a = await client.accounts.retrieveCurrent();
    const name = a.settings?.dashboard?.display_name || a.business_profile?.name || null;
    return { account_id: a.id, account_name: name };
  } catch (err) {
    // A restricted key may lack account access; Stripe still names the account in the permission error.
    if (err instanceof Stripe.errors.StripePermissionError) {
      return { account_id: /'(acct_[A-Za-z0-9]+)'/.exec(err.message)?.[1] ?? null, account_name: null };
    }
    throw mapVerifyError(err, 'secret_key');
  }
}

async function call<T>(fn: () => Promise<T>, field: KeyField = 'secret_key'): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapVerifyError(err, field);
  }
}

function mapVerifyError(err: unknown, field: KeyField): unknown {
  if (err instanceof Stripe.errors.StripeAuthenticationError) {
    const which = field === 'publishable_key' ? 'publishable' : 'secret';
    return new KeyProblem(errors.keyNotAccepted(which), field);
  }
  if (isUnavailable(err)) return errors.stripeUnavailable();
  if (field === 'publishable_key' && err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing') {
    return new KeyProblem(errors.keysAccountMismatch(), 'publishable_key');
  }
  if (err instanceof Stripe.errors.StripePermissionError) {
    return new KeyProblem(errors.keyLacksPermission(), 'secret_key');
  }
  // The keys were accepted but Stripe refused the check itself (e.g. a currency the account cannot charge in):
  // saying "invalid API key" here would send the merchant hunting for a typo that is not there.
  if (err instanceof Stripe.errors.StripeInvalidRequestError) {
    return new KeyProblem(errors.keyCheckRefused(err.message), null);
  }
  if (err instanceof Stripe.errors.StripeError) {
    return new KeyProblem(errors.keysRefused(err.message), field);
  }
  return err;
}

/** The events the payment flow listens to on each merchant's account. */
export const WEBHOOK_EVENTS: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.refunded',
];

/**
 * Registers `PUBLIC_URL/stripe/webhooks/{store_id}` on the merchant's account. Returns null when the key may
 * not manage webhook endpoints (a restricted key without that permission still connects).
 */
export async function registerWebhook(
  client: Stripe,
  publicUrl: string,
  storeId: string,
): Promise<{ id: string; secret: string } | { id: null; reason: string }> {
  try {
    const endpoint = await client.webhookEndpoints.create({
      url: `${publicUrl}/stripe/webhooks/${storeId}`,
      enabled_events: WEBHOOK_EVENTS,
      description: 'checkout-best: orders for this store',
      metadata: { checkout_best_store_id: storeId },
    });
    return { id: endpoint.id, secret: endpoint.secret! };
  } catch (err) {
    if (isUnavailable(err)) throw errors.stripeUnavailable();
    if (err instanceof Stripe.errors.StripeError) return { id: null, reason: err.message };
    throw err;
  }
}
