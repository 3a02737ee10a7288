// Refunds of a succeeded PaymentIntent's charge: full or partial, never more than what is left; each refund emits
// `refund.created` and `charge.refunded` (with the charge's new `amount_refunded`).
import type Stripe from 'stripe';
import { nowSeconds, type RequestContext, type Route } from './context';
import { emitEvent } from './events';
import { invalidRequest, resourceMissing } from './errors';
import { applyMetadata, optInt, optString, rejectUnknown } from './form';
import { newId } from './ids';
import { paginate } from './list';
import { renderCharge } from './charges';
import { buildRefund } from './objects';
import type { ChargeRecord } from './state';

const PARAMS = [
  'payment_intent',
  'charge',
  'amount',
  'reason',
  'metadata',
  'expand',
  'instructions_email',
  'origin',
  'refund_application_fee',
  'reverse_transfer',
];
const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

function chargeToRefund(ctx: RequestContext): ChargeRecord {
  const { bucket } = ctx.caller;
  const piId = optString(ctx.params, 'payment_intent');
  const chargeId = optString(ctx.params, 'charge');
  if (!piId && !chargeId) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', 'parameter_missing');
  }
  if (chargeId) {
    const charge = bucket.charges.get(chargeId);
    if (!charge) throw resourceMissing('charge', chargeId, 'charge');
    return charge;
  }
  const intent = bucket.paymentIntents.get(piId!);
  if (!intent) throw resourceMissing('payment_intent', piId!, 'payment_intent');
  const charge = typeof intent.latest_charge === 'string' ? bucket.charges.get(intent.latest_charge) : undefined;
  if (intent.status !== 'succeeded' || !charge) {
    throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'charge_not_refundable', 'payment_intent');
  }
  return charge;
}

function create(ctx: RequestContext): Stripe.Refund {
  rejectUnknown(ctx.params, PARAMS);
  const charge = chargeToRefund(ctx);
  if (charge.failure) throw invalidRequest(`Charge ${charge.id} has failed and cannot be refunded.`, 'charge_not_refundable');
  const left = charge.amount - charge.amountRefunded;
  if (left <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
  const amount = optInt(ctx.params, 'amount') ?? left;
  if (amount <= 0) throw invalidRequest('Invalid positive integer', 'parameter_invalid_integer', 'amount');
  if (amount > left) {
    throw invalidRequest(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, 'amount_too_large', 'amount');
  }
  const reason = optString(ctx.params, 'reason');
  if (reason && !REASONS.includes(reason)) throw invalidRequest(`Invalid reason: must be one of ${REASONS.join(', ')}`, 'parameter_invalid_string', 'reason');
  const refund = buildRefund({
    id: newId('re'),
    amount,
    charge,
    created: nowSeconds(ctx.core),
    metadata: applyMetadata({}, ctx.params),
    reason: reason ?? null,
  });
  charge.amountRefunded += amount;
  ctx.caller.bucket.refunds.set(refund.id, refund);
  emitEvent(ctx, 'refund.created', refund);
  emitEvent(ctx, 'charge.refunded', renderCharge(ctx, charge));
  return refund;
}

function retrieve(ctx: RequestContext): Stripe.Refund {
  const refund = ctx.caller.bucket.refunds.get(ctx.routeParams.id);
  if (!refund) throw resourceMissing('refund', ctx.routeParams.id);
  return refund;
}

function list(ctx: RequestContext): Stripe.ApiList<Stripe.Refund> {
  const pi = optString(ctx.params, 'payment_intent');
  const charge = optString(ctx.params, 'charge');
  return paginate(
    ctx.caller.bucket.refunds.values(),
    ctx.params,
    '/v1/refunds',
    'refund',
    (r) => (!pi || r.payment_intent === pi) && (!charge || r.charge === charge),
  );
}

const read = { resource: 'refunds', access: 'read' } as const;
const write = { resource: 'refunds', access: 'write' } as const;

/** The refund routes. */
export const refundRoutes: Route[] = [
  { method: 'POST', path: '/v1/refunds', need: 'secret', permission: write, handle: create },
  { method: 'GET', path: '/v1/refunds', need: 'secret', permission: read, handle: list },
  { method: 'GET', path: '/v1/refunds/:id', need: 'secret', permission: read, handle: retrieve },
];
