// PaymentIntent endpoints: create, retrieve (also by Stripe.js with a publishable key and the client_secret),
// update, list and cancel. Confirmation and 3-D Secure live in confirm.ts.
import type Stripe from 'stripe';
import { checkAmount, checkCurrency } from './amounts';
import { expandIntent } from './charges';
import { confirmIntent } from './confirm';
import { nowSeconds, type RequestContext, type Route } from './context';
import { emitEvent } from './events';
import { invalidRequest, parameterMissing, publishableKeyRefused, resourceMissing, unexpectedState } from './errors';
import { applyMetadata, optBool, optInt, optObject, optString, optStringList, rejectUnknown } from './form';
import { newId, randomToken } from './ids';
import { paginate } from './list';
import { buildPaymentIntent } from './objects';
import { resolvePaymentMethod } from './payment-methods';
import { searchPaymentIntents } from './search';
import { readReceiptEmail, readShipping } from './shipping';

const CREATE_PARAMS = [
  'amount',
  'currency',
  'automatic_payment_methods',
  'payment_method_types',
  'metadata',
  'description',
  'receipt_email',
  'payment_method',
  'payment_method_data',
  'confirm',
  'return_url',
  'capture_method',
  'customer',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'setup_future_usage',
  'shipping',
  'transfer_group',
  'on_behalf_of',
  'payment_method_options',
  'expand',
  'confirmation_method',
  'off_session',
  'error_on_requires_action',
  'use_stripe_sdk',
  'mandate_data',
  'application_fee_amount',
  'transfer_data',
  'radar_options',
  'excluded_payment_method_types',
  'payment_method_configuration',
  'amount_details',
  'payment_details',
  'hooks',
];
const UPDATE_PARAMS = [
  'amount',
  'currency',
  'metadata',
  'description',
  'receipt_email',
  'payment_method',
  'payment_method_data',
  'payment_method_types',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'setup_future_usage',
  'expand',
  'customer',
  'transfer_group',
  'payment_method_options',
  'capture_method',
  'application_fee_amount',
  'excluded_payment_method_types',
  'payment_method_configuration',
  'amount_details',
  'payment_details',
  'hooks',
];
const CANCEL_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'];
const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
const AMOUNT_UPDATABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const UPDATABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing', 'succeeded'];

/**
 * The PaymentIntent `id` of the caller's account and mode. A publishable key must bring the matching
 * `client_secret`, as Stripe.js does.
 */
export function loadIntent(ctx: RequestContext, id: string): Stripe.PaymentIntent {
  const intent = ctx.caller.bucket.paymentIntents.get(id);
  if (ctx.caller.key.kind === 'publishable') {
    const secret = optString(ctx.params, 'client_secret');
    if (!secret) throw publishableKeyRefused();
    if (!intent) throw resourceMissing('payment_intent', id);
    if (secret !== intent.client_secret) {
      throw invalidRequest('The client_secret provided does not match the client_secret associated with the PaymentIntent.', undefined, 'client_secret');
    }
    return intent;
  }
  if (!intent) throw resourceMissing('payment_intent', id);
  return intent;
}

function readCreate(ctx: RequestContext) {
  const { params } = ctx;
  rejectUnknown(params, CREATE_PARAMS);
  const amount = optInt(params, 'amount');
  if (amount === undefined) throw parameterMissing('amount');
  const currency = optString(params, 'currency')?.toLowerCase();
  if (!currency) throw parameterMissing('currency');
  checkCurrency(currency);
  checkAmount(amount, currency);
  const captureMethod = optString(params, 'capture_method') ?? 'automatic';
  if (captureMethod === 'manual') {
    throw invalidRequest('The Stripe emulator does not support capture_method=manual.', undefined, 'capture_method');
  }
  return { amount, currency, captureMethod };
}

function create(ctx: RequestContext): Stripe.PaymentIntent {
  const { amount, currency, captureMethod } = readCreate(ctx);
  const { params, caller } = ctx;
  const types = optStringList(params, 'payment_method_types');
  const automatic = optObject(params, 'automatic_payment_methods');
  const id = newId('pi');
  const intent = buildPaymentIntent({
    id,
    clientSecret: `${id}_secret_${randomToken(25)}`,
    amount,
    currency,
    created: nowSeconds(ctx.core),
    livemode: caller.livemode,
    metadata: applyMetadata({}, params),
    description: optString(params, 'description') ?? null,
    receiptEmail: readReceiptEmail(params) ?? null,
    paymentMethodTypes: types ?? ['card'],
    // Since API version 2023-08-16 automatic payment methods are on unless payment_method_types is given.
    automatic: types ? false : automatic ? optString(automatic, 'enabled') !== 'false' : true,
    captureMethod,
  });
  intent.customer = optString(params, 'customer') ?? null;
  intent.statement_descriptor = optString(params, 'statement_descriptor') ?? null;
  intent.statement_descriptor_suffix = optString(params, 'statement_descriptor_suffix') ?? null;
  intent.transfer_group = optString(params, 'transfer_group') ?? null;
  intent.shipping = readShipping(params) ?? null;
  const method = resolvePaymentMethod(ctx, params);
  if (method) {
    intent.payment_method = method.object.id;
    intent.status = 'requires_confirmation';
  }
  caller.bucket.paymentIntents.set(id, intent);
  emitEvent(ctx, 'payment_intent.created', intent);
  if (optBool(params, 'confirm')) return confirmIntent(ctx, intent, method);
  return intent;
}

function update(ctx: RequestContext): Stripe.PaymentIntent {
  const intent = loadIntent(ctx, ctx.routeParams.id);
  const { params } = ctx;
  rejectUnknown(params, UPDATE_PARAMS);
  if (intent.status === 'canceled') {
    throw unexpectedState(
      `You cannot update this PaymentIntent because it has a status of canceled. ` +
        `Updates are only allowed when the PaymentIntent has one of the following statuses: ${UPDATABLE.join(', ')}.`,
      intent,
    );
  }
  // Guess (Stripe's reference does not list it): shipping is fixed once the payment is processing or done,
  // like the amount; metadata, description and receipt_email stay editable (see README).
  if (params.shipping !== undefined && !AMOUNT_UPDATABLE.includes(intent.status)) {
    throw unexpectedState(`You cannot update the shipping of this PaymentIntent because it has a status of ${intent.status}.`, intent);
  }
  const shipping = readShipping(params);
  const receiptEmail = readReceiptEmail(params);
  const amount = optInt(params, 'amount');
  const currency = optString(params, 'currency')?.toLowerCase();
  const changesMoney = amount !== undefined || currency !== undefined || params.payment_method !== undefined;
  if (changesMoney && !AMOUNT_UPDATABLE.includes(intent.status)) {
    throw unexpectedState(
      `This PaymentIntent's amount could not be updated because it has a status of ${intent.status}. ` +
        `You may only update the amount of a PaymentIntent with one of the following statuses: ${AMOUNT_UPDATABLE.join(', ')}.`,
      intent,
    );
  }
  if (currency) checkCurrency(currency);
  if (amount !== undefined || currency) checkAmount(amount ?? intent.amount, currency ?? intent.currency);
  const method = resolvePaymentMethod(ctx, params);
  if (amount !== undefined) intent.amount = amount;
  if (currency) intent.currency = currency;
  if (method) {
    intent.payment_method = method.object.id;
    intent.status = 'requires_confirmation';
  }
  intent.metadata = applyMetadata(intent.metadata, params);
  if (params.description !== undefined) intent.description = optString(params, 'description') ?? null;
  if (receiptEmail !== undefined) intent.receipt_email = receiptEmail;
  if (shipping !== undefined) intent.shipping = shipping;
  return intent;
}

function cancel(ctx: RequestContext): Stripe.PaymentIntent {
  const intent = loadIntent(ctx, ctx.routeParams.id);
  rejectUnknown(ctx.params, ['cancellation_reason', 'expand']);
  const reason = optString(ctx.params, 'cancellation_reason');
  if (reason && !CANCEL_REASONS.includes(reason)) {
    throw invalidRequest(`Invalid cancellation_reason: must be one of ${CANCEL_REASONS.join(', ')}`, 'parameter_invalid_string', 'cancellation_reason');
  }
  if (!CANCELABLE.includes(intent.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. ` +
        `Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
      intent,
    );
  }
  intent.status = 'canceled';
  intent.canceled_at = nowSeconds(ctx.core);
  intent.cancellation_reason = reason ?? null;
  intent.next_action = null;
  emitEvent(ctx, 'payment_intent.canceled', intent);
  return intent;
}

function list(ctx: RequestContext): Stripe.ApiList<Stripe.PaymentIntent> {
  const customer = optString(ctx.params, 'customer');
  return paginate(ctx.caller.bucket.paymentIntents.values(), ctx.params, '/v1/payment_intents', 'payment_intent', (pi) =>
    customer ? pi.customer === customer : true,
  );
}

function confirm(ctx: RequestContext): Stripe.PaymentIntent {
  const intent = loadIntent(ctx, ctx.routeParams.id);
  return confirmIntent(ctx, intent, resolvePaymentMethod(ctx, ctx.params));
}

/** Wraps a handler so its PaymentIntent answer honours `expand[]`. */
function expanded(handler: (ctx: RequestContext) => Stripe.PaymentIntent): (ctx: RequestContext) => Stripe.PaymentIntent {
  return (ctx) => expandIntent(ctx, handler(ctx));
}

const read = { resource: 'payment_intents', access: 'read' } as const;
const write = { resource: 'payment_intents', access: 'write' } as const;

/** The PaymentIntent routes. */
export const paymentIntentRoutes: Route[] = [
  { method: 'POST', path: '/v1/payment_intents', need: 'secret', permission: write, handle: expanded(create) },
  { method: 'GET', path: '/v1/payment_intents', need: 'secret', permission: read, handle: list },
  { method: 'GET', path: '/v1/payment_intents/search', need: 'secret', permission: read, handle: searchPaymentIntents },
  { method: 'GET', path: '/v1/payment_intents/:id', need: 'publishable', permission: read, handle: expanded((ctx) => loadIntent(ctx, ctx.routeParams.id)) },
  { method: 'POST', path: '/v1/payment_intents/:id', need: 'secret', permission: write, handle: expanded(update) },
  { method: 'POST', path: '/v1/payment_intents/:id/confirm', need: 'publishable', permission: write, handle: expanded(confirm) },
  { method: 'POST', path: '/v1/payment_intents/:id/cancel', need: 'secret', permission: write, handle: expanded(cancel) },
];
