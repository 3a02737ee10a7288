import type { AppDeps } from '../deps';
import { withMerchantStripe } from '../stripe/merchant';
import type { RecordResult } from './record';

type SiblingDeps = Pick<AppDeps, 'storage' | 'sealer' | 'stripe' | 'logger' | 'clock'>;

/**
 * Once a cart is paid, cancels the PaymentIntents of its other unpaid sessions (a second tab, an overlay
 * opened twice), so a forgotten payment form cannot charge the shopper again. Best effort: an intent that
 * already succeeded cannot be cancelled and is recorded as its own order by /complete, the webhook or the
 * sweep; the payment-intent endpoint refuses those sessions either way (409 cart_closed).
 */
export async function cancelSiblingIntents(deps: SiblingDeps, paid: RecordResult): Promise<number> {
  if (!paid.created || !paid.checkout) return 0;
  const { id, cart_id } = paid.checkout;
  let canceled = 0;
  for (const s of await deps.storage.checkouts.listOpenWithIntentForCart(cart_id)) {
    if (s.id === id) continue;
    try {
      await withMerchantStripe(deps, s.store_id, ({ stripe }) =>
        stripe.paymentIntents.cancel(s.payment_intent_id!, { cancellation_reason: 'duplicate' }, { idempotencyKey: `checkout-best:cancel:${s.id}` }),
      );
      canceled += 1;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      deps.logger.warn({ store_id: s.store_id, checkout_id: s.id, code: e.code }, 'could not cancel a sibling PaymentIntent');
    }
  }
  return canceled;
}

/** Starts `cancelSiblingIntents` without making the caller (a shopper, Stripe's webhook) wait for it. */
export function cancelSiblingsLater(deps: SiblingDeps, paid: RecordResult): void {
  if (!paid.created) return;
  cancelSiblingIntents(deps, paid).catch((err: unknown) => deps.logger.error({ err }, 'sibling cancel failed'));
}
