// Charges behind PaymentIntents: `GET /v1/charges/:id`, `GET /v1/charges` (filter by payment_intent), and
// `expand[]=latest_charge` / `expand[]=payment_method` on PaymentIntent answers.
import type Stripe from 'stripe';
import type { RequestContext, Route } from './context';
import { resourceMissing } from './errors';
import { optString, optStringList } from './form';
import { paginate } from './list';
import { buildCharge } from './objects';
import type { ChargeRecord } from './state';

/** The `Stripe.Charge` view of a charge record, with its refunds. */
export function renderCharge(ctx: RequestContext, record: ChargeRecord): Stripe.Charge {
  const refunds = [...ctx.caller.bucket.refunds.values()].filter((r) => r.charge === record.id).reverse();
  return buildCharge(record, ctx.caller.bucket, refunds);
}

/** Applies `expand[]` to a PaymentIntent answer (only the fields the emulator can expand). */
export function expandIntent(ctx: RequestContext, intent: Stripe.PaymentIntent): Stripe.PaymentIntent {
  const expand = optStringList(ctx.params, 'expand');
  if (!expand || expand.length === 0) return intent;
  const out = { ...intent };
  const { bucket } = ctx.caller;
  if (expand.includes('latest_charge') && typeof intent.latest_charge === 'string') {
    const record = bucket.charges.get(intent.latest_charge);
    if (record) out.latest_charge = renderCharge(ctx, record);
  }
  if (expand.includes('payment_method') && typeof intent.payment_method === 'string') {
    const method = bucket.paymentMethods.get(intent.payment_method);
    if (method) out.payment_method = method.object;
  }
  return out;
}

function retrieve(ctx: RequestContext): Stripe.Charge {
  const record = ctx.caller.bucket.charges.get(ctx.routeParams.id);
  if (!record) throw resourceMissing('charge', ctx.routeParams.id);
  return renderCharge(ctx, record);
}

function list(ctx: RequestContext): Stripe.ApiList<Stripe.Charge> {
  const pi = optString(ctx.params, 'payment_intent');
  const records = [...ctx.caller.bucket.charges.values()].map((r) => ({ ...r, record: r }));
  const page = paginate(records, ctx.params, '/v1/charges', 'charge', (r) => !pi || r.paymentIntentId === pi);
  return { ...page, data: page.data.map((r) => renderCharge(ctx, r.record)) };
}

const read = { resource: 'charges', access: 'read' } as const;

/** The charge routes. */
export const chargeRoutes: Route[] = [
  { method: 'GET', path: '/v1/charges', need: 'secret', permission: read, handle: list },
  { method: 'GET', path: '/v1/charges/:id', need: 'secret', permission: read, handle: retrieve },
];
