import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyId, SealError, Sealer } from '../../server/src/crypto/seal';

const key = () => new Uint8Array(randomBytes(32));

describe('the NaCl sealer', () => {
  it('opens what it sealed for the same store', () => {
    const s = new Sealer(key());
    assert.equal(s.open('store-1', s.seal('store-1', 'sk_test_abc123')), 'sk_test_abc123');
  });

  it('uses a fresh nonce for every box and never shows the plaintext', () => {
    const s = new Sealer(key());
    const a = s.seal('store-1', 'sk_test_same');
    const b = s.seal('store-1', 'sk_test_same');
    assert.notEqual(a, b);
    assert.notEqual(a.split('.')[2], b.split('.')[2]);
    assert.equal(Buffer.from(a.split('.')[2], 'base64url').length, 24);
    assert.ok(!a.includes('sk_test'));
  });

  it('names the master key in a versioned format', () => {
    const k = key();
    const [version, id] = new Sealer(k).seal('s', 'v').split('.');
    assert.equal(version, 'v1');
    assert.equal(id, keyId(k));
  });

  it('refuses a box copied into another store', () => {
    const s = new Sealer(key());
    const box = s.seal('store-a', 'sk_test_a');
    assert.throws(() => s.open('store-b', box), SealError);
  });

  it('refuses a tampered box', () => {
    const s = new Sealer(key());
    const parts = s.seal('store-a', 'sk_test_a').split('.');
    const ct = Buffer.from(parts[3], 'base64url');
    ct[ct.length - 1] ^= 1;
    parts[3] = ct.toString('base64url');
    assert.throws(() => s.open('store-a', parts.join('.')), /authentication/);
  });

  it('opens boxes of a previous master key and says they need re-sealing', () => {
    const oldKey = key();
    const box = new Sealer(oldKey).seal('s', 'sk_test_old');
    const rotated = new Sealer(key(), [oldKey]);
    assert.equal(rotated.open('s', box), 'sk_test_old');
    assert.equal(rotated.needsReseal(box), true);
    assert.equal(rotated.needsReseal(rotated.seal('s', 'x')), false);
  });

  it('cannot open a box whose master key is gone', () => {
    const box = new Sealer(key()).seal('s', 'sk_test_old');
    assert.throws(() => new Sealer(key()).open('s', box), /unknown master key/);
  });
});
