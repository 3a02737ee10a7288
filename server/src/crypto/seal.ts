import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';

/**
 * Box format, version 1: `v1.<key id>.<nonce>.<ciphertext>` (base64url parts). The key id is the first
 * 8 bytes of SHA-256 over the master key, so a box says which key opens it without revealing the key.
 * The plaintext is JSON `{ "s": storeId, "v": value }`: secretbox has no associated data, so the store id
 * travels inside and is checked on opening; a box copied into another store's row will not open there.
 */
const VERSION = 'v1';

/** Thrown when a box cannot be opened: unknown key, tampered, malformed, or sealed for another store. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

/** Seals and opens secrets under the master key; previous master keys can still open old boxes. */
export class Sealer {
  private readonly current: { id: string; key: Uint8Array };
  private readonly keys = new Map<string, Uint8Array>();

  constructor(masterKey: Uint8Array, previous: Uint8Array[] = []) {
    if (masterKey.length !== nacl.secretbox.keyLength) throw new SealError('master key must be 32 bytes');
    this.current = { id: keyId(masterKey), key: masterKey };
    for (const k of previous) {
      if (k.length !== nacl.secretbox.keyLength) throw new SealError('previous master key must be 32 bytes');
      this.keys.set(keyId(k), k);
    }
    this.keys.set(this.current.id, masterKey);
  }

  /** The id of the current master key, as written into new boxes. */
  get currentKeyId(): string {
    return this.current.id;
  }

  /** Seals `value` for `storeId` under the current master key with a fresh random 24-byte nonce. */
  seal(storeId: string, value: string): string {
    const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
    const plain = new TextEncoder().encode(JSON.stringify({ s: storeId, v: value }));
    const box = nacl.secretbox(plain, nonce, this.current.key);
    return [VERSION, this.current.id, b64(nonce), b64(box)].join('.');
  }

  /** Opens a box sealed for `storeId`; throws SealError if it cannot be opened or belongs to another store. */
  open(storeId: string, sealed: string): string {
    const { id, nonce, box } = parse(sealed);
    const key = this.keys.get(id);
    if (!key) throw new SealError(`sealed with an unknown master key (id ${id})`);
    const plain = nacl.secretbox.open(box, nonce, key);
    if (!plain) throw new SealError('box failed authentication');
    const content = JSON.parse(new TextDecoder().decode(plain)) as { s?: unknown; v?: unknown };
    if (content.s !== storeId || typeof content.v !== 'string') throw new SealError('box was sealed for another store');
    return content.v;
  }

  /** True when the box was sealed under an older master key and should be re-sealed under the current one. */
  needsReseal(sealed: string): boolean {
    return parse(sealed).id !== this.current.id;
  }
}

/** The key id a master key is named by in boxes (hex of the first 8 bytes of its SHA-256). */
export function keyId(masterKey: Uint8Array): string {
  return createHash('sha256').update(masterKey).digest('hex').slice(0, 16);
}

function parse(sealed: string): { id: string; nonce: Uint8Array; box: Uint8Array } {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SealError('not a v1 box');
  const nonce = unb64(parts[2]);
  if (nonce.length !== nacl.secretbox.nonceLength) throw new SealError('bad nonce');
  return { id: parts[1], nonce, box: unb64(parts[3]) };
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));
