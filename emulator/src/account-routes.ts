// Account-level reads: `GET /v1/account`, `GET /v1/balance`, and the event log (`GET /v1/events[/:id]`).
import type Stripe from 'stripe';
import type { RequestContext, Route } from './context';
import { resourceMissing } from './errors';
import { optString, optStringList } from './form';
import { paginate } from './list';
import { buildAccount, buildBalance } from './objects';

function listEvents(ctx: RequestContext): Stripe.ApiList<Stripe.Event> {
  const type = optString(ctx.params, 'type');
  const types = optStringList(ctx.params, 'types');
  // `type` takes a trailing wildcard (`payment_intent.*`), as on Stripe.
  const matches = (eventType: string) => {
    if (types) return types.includes(eventType);
    if (!type) return true;
    return type.endsWith('*') ? eventType.startsWith(type.slice(0, -1)) : eventType === type;
  };
  return paginate(ctx.caller.bucket.events.values(), ctx.params, '/v1/events', 'event', (event) => matches(event.type));
}

function retrieveEvent(ctx: RequestContext): Stripe.Event {
  const event = ctx.caller.bucket.events.get(ctx.routeParams.id);
  if (!event) throw resourceMissing('event', ctx.routeParams.id);
  return event;
}

/** Account, balance and event routes. */
export const accountRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/account',
    need: 'secret',
    permission: { resource: 'account', access: 'read' },
    handle: (ctx) => buildAccount(ctx.caller.account),
  },
  { method: 'GET', path: '/v1/balance', need: 'secret', permission: { resource: 'balance', access: 'read' }, handle: (ctx) => buildBalance(ctx.caller.bucket) },
  { method: 'GET', path: '/v1/events', need: 'secret', permission: { resource: 'events', access: 'read' }, handle: listEvents },
  { method: 'GET', path: '/v1/events/:id', need: 'secret', permission: { resource: 'events', access: 'read' }, handle: retrieveEvent },
];
