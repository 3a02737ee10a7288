import { createHash, createHmac, randomFillSync } from 'node:crypto';
import nacl from 'tweetnacl';

/**
 * Sealed boxes: NaCl secretbox (XSalsa20-Poly1305) under the master key, with a fresh random 24-byte nonce.
 *
 * Box format, version 2: `v2.<key id>.<nonce>.<ciphertext>` (base64url parts). The key id is the first 8 bytes
 * of SHA-256 over the master key, so a box says which master key opens it without revealing the key. A box is
 * sealed for one place, its binding: the store, the purpose (which secret it is) and the row it is stored in.
 * secretbox has no associated data, so the binding goes into the key: each box is sealed under the subkey
 * HMAC-SHA256(master key, "checkout-best/seal/v2\0" ‖ JSON [store, purpose, row]), the plaintext is the value
 * alone. Opening derives the subkey from the binding the caller expects; a box moved to another store, column
 * or row fails authentication there, like a tampered one (and says nothing about where it came from).
 *
 * Why a derived subkey rather than the binding inside the plaintext (as v1 had the store): the check cannot be
 * skipped or get out of step with the seal, because without the right binding there is no key to open with;
 * and it separates v2 from v1 cryptographically. A v2 box relabelled `v1.` is tried under the master key
 * itself and fails authentication, whereas with the binding in the plaintext a relabelled v2 box would open as
 * v1 JSON `{s, v}` (with extra fields) for any column of its store. HMAC-SHA256 with a uniformly random 32-byte
 * key is a PRF (the expand step of HKDF), and JSON of an array of strings encodes the binding injectively.
 *
 * Version 1 (`v1.…`, plaintext JSON `{ "s": storeId, "v": value }` under the master key itself) bound only the
 * store, so a box could be moved to another column or row of the same store. `open` refuses v1. The only
 * reader of v1 is `openVersion1`, for the start-up upgrade (crypto/upgrade.ts), which re-seals a v1 box as v2
 * only where its value proves it belongs; the argument is written down there.
 */
const VERSION = 'v2';
const SUBKEY_LABEL = 'checkout-best/seal/v2\0';
/** How many opening subkeys a sealer keeps (see Sealer.open): far more than the stores one process serves at once. */
const OPENING_SUBKEYS = 1000;
/** Nonces drawn from the system's CSPRNG at a time (see freshNonce). */
const NONCES_PER_DRAW = 256;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What a sealed value is: the Stripe secret (or restricted) key, the webhook signing secret, a client_secret,
 * or a signing secret of the platform's webhook endpoints (current, or previous during a rotation's overlap).
 */
export type SealPurpose =
  'stripe_secret_key' | 'stripe_webhook_secret' | 'checkout_client_secret' | 'platform_webhook_secret' | 'platform_webhook_previous_secret';

const PURPOSES: readonly SealPurpose[] = [
  'stripe_secret_key',
  'stripe_webhook_secret',
  'checkout_client_secret',
  'platform_webhook_secret',
  'platform_webhook_previous_secret',
];

/**
 * The place a box is sealed for: its store, its purpose, and the id of the row that holds it (the store id
 * for a Stripe connection's two columns, the checkout id for a client_secret). See crypto/bindings.ts.
 */
export interface SealBinding {
  storeId: string;
  purpose: SealPurpose;
  rowId: string;
}

/** Thrown when a box cannot be opened: unknown key, tampered, malformed, refused v1, or sealed for another place. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

/** Seals and opens secrets under the master key; previous master keys can still open old boxes. */
export class Sealer {
  private readonly current: { id: string; key: Uint8Array };
  private readonly keys = new Map<string, Uint8Array>();
  /** Subkeys this sealer has opened boxes with, by master key id and binding, most recently used last (see open). */
  private readonly subkeys = new Map<string, Uint8Array>();

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

  /** Seals `value` for `binding` under the current master key with a fresh random 24-byte nonce. */
  seal(binding: SealBinding, value: string): string {
    const nonce = freshNonce();
    const box = nacl.secretbox(utf8.encode(value), nonce, subkey(this.current.key, binding));
    return [VERSION, this.current.id, b64(nonce), b64(box)].join('.');
  }

  /**
   * Opens a v2 box sealed for exactly `binding` (store, purpose and row); throws SealError for a box sealed for
   * anything else, under an unknown master key, tampered, malformed, or in the v1 format.
   */
  open(binding: SealBinding, sealed: string): string {
    const { version, id, nonce, box } = parse(sealed);
    if (version !== VERSION) throw new SealError('a v1 box binds no purpose or row and is refused; the start-up upgrade re-seals v1 boxes');
    // The subkey of this binding under master key `id`, kept once a box opened with it: a payment intent opens its
    // store's Stripe key on every request, and the HMAC was most of that. A subkey is key material like the
    // master key this sealer holds anyway (it opens only its one place), never a secret's plaintext: no opened
    // value is kept, and a box that fails authentication leaves nothing behind.
    const name = JSON.stringify([id, binding.storeId, binding.purpose, binding.rowId]);
    const key = this.subkeys.get(name) ?? subkey(this.keyFor(id), binding);
    const plain = nacl.secretbox.open(box, nonce, key);
    if (!plain) throw new SealError('box failed authentication (tampered, or sealed for another store, purpose or row)');
    // Most recently used last; the least recently used goes first when the map is full.
    if (!this.subkeys.delete(name) && this.subkeys.size >= OPENING_SUBKEYS) this.subkeys.delete(this.subkeys.keys().next().value!);
    this.subkeys.set(name, key);
    return strictUtf8.decode(plain);
  }

  /**
   * Opens a v1 box (bound to its store only). For the start-up upgrade alone (crypto/upgrade.ts): the value it
   * answers is not proven to belong to any purpose or row, so nothing else may use it.
   */
  openVersion1(storeId: string, sealed: string): string {
    const { version, id, nonce, box } = parse(sealed);
    if (version !== 'v1') throw new SealError('not a v1 box');
    const plain = nacl.secretbox.open(box, nonce, this.keyFor(id));
    if (!plain) throw new SealError('box failed authentication');
    let content: { s?: unknown; v?: unknown };
    try {
      content = JSON.parse(strictUtf8.decode(plain)) as typeof content;
    } catch {
      throw new SealError('v1 box holds no JSON');
    }
    if (content?.s !== storeId || typeof content.v !== 'string') throw new SealError('box was sealed for another store');
    return content.v;
  }

  /** True when the box should be sealed again: a v1 box, or one sealed under an older master key. */
  needsReseal(sealed: string): boolean {
    const { version, id } = parse(sealed);
    return version !== VERSION || id !== this.current.id;
  }

  private keyFor(id: string): Uint8Array {
    const key = this.keys.get(id);
    if (!key) throw new SealError(`sealed with an unknown master key (id ${id})`);
    return key;
  }
}

/** The format version of a box (`v1` or `v2`); throws SealError for anything else. */
export function boxVersion(sealed: string): 'v1' | 'v2' {
  return parse(sealed).version;
}

/** The key id a master key is named by in boxes (hex of the first 8 bytes of its SHA-256). */
export function keyId(masterKey: Uint8Array): string {
  return createHash('sha256').update(masterKey).digest('hex').slice(0, 16);
}

let nonces = new Uint8Array(0);
let nextNonce = 0;

/**
 * A fresh random 24-byte nonce: a slice, never handed out twice, of a buffer filled from the system's CSPRNG
 * NONCES_PER_DRAW nonces at a time (as Node's randomUUID batches its randomness): one system call per 256 boxes
 * instead of one per box, with the same randomness.
 */
function freshNonce(): Uint8Array {
  const length = nacl.secretbox.nonceLength;
  if (nextNonce + length > nonces.length) {
    nonces = randomFillSync(new Uint8Array(length * NONCES_PER_DRAW));
    nextNonce = 0;
  }
  const nonce = nonces.slice(nextNonce, nextNonce + length);
  nextNonce += length;
  return nonce;
}

/** The secretbox key of one binding under one master key. */
function subkey(masterKey: Uint8Array, binding: SealBinding): Uint8Array {
  const { storeId, purpose, rowId } = binding;
  if (typeof storeId !== 'string' || storeId === '' || typeof rowId !== 'string' || rowId === '' || !PURPOSES.includes(purpose)) {
    throw new SealError('a box is sealed for a store, a known purpose and a row');
  }
  const mac = createHmac('sha256', masterKey)
    .update(SUBKEY_LABEL)
    .update(JSON.stringify([storeId, purpose, rowId]))
    .digest();
  return new Uint8Array(mac.buffer, mac.byteOffset, mac.byteLength);
}

function parse(sealed: string): { version: 'v1' | 'v2'; id: string; nonce: Uint8Array; box: Uint8Array } {
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  const version = parts[0];
  if (parts.length !== 4 || (version !== 'v1' && version !== 'v2')) throw new SealError('not a sealed box');
  const nonce = unb64(parts[2]);
  if (nonce.length !== nacl.secretbox.nonceLength) throw new SealError('bad nonce');
  return { version, id: parts[1], nonce, box: unb64(parts[3]) };
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));
