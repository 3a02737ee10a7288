// Request parameters: Stripe takes `application/x-www-form-urlencoded` bodies (and query strings for GET) with
// bracket notation — `metadata[k]=v`, `a[]=x`, `a[0]=x`, `card[number]=…` — which qs parses into nested objects.
import qs from 'qs';
import { parameterInvalid, parameterUnknown } from './errors';

/** Parsed request parameters. */
export type Params = Record<string, unknown>;

/** Parses a form body or query string with Stripe's bracket notation. */
export function parseForm(text: string): Params {
  if (!text) return {};
  // Stripe accepts deep nesting and long arrays (e.g. enabled_events); qs's defaults would cut them off.
  return qs.parse(text, { depth: 10, arrayLimit: 1000, parameterLimit: 10000, allowDots: false });
}

/** Parses a JSON body (Stripe.js-like callers sometimes send one); anything but an object is empty. */
export function parseJson(text: string): Params {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Params) : {};
  } catch {
    return {};
  }
}

/** A string parameter, or undefined when absent or empty (Stripe treats `x=` as unset). */
export function optString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw parameterInvalid(name, `Invalid string: ${describe(value)}`);
  return value;
}

/** An integer parameter, or undefined when absent; a non-integer is Stripe's `parameter_invalid_integer`. */
export function optInt(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw parameterInvalid(name, `Invalid integer: ${describe(value)}`, 'parameter_invalid_integer');
  }
  return Number(value);
}

/** A boolean parameter (`true`/`false`), or undefined when absent. */
export function optBool(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw parameterInvalid(name, `Invalid boolean: ${describe(value)}`, 'parameter_invalid_boolean');
}

/** An object parameter (`x[a]=…`), or undefined when absent. */
export function optObject(params: Params, name: string): Params | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw parameterInvalid(name, `Invalid object`, 'parameter_invalid_object');
  }
  return value as Params;
}

/** A list of strings given as `a[]=x` or `a[0]=x` (qs may give an array or an index-keyed object). */
export function optStringList(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  const list = Array.isArray(value) ? value : typeof value === 'object' && value ? Object.values(value) : [value];
  if (!list.every((item) => typeof item === 'string')) throw parameterInvalid(name, 'Invalid array', 'parameter_invalid_array');
  return list;
}

/**
 * Applies a `metadata` parameter like Stripe: keys are merged, a key set to '' is removed, and `metadata=''`
 * clears everything.
 */
export function applyMetadata(current: Record<string, string>, params: Params): Record<string, string> {
  const value = params.metadata;
  if (value === undefined) return current;
  if (value === '') return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw parameterInvalid('metadata', 'Invalid hash', 'parameter_invalid_object');
  }
  const next = { ...current };
  for (const [k, v] of Object.entries(value as Params)) {
    if (typeof v !== 'string') throw parameterInvalid(`metadata[${k}]`, 'Invalid string');
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}

/** Refuses top-level parameters an endpoint does not take, as Stripe does (`parameter_unknown`). */
export function rejectUnknown(params: Params, allowed: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!allowed.includes(name)) throw parameterUnknown(name);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
