// Stripe-looking ids: a prefix and random base62 characters (Stripe's are 24 after the prefix for objects).
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn in blocks: one randomBytes call per id is a visible cost under benchmark load.
let pool = Buffer.alloc(0);
let offset = 0;

/** `length` random base62 characters. */
export function randomToken(length: number): string {
  if (offset + length > pool.length) {
    pool = randomBytes(Math.max(4096, length));
    offset = 0;
  }
  let out = '';
  // The modulo bias (256 is not a multiple of 62) is harmless for test ids.
  for (let i = 0; i < length; i++) out += ALPHABET[pool[offset + i] % 62];
  offset += length;
  return out;
}

/** A new object id such as `pi_3Q…` or `evt_1P…`. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomToken(length)}`;
}
