import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed connect links. The canonical string is three lines joined with "\n" after a fixed prefix:
 *
 *     checkout-best-connect-v1\n<store_id>\n<return_url or empty>\n<expires>
 *
 * `expires` is a Unix time in whole seconds (decimal, no leading zeros); the signature is the lowercase hex
 * HMAC-SHA256 of the UTF-8 canonical string under the first INTERNAL_SECRET (its UTF-8 bytes). Any of the
 * configured secrets verifies, so a platform can rotate its secret without breaking links already sent.
 */
export const CONNECT_LINK_PREFIX = 'checkout-best-connect-v1';

/** The signed parameters of a connect link. */
export interface ConnectLinkParams {
  storeId: string;
  /** '' when the link has no return URL. */
  returnUrl: string;
  /** Unix seconds. */
  expires: number;
}

/** Why a link was refused; each becomes a 403 page and a stable code. */
export type LinkProblem = 'link_invalid' | 'link_expired' | 'link_used';

/** The exact string that is signed. */
export function canonicalString(p: ConnectLinkParams): string {
  return [CONNECT_LINK_PREFIX, p.storeId, p.returnUrl, String(p.expires)].join('\n');
}

/** The hex HMAC-SHA256 signature of a link under `secret`. */
export function signConnectLink(secret: string, p: ConnectLinkParams): string {
  return createHmac('sha256', secret).update(canonicalString(p), 'utf8').digest('hex');
}

/** Builds the full connect URL for a store. */
export function buildConnectUrl(publicUrl: string, secret: string, p: ConnectLinkParams): string {
  const url = new URL('/stripe/connect', publicUrl);
  url.searchParams.set('store_id', p.storeId);
  if (p.returnUrl) url.searchParams.set('return_url', p.returnUrl);
  url.searchParams.set('expires', String(p.expires));
  url.searchParams.set('signature', signConnectLink(secret, p));
  return url.toString();
}

/** Raw query or form fields as they arrive. */
export interface RawLinkFields {
  store_id?: unknown;
  return_url?: unknown;
  expires?: unknown;
  signature?: unknown;
}

/**
 * Checks a link's signature (constant-time, against every accepted secret) and expiry. Returns the parsed
 * parameters or the problem; "already used" is the caller's check since it needs storage.
 */
export function verifyConnectLink(
  secrets: string[],
  raw: RawLinkFields,
  nowMs: number,
): { ok: true; params: ConnectLinkParams; signature: string } | { ok: false; problem: LinkProblem } {
  const { store_id, return_url = '', expires, signature } = raw;
  if (typeof store_id !== 'string' || typeof return_url !== 'string' || typeof expires !== 'string' || typeof signature !== 'string') {
    return { ok: false, problem: 'link_invalid' };
  }
  if (!/^[1-9][0-9]{0,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature)) return { ok: false, problem: 'link_invalid' };
  const params = { storeId: store_id, returnUrl: return_url, expires: Number(expires) };
  const given = Buffer.from(signature, 'hex');
  const matches = secrets.some((s) => timingSafeEqual(Buffer.from(signConnectLink(s, params), 'hex'), given));
  if (!matches) return { ok: false, problem: 'link_invalid' };
  if (params.expires * 1000 <= nowMs) return { ok: false, problem: 'link_expired' };
  return { ok: true, params, signature };
}
