import type { Context } from 'koa';
import getRawBody from 'raw-body';
import qs from 'qs';
import type { ZodType } from 'zod';
import { errors, type AppError } from '../errors';
import { containsNul } from './control-chars';

/** Bodies larger than this are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 32 * 1024;

/** Reads the raw request body as a string, refusing bodies over the limit with 413 `body_too_large`. */
export async function readRawBody(ctx: Context, limit = BODY_LIMIT_BYTES): Promise<string> {
  try {
    return await getRawBody(ctx.req, { limit, encoding: 'utf8', length: ctx.request.length });
  } catch (err) {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') {
      throw errors.bodyTooLarge(limit);
    }
    throw errors.bodyUnreadable();
  }
}

/** Reads a JSON (or form-encoded) body and validates it; a bad body is a 400 `invalid_request`. */
export async function readBody<T>(ctx: Context, schema: ZodType<T>, as?: (message: string) => AppError): Promise<T> {
  return validate(schema, await readJson(ctx), as);
}

/** Reads a JSON (or form-encoded) body, unvalidated (an empty body is `{}`); 400 `invalid_json` for junk. */
export async function readJson(ctx: Context): Promise<unknown> {
  const raw = await readRawBody(ctx);
  let data: unknown = {};
  if (ctx.is('application/x-www-form-urlencoded')) {
    data = qs.parse(raw, { depth: 3, arrayLimit: 100 });
  } else if (raw.trim() !== '') {
    try {
      data = JSON.parse(raw);
    } catch {
      throw errors.invalidJson();
    }
  }
  // No field of ours takes a NUL, and PostgreSQL cannot store one in text: bad input, not a 500.
  if (containsNul(data)) throw errors.invalidRequest('The request body contains a NUL character');
  return data;
}

/**
 * Validates a value against a schema, turning the first problem into a readable 400 `invalid_request`, or
 * into `as(message)` (e.g. a 422 of its own code) naming the field in the message and in `param`.
 */
export function validate<T>(schema: ZodType<T>, data: unknown, as: (message: string) => AppError = errors.invalidRequest): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue?.path.length ? issue.path.join('.') : undefined;
  const error = as(`${param ? `${param}: ` : ''}${issue?.message ?? 'invalid input'}`);
  throw param ? error.about(param) : error;
}
