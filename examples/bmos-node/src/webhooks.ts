/**
 * Verifies checkout-best's webhooks (Standard Webhooks, standardwebhooks.com) with node:crypto alone: the
 * official `standardwebhooks` npm package does the same in one call (`new Webhook(secret).verify(body,
 * headers)`; test/platform/signature.test.ts verifies our signatures with it); this is an independent
 * implementation of the same check, which proves the server's signatures to a second reader too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Deliveries older or newer than this (seconds) are refused: a replay, or a badly wrong clock. */
export const TOLERANCE_SECONDS = 5 * 60;

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * True when one of the `webhook-signature` entries is the base64 HMAC-SHA256 of "id.timestamp.body" under
 * the `whsec_` secret, compared in constant time, and the timestamp is within TOLERANCE_SECONDS of `now`.
 * `body` must be the raw bytes as received (parse only after this).
 */
export function verifyWebhook(secret: string, headers: Headers, body: string, now = Date.now()): boolean {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(`v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`);
  // Two signatures during a secret rotation (old and new secret): any one will do.
  return signatures.split(' ').some((s) => {
    const given = Buffer.from(s);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
