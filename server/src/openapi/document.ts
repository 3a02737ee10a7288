/**
 * Builds the OpenAPI 3.1 document (`GET /openapi.json`) from the operation tables: request schemas from the
 * zod schemas the routes validate with (input form), answer schemas from answers.ts (output form), and per
 * operation the catalogue errors it may answer with. Pure: the same operations always make the same document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ROOT } from '../paths';
import { answerComponents, type ComponentMeta } from './answers';
import { codesByStatus, ERROR_HEADERS, EVERY_REQUEST, INTERNAL, NO_OPERATION, WRITES, type ErrorSpec } from './errors';
import type { Operation, Reply, Tag } from './operation';
import { checkoutOperations } from './operations-checkout';
import { internalOperations } from './operations-internal';
import { publicOperations } from './operations-public';
import { requestComponents } from './requests';

type Json = Record<string, unknown>;

/** Every operation of the document, in the order it lists them. */
export const OPERATIONS: Operation[] = [...publicOperations, ...checkoutOperations, ...internalOperations];

/** The security scheme of the internal API. */
export const INTERNAL_SECURITY = 'internalSecret';

const TAGS: Record<Tag, string> = {
  Catalog: "Public: a store's products for the widget",
  Carts: "Public: carts (the cart id is the capability; CORS limited to the store's allowed_origins)",
  Checkout: 'The hosted checkout page and its API (the token is the capability)',
  Connect: 'The merchant-facing connect form (HTML pages)',
  Status: 'Store status and probes',
  Webhooks: "Stripe's events for each store's own account",
  Assets: 'The browser bundles',
  Stores: 'Internal: stores, connect links, Stripe status, audit trail',
  Products: "Internal: a store's catalog",
  Shipping: "Internal: a store's shipping settings",
  Tax: "Internal: a store's tax settings",
  Discounts: "Internal: a store's discount codes",
  Orders: 'Internal: orders',
  WebhookEndpoints: "Internal: the platform's webhook endpoints and their signing secrets",
  Meta: 'This document',
};

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** A registry's schemas as components (no `$schema`/`$id`: OpenAPI names them by their key). */
function components(registry: z.core.$ZodRegistry<ComponentMeta>, io: 'input' | 'output'): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    metadata: registry,
    unrepresentable: 'any',
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, s]) => {
      const { $schema: _s, $id: _i, ...rest } = s as Json;
      return [id, rest];
    }),
  );
}

function idOf(registry: z.core.$ZodRegistry<ComponentMeta>, schema: z.ZodType, where: string): string {
  const id = registry.get(schema)?.id;
  if (!id) throw new Error(`openapi: ${where} uses a schema that is not a named component`);
  return id;
}

const headersOf = (headers: Record<string, string> = {}) =>
  Object.keys(headers).length
    ? { headers: Object.fromEntries(Object.entries(headers).map(([n, d]) => [n, { description: d, schema: { type: 'string' } }])) }
    : {};

function reply(r: Reply, where: string): Json {
  const base = { description: r.description, ...headersOf(r.headers) };
  const text = { schema: { type: 'string' } };
  switch (r.kind) {
    case 'json':
      return { ...base, content: { 'application/json': { schema: ref(idOf(answerComponents, r.schema, where)) } } };
    case 'html':
      return { ...base, content: { 'text/html': text } };
    case 'text':
      return { ...base, content: Object.fromEntries((r.media ?? ['application/javascript']).map((m) => [m, text])) };
    case 'empty':
      return base;
  }
}

/** The error answer of a status limited to `codes`. */
export function errorSchema(codes: string[]): Json {
  return { allOf: [ref('Error'), { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } }] };
}

function errorReply(status: number, codes: string[]): Json {
  return {
    description: codes.map((c) => `\`${c}\``).join(', '),
    ...headersOf(ERROR_HEADERS[status]),
    content: { 'application/json': { schema: errorSchema(codes) } },
  };
}

/** The catalogue errors an operation may answer: its own plus those of every request, writes and the internal guard. */
export function errorsOf(op: Operation): ErrorSpec[] {
  return [...op.errors, ...EVERY_REQUEST, ...(op.method === 'get' ? [] : WRITES), ...(op.internal ? INTERNAL : [])];
}

function parameters(op: Operation): Json[] {
  const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const named = Object.keys(op.pathParams);
  if (inPath.join() !== named.join()) throw new Error(`openapi: ${op.operationId} describes path parameters ${named.join()} but its path has ${inPath.join()}`);
  const params: Json[] = inPath.map((name) => ({ name, in: 'path', required: true, description: op.pathParams[name], schema: { type: 'string' } }));
  if (op.query instanceof z.ZodObject) {
    const s = z.toJSONSchema(op.query, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(s.properties ?? {})) {
      params.push({ name, in: 'query', required: s.required?.includes(name) ?? false, schema });
    }
  } else if (op.query) {
    for (const [name, q] of Object.entries(op.query))
      params.push({ name, in: 'query', required: q.required ?? false, description: q.description, schema: { type: 'string' } });
  }
  for (const [name, h] of Object.entries(op.headers ?? {}))
    params.push({ name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } });
  return params;
}

function operation(op: Operation): Json {
  const responses: Record<string, Json> = {};
  for (const [status, r] of Object.entries(op.replies)) responses[status] = reply(r, op.operationId);
  for (const [status, codes] of codesByStatus(errorsOf(op))) {
    const e = errorReply(status, codes);
    const own = responses[status];
    // A status both answered by a page (or other reply) and as a JSON error: one answer, both media types.
    responses[status] = own
      ? {
          ...own,
          description: `${own.description as string}; or the error ${e.description as string}`,
          content: { ...(own.content as Json), ...(e.content as Json) },
        }
      : e;
  }
  const body = op.body && {
    required: op.body.required ?? true,
    ...(op.body.description ? { description: op.body.description } : {}),
    content: {
      [op.body.type === 'application/x-www-form-urlencoded' ? op.body.type : 'application/json']: {
        schema: ref(idOf(requestComponents, op.body.schema, op.operationId)),
      },
    },
  };
  const params = parameters(op);
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
    ...(op.internal ? { security: [{ [INTERNAL_SECURITY]: [] }] } : {}),
  };
}

const packageVersion = (): string => {
  const file = join(ROOT, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
};

/** The whole document; `serverUrl` is the server's public URL. */
export function buildOpenApiDocument(serverUrl: string): Json {
  const answers = components(answerComponents, 'output');
  const requests = components(requestComponents, 'input');
  const clash = Object.keys(requests).filter((id) => id in answers);
  if (clash.length) throw new Error(`openapi: component names used twice: ${clash.join(', ')}`);
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of OPERATIONS) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`openapi: ${op.method.toUpperCase()} ${op.path} is described twice`);
    item[op.method] = operation(op);
  }
  const [notFound, methodNotAllowed] = NO_OPERATION;
  return {
    openapi: '3.1.0',
    info: {
      title: 'checkout-best',
      version: packageVersion(),
      description:
        'Hosted checkout where every merchant store takes payments into its own Stripe account. Every answer is JSON ' +
        '(snake_case) unless it is a page or a bundle; every error is `{"error":{"code","message","param"?}}` with a stable ' +
        'code of the error catalogue. Besides the answers each operation lists, any path answers 404 `not_found` when no ' +
        'route serves it and 405 `method_not_allowed` (with `Allow`) for a method it does not take ' +
        "(components.responses NotFound and MethodNotAllowed). Amounts are integers in the currency's minor unit.",
      license: { name: 'Proprietary' },
    },
    servers: [{ url: serverUrl }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { ...answers, ...requests },
      responses: {
        NotFound: errorReply(notFound.status, [notFound.code]),
        MethodNotAllowed: errorReply(methodNotAllowed.status, [methodNotAllowed.code]),
      },
      securitySchemes: {
        [INTERNAL_SECURITY]: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Internal-Secret',
          description: "One of the server's INTERNAL_SECRET values (compared in constant time); missing or wrong: 401 `unauthorized`.",
        },
      },
    },
  };
}
