/**
 * How an endpoint is described for the OpenAPI document: one `Operation` per method and path, naming the zod
 * schemas of its request (the ones the route validates with) and of its answers (answers.ts), and the error
 * factories of the catalogue it may answer with. document.ts turns these into OpenAPI 3.1.
 */
import type { z } from 'zod';
import type { ErrorSpec } from './errors';

/** One answer of an operation: JSON of a named schema, an HTML page, other text (scripts, styles; `media`, default JavaScript), or no body. */
export type Reply =
  | { kind: 'json'; description: string; schema: z.ZodType; headers?: Record<string, string> }
  | { kind: 'html'; description: string; headers?: Record<string, string> }
  | { kind: 'text'; description: string; headers?: Record<string, string>; media?: string[] }
  | { kind: 'empty'; description: string; headers?: Record<string, string> };

/** A JSON answer of a schema registered in answers.ts. */
export const json = (schema: z.ZodType, description: string, headers?: Record<string, string>): Reply => ({ kind: 'json', description, schema, headers });
/** An HTML page. */
export const html = (description: string, headers?: Record<string, string>): Reply => ({ kind: 'html', description, headers });

/** The groups the document's tags name. */
export type Tag =
  | 'Catalog'
  | 'Carts'
  | 'Checkout'
  | 'Connect'
  | 'Status'
  | 'Webhooks'
  | 'Assets'
  | 'Stores'
  | 'Products'
  | 'Shipping'
  | 'Tax'
  | 'Discounts'
  | 'Orders'
  | 'WebhookEndpoints'
  | 'Meta';

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI template form: `/api/carts/{id}`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** Behind `X-Internal-Secret`. */
  internal?: boolean;
  /** Descriptions of the path's `{params}` (each is a string). */
  pathParams: Record<string, string>;
  /** Query parameters: an object schema (its properties, in input form), or plain string parameters. */
  query?: z.ZodObject | Record<string, { description: string; required?: boolean }>;
  /** Extra request headers (name → description). */
  headers?: Record<string, { description: string; required?: boolean }>;
  /** The request body: a schema registered in requests.ts and its media type. */
  body?: { schema: z.ZodType; type?: 'application/json' | 'application/x-www-form-urlencoded' | 'raw-json'; required?: boolean; description?: string };
  /** Success (and non-catalogue) answers by status. */
  replies: Record<number, Reply>;
  /** The catalogue errors it may answer with (besides those every request may get: see errors.ts). */
  errors: ErrorSpec[];
}
