// The Stripe emulator: a local node:http server that speaks the parts of Stripe's API this project uses, for
// tests, the offline demo and benchmarks. See README "The Stripe emulator" for what it does and where it differs.
import { createServer, type ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import type { AddressInfo } from 'node:net';
import { accountRoutes } from './account-routes';
import { chargeRoutes } from './charges';
import type { Core, Route } from './context';
import { settleIntent } from './confirm';
import { emulatorRoutes } from './emulator-routes';
import { Faults } from './faults';
import { IdempotencyStore } from './idempotency';
import { paymentIntentRoutes } from './payment-intents';
import { refundRoutes } from './refunds';
import { taxRoutes } from './tax';
import { createRouter } from './router';
import { handleRequest, type RequestLogEntry } from './server';
import { EmulatorState, type AccountInfo, type Mode, type Permissions } from './state';
import { webhookEndpointRoutes } from './webhook-endpoints';
import { WebhookDispatcher, type Delivery } from './webhooks';
import type { Receipt } from './shipping';

export type { AccountInfo, Mode, Permissions } from './state';
export type { FaultSpec, FaultKind } from './faults';
export type { Delivery } from './webhooks';
export type { Receipt } from './shipping';
export type { RequestLogEntry } from './server';
export { signPayload } from './webhooks';
export { TEST_CARDS } from './cards';

/** Options of `startStripeEmulator`. */
export interface StripeEmulatorOptions {
  /** Port to listen on (0 picks a free one). */
  port?: number;
  /** Delay added to every API answer. */
  latencyMs?: number;
  /** First webhook retry delay; later ones double (default 1000). */
  webhookRetryBaseMs?: number;
  /** Webhook attempts per event and endpoint, the first included (default 5). */
  webhookMaxAttempts?: number;
  /** Per-attempt timeout of a webhook delivery (default 10000). */
  webhookTimeoutMs?: number;
  /** Time source in milliseconds (e.g. a manual clock to expire idempotency keys). */
  clock?: { now(): number };
}

/** A running emulator. */
export interface StripeEmulator {
  /** Base URL, e.g. `http://127.0.0.1:12111`. */
  url: string;
  port: number;
  /** Creates an account with test and live key pairs. */
  createAccount(name: string): AccountInfo;
  /** Creates a restricted key (`rk_…`) with per-resource permissions. */
  createRestrictedKey(accountId: string, mode: Mode, permissions: Permissions): string;
  /** Makes a key invalid from now on (Dashboard "roll key"). */
  revokeKey(key: string): void;
  /** Revokes the secret key of an account and mode and returns its replacement. */
  rollSecretKey(accountId: string, mode: Mode): string;
  /**
   * Emulator-only: the bank's answer to a `processing` (SEPA Direct Debit) intent, as
   * `POST /_emulator/payment_intents/:id/settle` gives it; returns the intent.
   */
  settlePayment(paymentIntentId: string, outcome: 'succeeded' | 'failed'): Stripe.PaymentIntent;
  /** Every API request received, in order. */
  requests: RequestLogEntry[];
  /** The receipts Stripe would email: one per successful payment whose intent has a `receipt_email`. */
  receipts: Receipt[];
  faults: Faults;
  webhooks: {
    pause(): void;
    resume(): void;
    idle(): Promise<void>;
    deliveries: Delivery[];
  };
  /** Stops listening, ends hanging answers and webhook timers. */
  close(): Promise<void>;
}

const ROUTES: Route[] = [...accountRoutes, ...paymentIntentRoutes, ...refundRoutes, ...chargeRoutes, ...webhookEndpointRoutes, ...taxRoutes, ...emulatorRoutes];
const route = createRouter(ROUTES);

/** Starts an emulator on 127.0.0.1. */
export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const now = options.clock ? () => options.clock!.now() : () => Date.now();
  const state = new EmulatorState(() => Math.floor(now() / 1000));
  const webhooks = new WebhookDispatcher({
    now,
    retryBaseMs: options.webhookRetryBaseMs ?? 1000,
    maxAttempts: options.webhookMaxAttempts ?? 5,
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
  });
  let url = '';
  const core: Core = { state, now, url: () => url, webhooks };
  const faults = new Faults();
  faults.latencyMs = options.latencyMs ?? 0;
  const requests: RequestLogEntry[] = [];
  const hanging = new Set<ServerResponse>();
  const parts = { core, route, idempotency: new IdempotencyStore(now), faults, requests, hanging };
  const server = createServer((req, res) => {
    handleRequest(parts, req, res).catch((err: unknown) => {
      // A bug in the emulator: answer like Stripe's api_error instead of crashing the test process.
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: `stripe emulator bug: ${(err as Error).message}` } }));
      }
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    createAccount: (name) => state.createAccount(name),
    createRestrictedKey: (accountId, mode, permissions) => state.createRestrictedKey(accountId, mode, permissions),
    revokeKey: (key) => state.revokeKey(key),
    rollSecretKey: (accountId, mode) => state.rollSecretKey(accountId, mode),
    settlePayment: (paymentIntentId, outcome) => {
      for (const account of state.accounts.values()) {
        for (const bucket of Object.values(account.buckets)) {
          const intent = bucket.paymentIntents.get(paymentIntentId);
          if (!intent) continue;
          const key = state.keys.get(account.keys[bucket.mode].secret)!;
          const caller = { key, account, bucket, livemode: bucket.mode === 'live' };
          const ctx = {
            core,
            method: 'POST',
            path: `/_emulator/payment_intents/${paymentIntentId}/settle`,
            routeParams: { id: paymentIntentId },
            params: { outcome },
            caller,
            requestId: `req_emu_${Date.now()}`,
            idempotencyKey: undefined,
          };
          return structuredClone(settleIntent(ctx, intent));
        }
      }
      throw new Error(`stripe emulator: no PaymentIntent ${paymentIntentId}`);
    },
    requests,
    receipts: state.receipts,
    faults,
    webhooks: {
      pause: () => webhooks.pause(),
      resume: () => webhooks.resume(),
      idle: () => webhooks.idle(),
      deliveries: webhooks.deliveries,
    },
    close: async () => {
      webhooks.close();
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
