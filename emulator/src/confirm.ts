// Confirming a PaymentIntent: the card's outcome decides between success (a charge), a decline (402 card_error,
// the intent back to requires_payment_method with last_payment_error) and 3-D Secure (requires_action until the
// emulator-only authenticate endpoint completes or fails it).
import type Stripe from 'stripe';
import { nowSeconds, type RequestContext } from './context';
import { emitEvent } from './events';
import { ApiError, docUrl, invalidRequest, unexpectedState } from './errors';
import { optString } from './form';
import { newId } from './ids';
import { buildCharge } from './objects';
import { readShipping } from './shipping';
import type { ChargeRecord, PaymentMethodRecord } from './state';

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

function makeCharge(ctx: RequestContext, intent: Stripe.PaymentIntent, method: PaymentMethodRecord, failure?: ChargeRecord['failure']): ChargeRecord {
  const card = method.object.card;
  const sepa = method.object.sepa_debit;
  const record: ChargeRecord = {
    id: newId('ch'),
    paymentIntentId: intent.id,
    amount: intent.amount,
    amountRefunded: 0,
    currency: intent.currency,
    created: nowSeconds(ctx.core),
    paid: !failure,
    failure,
    paymentMethod: method.object.id,
    card: card
      ? { brand: card.brand, last4: card.last4, exp_month: card.exp_month, exp_year: card.exp_year, funding: card.funding, country: card.country ?? 'US' }
      : null,
    sepaDebit: sepa
      ? {
          bank_code: sepa.bank_code ?? '',
          branch_code: sepa.branch_code ?? '',
          country: sepa.country ?? 'AT',
          fingerprint: sepa.fingerprint ?? '',
          last4: sepa.last4 ?? '',
          mandate: null,
        }
      : undefined,
  };
  ctx.caller.bucket.charges.set(record.id, record);
  return record;
}

/** Marks the intent paid: a successful charge, `succeeded`, and the charge and intent events. */
export function succeed(ctx: RequestContext, intent: Stripe.PaymentIntent, method: PaymentMethodRecord): Stripe.PaymentIntent {
  const charge = makeCharge(ctx, intent, method);
  Object.assign(intent, {
    status: 'succeeded',
    amount_received: intent.amount,
    latest_charge: charge.id,
    payment_method: method.object.id,
    last_payment_error: null,
    next_action: null,
  });
  if (intent.receipt_email) {
    ctx.core.state.receipts.push({
      account: ctx.caller.account.id,
      payment_intent: intent.id,
      charge: charge.id,
      email: intent.receipt_email,
      amount: intent.amount,
      currency: intent.currency,
      livemode: intent.livemode,
      created: nowSeconds(ctx.core),
    });
  }
  emitEvent(ctx, 'charge.succeeded', buildCharge(charge, ctx.caller.bucket, []));
  emitEvent(ctx, 'payment_intent.succeeded', intent);
  return intent;
}

function decline(ctx: RequestContext, intent: Stripe.PaymentIntent, method: PaymentMethodRecord): never {
  const outcome = method.outcome;
  if (outcome.kind !== 'decline') throw new Error('unreachable');
  const charge = makeCharge(ctx, intent, method, { code: outcome.code, message: outcome.message });
  const error = {
    type: 'card_error',
    charge: charge.id,
    code: outcome.code,
    decline_code: outcome.declineCode,
    doc_url: docUrl(outcome.code),
    message: outcome.message,
    param: outcome.param,
    payment_method: method.object,
  };
  Object.assign(intent, {
    status: 'requires_payment_method',
    latest_charge: charge.id,
    payment_method: null,
    last_payment_error: error,
    next_action: null,
  });
  emitEvent(ctx, 'charge.failed', buildCharge(charge, ctx.caller.bucket, []));
  emitEvent(ctx, 'payment_intent.payment_failed', intent);
  throw new ApiError(402, { ...error, payment_intent: structuredClone(intent) });
}

function requireAction(ctx: RequestContext, intent: Stripe.PaymentIntent, method: PaymentMethodRecord): Stripe.PaymentIntent {
  Object.assign(intent, {
    status: 'requires_action',
    payment_method: method.object.id,
    last_payment_error: null,
    next_action: {
      type: 'use_stripe_sdk',
      use_stripe_sdk: {
        type: 'three_d_secure_redirect',
        stripe_js: `${ctx.core.url()}/_emulator/3ds/${intent.id}`,
        source: method.object.id,
      },
    },
  });
  emitEvent(ctx, 'payment_intent.requires_action', intent);
  return intent;
}

/** A delayed method (SEPA Direct Debit) was submitted: `processing` until the bank answers (settleIntent). */
function startProcessing(ctx: RequestContext, intent: Stripe.PaymentIntent, method: PaymentMethodRecord): Stripe.PaymentIntent {
  Object.assign(intent, { status: 'processing', payment_method: method.object.id, last_payment_error: null, next_action: null });
  emitEvent(ctx, 'payment_intent.processing', intent);
  return intent;
}

/** Confirms `intent` with `method` (or the one already attached) and applies the card's outcome. */
export function confirmIntent(ctx: RequestContext, intent: Stripe.PaymentIntent, method: PaymentMethodRecord | undefined): Stripe.PaymentIntent {
  // `shipping` may come with the confirmation (Stripe.js sends the Address Element's value there); it is checked
  // like create's and kept on the intent even when the card is then declined.
  const shipping = readShipping(ctx.params);
  if (intent.status === 'succeeded') {
    throw unexpectedState('You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.', intent);
  }
  if (!CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. ` +
        `Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
      intent,
    );
  }
  const chosen = method ?? (typeof intent.payment_method === 'string' ? ctx.caller.bucket.paymentMethods.get(intent.payment_method) : undefined);
  if (!chosen) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent, " +
        'provide a `payment_method` or `payment_method_data`.',
      intent,
    );
  }
  if (shipping !== undefined) intent.shipping = shipping;
  const outcome = chosen.outcome;
  if (outcome.kind === 'decline') return decline(ctx, intent, chosen);
  if (outcome.kind === 'three_d_secure') return requireAction(ctx, intent, chosen);
  if (outcome.kind === 'processing') return startProcessing(ctx, intent, chosen);
  return succeed(ctx, intent, chosen);
}

/**
 * Emulator-only: finishes 3-D Secure for an intent in `requires_action`. `outcome=complete` pays it;
 * `outcome=fail` sends it back to `requires_payment_method` with `payment_intent_authentication_failure`.
 */
export function authenticateIntent(ctx: RequestContext, intent: Stripe.PaymentIntent): Stripe.PaymentIntent {
  const outcome = optString(ctx.params, 'outcome') ?? 'complete';
  if (outcome !== 'complete' && outcome !== 'fail') {
    throw invalidRequest("outcome must be 'complete' or 'fail'", 'parameter_invalid_string', 'outcome');
  }
  if (intent.status !== 'requires_action') {
    throw unexpectedState(
      `You cannot authenticate this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with status requires_action may be authenticated.`,
      intent,
    );
  }
  // Stored intents hold the payment method's id (only responses are ever expanded).
  const method = typeof intent.payment_method === 'string' ? ctx.caller.bucket.paymentMethods.get(intent.payment_method) : undefined;
  if (!method) throw new Error('stripe emulator: requires_action intent without its payment method');
  if (outcome === 'complete') return succeed(ctx, intent, method);
  Object.assign(intent, {
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_payment_error: {
      type: 'invalid_request_error',
      code: 'payment_intent_authentication_failure',
      doc_url: docUrl('payment_intent_authentication_failure'),
      message:
        'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
      payment_method: method.object,
    },
  });
  emitEvent(ctx, 'payment_intent.payment_failed', intent);
  return intent;
}

/**
 * Emulator-only: the bank's answer to a delayed payment in `processing` (what Stripe's SEPA test IBANs do by
 * themselves after a while). `outcome=succeeded` pays it (a charge, `charge.succeeded`,
 * `payment_intent.succeeded`); `outcome=failed` sends it back to `requires_payment_method` with a failed charge,
 * `last_payment_error` and `payment_intent.payment_failed`.
 */
export function settleIntent(ctx: RequestContext, intent: Stripe.PaymentIntent): Stripe.PaymentIntent {
  const outcome = optString(ctx.params, 'outcome') ?? 'succeeded';
  if (outcome !== 'succeeded' && outcome !== 'failed') {
    throw invalidRequest("outcome must be 'succeeded' or 'failed'", 'parameter_invalid_string', 'outcome');
  }
  if (intent.status !== 'processing') {
    throw unexpectedState(
      `You cannot settle this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with status processing may be settled.`,
      intent,
    );
  }
  // Stored intents hold the payment method's id (only responses are ever expanded).
  const method = typeof intent.payment_method === 'string' ? ctx.caller.bucket.paymentMethods.get(intent.payment_method) : undefined;
  if (!method) throw new Error('stripe emulator: processing intent without its payment method');
  if (outcome === 'succeeded') return succeed(ctx, intent, method);
  const failure = { code: 'insufficient_funds', message: "The customer's account has insufficient funds to cover this payment." };
  const charge = makeCharge(ctx, intent, method, failure);
  Object.assign(intent, {
    status: 'requires_payment_method',
    latest_charge: charge.id,
    payment_method: null,
    next_action: null,
    last_payment_error: { type: 'invalid_request_error', code: failure.code, message: failure.message, payment_method: method.object },
  });
  emitEvent(ctx, 'charge.failed', buildCharge(charge, ctx.caller.bucket, []));
  emitEvent(ctx, 'payment_intent.payment_failed', intent);
  return intent;
}
