// Boxes in the format of version 1 (before purpose and row were bound), written the way the old Sealer wrote
// them, so tests can build a database as an earlier release left it.
import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';

/** `v1.<key id>.<nonce>.<box>` with plaintext `{"s": storeId, "v": value}` under the master key itself. */
export function sealV1(masterKey: Uint8Array, storeId: string, value: string): string {
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  const box = nacl.secretbox(new TextEncoder().encode(JSON.stringify({ s: storeId, v: value })), nonce, masterKey);
  const id = createHash('sha256').update(masterKey).digest('hex').slice(0, 16);
  return ['v1', id, Buffer.from(nonce).toString('base64url'), Buffer.from(box).toString('base64url')].join('.');
}
