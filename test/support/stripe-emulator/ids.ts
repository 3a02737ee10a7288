// Stripe-looking ids: a prefix and random base62 characters (Stripe's are 24 after the prefix for objects).
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random base62 characters. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // 248 is the largest multiple of 62 below 256; rejection would be exact, the tiny bias here is harmless for tests.
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % 62];
  return out;
}

/** A new object id such as `pi_3Q…` or `evt_1P…`. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomToken(length)}`;
}
