// The shared pieces a route handler sees: the emulator core and the one request being answered.
import type { Caller, KeyNeed, PermissionNeed } from './auth';
import type { Params } from './form';
import type { EmulatorState } from './state';
import type { WebhookDispatcher } from './webhooks';

/** The API version the emulator stamps on events and endpoints (the one stripe-node 23 pins). */
export const API_VERSION = '2026-10-28.endive';

/** The emulator's long-lived parts. */
export interface Core {
  state: EmulatorState;
  /** Milliseconds since the epoch (a test clock can be passed in). */
  now(): number;
  /** The emulator's base URL once listening, e.g. `http://127.0.0.1:12111`. */
  url(): string;
  webhooks: WebhookDispatcher;
}

/** One request as a handler sees it. */
export interface RequestContext {
  core: Core;
  method: string;
  path: string;
  /** Named parts of the route pattern, e.g. `{ id: 'pi_…' }`. */
  routeParams: Record<string, string>;
  params: Params;
  caller: Caller;
  requestId: string;
  idempotencyKey: string | undefined;
}

/** What a handler answers: a body (status 200) or a status and body. */
export type HandlerResult = object | { status: number; body: object };

/** One endpoint. */
export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Pattern with `:name` parts, e.g. `/v1/payment_intents/:id/confirm`. */
  path: string;
  /** 'publishable' when Stripe.js may call it with a publishable key (the handler then checks client_secret). */
  need: KeyNeed;
  permission?: PermissionNeed;
  handle(ctx: RequestContext): HandlerResult;
}

/** Seconds since the epoch, as Stripe's `created` fields are. */
export function nowSeconds(core: Core): number {
  return Math.floor(core.now() / 1000);
}
