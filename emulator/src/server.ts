// The HTTP side: one handler that adds Stripe's headers (Request-Id, CORS for Stripe.js), applies injected
// faults and latency, parses the form body, authenticates, checks idempotency, runs the route and logs the request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, authorize, readApiKey } from './auth';
import type { Core, HandlerResult, RequestContext } from './context';
import { ApiError, unrecognizedUrl } from './errors';
import type { Faults, FaultSpec } from './faults';
import { parseForm, parseJson, type Params } from './form';
import type { IdempotencyStore } from './idempotency';
import { randomToken } from './ids';
import type { Match } from './router';
import { isStaticPath, serveStatic } from './static';

/** One entry of `emu.requests`. */
export interface RequestLogEntry {
  method: string;
  path: string;
  apiKey: string | undefined;
  accountId: string | undefined;
  livemode: boolean | undefined;
  idempotencyKey: string | undefined;
  /** HTTP status answered; 0 when the connection was reset or left hanging. */
  status: number;
  at: number;
  requestId: string;
  fault?: string;
  replayed?: boolean;
}

/** What the handler needs. */
export interface ServerParts {
  core: Core;
  route(method: string, path: string): Match | undefined;
  idempotency: IdempotencyStore;
  faults: Faults;
  requests: RequestLogEntry[];
  /** Responses left hanging by a 'hang' fault, ended on close. */
  hanging: Set<ServerResponse>;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key, Stripe-Version, Stripe-Account, X-Stripe-Client-User-Agent',
  'Access-Control-Expose-Headers': 'Request-Id, Idempotent-Replayed, Stripe-Version, Retry-After',
  'Access-Control-Max-Age': '300',
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function errorBody(err: ApiError, requestId: string): string {
  const raw = { ...err.raw, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` };
  return JSON.stringify({ error: raw }, null, 2);
}

/** Applies a fault; returns the status answered (0 for reset/hang). */
function applyFault(fault: FaultSpec, req: IncomingMessage, res: ServerResponse, parts: ServerParts, requestId: string): number {
  if (fault.kind === 'reset') {
    req.socket.destroy();
    return 0;
  }
  if (fault.kind === 'hang') {
    parts.hanging.add(res);
    res.on('close', () => parts.hanging.delete(res));
    return 0;
  }
  const retry: Record<string, string> = fault.shouldRetry ? { 'Stripe-Should-Retry': 'true' } : {};
  if (fault.kind === '429') {
    const err = new ApiError(429, {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
    });
    sendJson(res, 429, errorBody(err, requestId), { 'Retry-After': String(fault.retryAfter ?? 1), ...retry });
    return 429;
  }
  const err = new ApiError(500, {
    type: 'api_error',
    message:
      "Sorry, something went wrong. We've already been notified of the problem, but if you need any help, you can reach us at https://support.stripe.com/contact.",
  });
  sendJson(res, 500, errorBody(err, requestId), retry);
  return 500;
}

function toAnswer(result: HandlerResult): { status: number; body: string } {
  if ('status' in result && 'body' in result && typeof result.status === 'number') {
    return { status: result.status, body: JSON.stringify(result.body, null, 2) };
  }
  return { status: 200, body: JSON.stringify(result, null, 2) };
}

function readParams(req: IncomingMessage, url: URL, raw: string): Params {
  const query = parseForm(url.search.slice(1));
  if (req.method === 'GET' || req.method === 'DELETE') return query;
  const body = (req.headers['content-type'] ?? '').includes('application/json') ? parseJson(raw) : parseForm(raw);
  return { ...query, ...body };
}

type Answer = { status: number; body: string; headers: Record<string, string> };

/** Runs the route with Stripe's idempotency: replays a stored answer or stores the new one. */
function runIdempotent(parts: ServerParts, ctx: RequestContext, run: () => HandlerResult, entry: RequestLogEntry): Answer {
  const key = ctx.idempotencyKey;
  const endpoint = `${ctx.method} ${ctx.path}`;
  const apiKey = ctx.caller.key.key;
  if (key) {
    const stored = parts.idempotency.lookup(apiKey, key, endpoint, ctx.params);
    if (stored) {
      entry.replayed = true;
      return { ...stored, headers: { 'Idempotent-Replayed': 'true', 'Idempotency-Key': key } };
    }
  }
  let answer: { status: number; body: string };
  try {
    answer = toAnswer(run());
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    answer = { status: err.status, body: errorBody(err, entry.requestId) };
  }
  if (key) parts.idempotency.store(apiKey, key, endpoint, ctx.params, answer);
  return { ...answer, headers: key ? { 'Idempotency-Key': key } : {} };
}

/** Authenticates, authorizes and runs the route; fills the log entry as it learns who is calling. */
function execute(parts: ServerParts, req: IncomingMessage, url: URL, params: Params, entry: RequestLogEntry): Answer {
  const method = req.method ?? 'GET';
  const match = parts.route(method, url.pathname);
  const apiKey = readApiKey(req.headers, params);
  entry.apiKey = apiKey;
  const caller = authenticate(parts.core.state, apiKey);
  entry.accountId = caller.account.id;
  entry.livemode = caller.livemode;
  if (!match) throw unrecognizedUrl(method, url.pathname);
  authorize(caller, match.route.need, match.route.permission);
  const idempotencyKey = method === 'POST' ? (req.headers['idempotency-key'] as string | undefined) : undefined;
  entry.idempotencyKey = idempotencyKey;
  // Stripe.js's `key` field is how it authenticates, not a parameter of the endpoint.
  const { key: _stripeJsKey, ...routeParams } = params;
  void _stripeJsKey;
  const ctx: RequestContext = {
    core: parts.core,
    method,
    path: url.pathname,
    routeParams: match.routeParams,
    params: routeParams,
    caller,
    requestId: entry.requestId,
    idempotencyKey,
  };
  return runIdempotent(parts, ctx, () => match.route.handle(ctx), entry);
}

/** Handles one HTTP request. */
export async function handleRequest(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = `req_${randomToken(14)}`;
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = req.method ?? 'GET';
  res.setHeader('Request-Id', requestId);
  res.setHeader('Stripe-Version', (req.headers['stripe-version'] as string | undefined) ?? '2026-10-28.endive');
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  if (method === 'OPTIONS') {
    res.writeHead(204).end();
    return;
  }
  if (method === 'GET' && isStaticPath(url.pathname)) {
    await serveStatic(url.pathname, res);
    return;
  }
  const entry: RequestLogEntry = {
    method,
    path: url.pathname,
    apiKey: undefined,
    accountId: undefined,
    livemode: undefined,
    idempotencyKey: req.headers['idempotency-key'] as string | undefined,
    status: 0,
    at: parts.core.now(),
    requestId,
  };
  parts.requests.push(entry);
  const raw = await readBody(req);
  const fault = parts.faults.take(method, url.pathname);
  if (parts.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, parts.faults.latencyMs));
  if (fault) {
    entry.fault = fault.kind;
    entry.apiKey = readApiKey(req.headers, {});
    entry.status = applyFault(fault, req, res, parts, requestId);
    return;
  }
  let answer: Answer;
  try {
    answer = execute(parts, req, url, readParams(req, url, raw), entry);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    answer = { status: err.status, body: errorBody(err, requestId), headers: err.headers };
  }
  entry.status = answer.status;
  sendJson(res, answer.status, answer.body, answer.headers);
}
