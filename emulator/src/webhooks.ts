// Webhook delivery: each event goes to the account's enabled endpoints that listen for its type, signed as Stripe
// signs (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "${t}.${payload}")`). Non-2xx answers and network errors are
// retried with exponential backoff; `pause()` holds deliveries (an outage) until `resume()`.
import { createHmac } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import type Stripe from 'stripe';
import type { Bucket } from './state';

/** One delivery attempt, as recorded in `emu.webhooks.deliveries`. */
export interface Delivery {
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  attempt: number;
  /** HTTP status of the answer, or null when the request failed. */
  status: number | null;
  ok: boolean;
  error?: string;
  at: number;
  payload: string;
  signature: string;
}

/** Settings of the dispatcher. */
export interface WebhookOptions {
  now(): number;
  /** Delay before the first retry; doubles each time. */
  retryBaseMs: number;
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  timeoutMs: number;
}

interface Job {
  bucket: Bucket;
  event: Stripe.Event;
  endpointId: string;
  attempt: number;
}

/** Builds the `Stripe-Signature` header value for a payload. */
export function signPayload(secret: string, payload: string, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${payload}`).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

/** Whether an endpoint listens for an event type. */
function listensFor(endpoint: Stripe.WebhookEndpoint, type: string): boolean {
  return endpoint.status === 'enabled' && (endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(type));
}

/** Delivers events to webhook endpoints and records every attempt. */
export class WebhookDispatcher {
  readonly deliveries: Delivery[] = [];
  private paused = false;
  private held: Job[] = [];
  private outstanding = 0;
  private waiters: Array<() => void> = [];
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = new Set<ClientRequest>();
  private closed = false;

  constructor(private readonly options: WebhookOptions) {}

  /** Queues an event for every endpoint of its account and mode that listens for it. */
  dispatch(bucket: Bucket, event: Stripe.Event): void {
    for (const endpoint of bucket.webhookEndpoints.values()) {
      if (!listensFor(endpoint, event.type)) continue;
      event.pending_webhooks += 1;
      this.run({ bucket, event, endpointId: endpoint.id, attempt: 1 });
    }
  }

  /** Holds every delivery from now on (simulates Stripe not reaching the app). */
  pause(): void {
    this.paused = true;
  }

  /** Sends what was held and delivers normally again. */
  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const job of held) this.run(job);
  }

  /** Resolves when nothing is being sent or waiting for a retry (held deliveries of a pause do not count). */
  idle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops all timers; nothing more is sent. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
    this.held = [];
    this.outstanding = 0;
    this.settle();
  }

  private run(job: Job): void {
    if (this.closed) return;
    if (this.paused) {
      this.held.push(job);
      return;
    }
    this.outstanding += 1;
    void this.attempt(job).finally(() => {
      this.outstanding -= 1;
      this.settle();
    });
  }

  private settle(): void {
    if (this.outstanding > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async attempt(job: Job): Promise<void> {
    const endpoint = job.bucket.webhookEndpoints.get(job.endpointId);
    if (!endpoint) return; // deleted meanwhile: Stripe stops delivering to it
    const payload = JSON.stringify(job.event, null, 2);
    const signature = signPayload(endpoint.secret, payload, Math.floor(this.options.now() / 1000));
    const result = await post(endpoint.url, payload, signature, this.options.timeoutMs, this.inFlight);
    if (this.closed) return;
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    this.deliveries.push({
      eventId: job.event.id,
      eventType: job.event.type,
      endpointId: endpoint.id,
      url: endpoint.url,
      attempt: job.attempt,
      status: result.status,
      ok,
      error: result.error,
      at: this.options.now(),
      payload,
      signature,
    });
    if (ok) {
      job.event.pending_webhooks = Math.max(0, job.event.pending_webhooks - 1);
    } else if (job.attempt < this.options.maxAttempts) {
      this.retryLater({ ...job, attempt: job.attempt + 1 });
    }
  }

  private retryLater(job: Job): void {
    if (this.closed) return;
    const delay = this.options.retryBaseMs * 2 ** (job.attempt - 2);
    this.outstanding += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.outstanding -= 1;
      this.run(job);
      this.settle();
    }, delay);
    this.timers.add(timer);
  }
}

/** POSTs a payload; only loopback hosts are reached, since nothing here may talk to other machines. */
function post(
  url: string,
  payload: string,
  signature: string,
  timeoutMs: number,
  inFlight: Set<ClientRequest>,
): Promise<{ status: number | null; error?: string }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ status: null, error: 'invalid_url' });
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname) || target.protocol !== 'http:') {
    return Promise.resolve({ status: null, error: 'not_a_local_http_url' });
  }
  return new Promise((resolve) => {
    const req = request(
      target,
      {
        method: 'POST',
        timeout: timeoutMs,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(payload),
          'Stripe-Signature': signature,
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'Cache-Control': 'no-cache',
          Accept: '*/*; q=0.5, application/xml',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? null }));
        res.on('error', (err) => resolve({ status: null, error: err.message }));
      },
    );
    inFlight.add(req);
    req.on('close', () => inFlight.delete(req));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: null, error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(payload);
  });
}
