import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clientSecretBinding, secretKeyBinding, webhookSecretBinding } from '../../server/src/crypto/bindings';
import { keyId, SealError, Sealer, type SealBinding } from '../../server/src/crypto/seal';
import { sealV1 } from '../support/seal-v1';

const key = () => new Uint8Array(randomBytes(32));
const at = (storeId: string): SealBinding => secretKeyBinding(storeId);

describe('the NaCl sealer', () => {
  it('opens what it sealed for the same store, purpose and row', () => {
    const s = new Sealer(key());
    assert.equal(s.open(at('store-1'), s.seal(at('store-1'), 'sk_test_abc123')), 'sk_test_abc123');
  });

  it('uses a fresh nonce for every box and never shows the plaintext', () => {
    const s = new Sealer(key());
    const a = s.seal(at('store-1'), 'sk_test_same');
    const b = s.seal(at('store-1'), 'sk_test_same');
    assert.notEqual(a, b);
    assert.notEqual(a.split('.')[2], b.split('.')[2]);
    assert.equal(Buffer.from(a.split('.')[2], 'base64url').length, 24);
    assert.ok(!a.includes('sk_test'));
  });

  it('names the master key in a versioned format', () => {
    const k = key();
    const [version, id] = new Sealer(k).seal(at('s'), 'v').split('.');
    assert.equal(version, 'v2');
    assert.equal(id, keyId(k));
  });

  it('refuses a box copied into another store', () => {
    const s = new Sealer(key());
    const box = s.seal(at('store-a'), 'sk_test_a');
    assert.throws(() => s.open(at('store-b'), box), SealError);
  });

  it('refuses a box sealed for one purpose or row where another is expected', () => {
    const s = new Sealer(key());
    const places = {
      key: secretKeyBinding('store-a'),
      hook: webhookSecretBinding('store-a'),
      mine: clientSecretBinding({ id: 'chk_1', store_id: 'store-a' }),
      other: clientSecretBinding({ id: 'chk_2', store_id: 'store-a' }),
      // the same three fields shuffled: a binding is not a set of strings
      shuffled: { storeId: 'chk_1', purpose: 'checkout_client_secret', rowId: 'store-a' } as SealBinding,
    };
    for (const [sealedFor, binding] of Object.entries(places)) {
      const box = s.seal(binding, 'secret');
      for (const [openedFor, other] of Object.entries(places)) {
        if (openedFor === sealedFor) assert.equal(s.open(other, box), 'secret');
        else assert.throws(() => s.open(other, box), /failed authentication/, `sealed for ${sealedFor}, opened for ${openedFor}`);
      }
    }
  });

  it('refuses to seal or open without a whole binding', () => {
    const s = new Sealer(key());
    for (const bad of [
      { storeId: '', purpose: 'stripe_secret_key', rowId: 's' },
      { storeId: 's', purpose: 'other', rowId: 's' },
      { storeId: 's', purpose: 'stripe_secret_key', rowId: '' },
    ]) {
      assert.throws(() => s.seal(bad as SealBinding, 'v'), SealError);
    }
    assert.throws(() => s.open('s' as unknown as SealBinding, s.seal(at('s'), 'v')), SealError);
  });

  it('refuses a tampered box', () => {
    const s = new Sealer(key());
    const parts = s.seal(at('store-a'), 'sk_test_a').split('.');
    const ct = Buffer.from(parts[3], 'base64url');
    ct[ct.length - 1] ^= 1;
    parts[3] = ct.toString('base64url');
    assert.throws(() => s.open(at('store-a'), parts.join('.')), /authentication/);
  });

  it('opens boxes of a previous master key and says they need re-sealing', () => {
    const oldKey = key();
    const box = new Sealer(oldKey).seal(at('s'), 'sk_test_old');
    const rotated = new Sealer(key(), [oldKey]);
    assert.equal(rotated.open(at('s'), box), 'sk_test_old');
    assert.equal(rotated.needsReseal(box), true);
    assert.equal(rotated.needsReseal(rotated.seal(at('s'), 'x')), false);
  });

  it('opens a box it opened before again, but still refuses it anywhere else and refuses a tampered copy', () => {
    const s = new Sealer(key());
    const box = s.seal(at('store-a'), 'sk_test_a');
    assert.equal(s.open(at('store-a'), box), 'sk_test_a');
    assert.equal(s.open(at('store-a'), box), 'sk_test_a');
    assert.throws(() => s.open(at('store-b'), box), /failed authentication/);
    assert.throws(() => s.open(webhookSecretBinding('store-a'), box), /failed authentication/);
    const parts = box.split('.');
    const ct = Buffer.from(parts[3], 'base64url');
    ct[0] ^= 1;
    parts[3] = ct.toString('base64url');
    assert.throws(() => s.open(at('store-a'), parts.join('.')), /failed authentication/);
    assert.equal(s.open(at('store-a'), box), 'sk_test_a');
  });

  it('opens every one of more boxes than it keeps subkeys for, the first again after the last', () => {
    const s = new Sealer(key());
    const boxes = Array.from({ length: 1200 }, (_, i) => s.seal(at(`store-${i}`), `sk_test_${i}`));
    boxes.forEach((box, i) => assert.equal(s.open(at(`store-${i}`), box), `sk_test_${i}`));
    assert.equal(s.open(at('store-0'), boxes[0]), 'sk_test_0');
    assert.equal(s.open(at('store-1199'), boxes[1199]), 'sk_test_1199');
  });

  it('never hands out the same nonce twice, across many boxes', () => {
    const s = new Sealer(key());
    const nonces = new Set(Array.from({ length: 1000 }, () => s.seal(at('s'), 'v').split('.')[2]));
    assert.equal(nonces.size, 1000);
    for (const n of nonces) assert.equal(Buffer.from(n, 'base64url').length, 24);
  });

  it('cannot open a box whose master key is gone', () => {
    const box = new Sealer(key()).seal(at('s'), 'sk_test_old');
    assert.throws(() => new Sealer(key()).open(at('s'), box), /unknown master key/);
  });
});

describe('v1 boxes (bound to their store only)', () => {
  it('are refused by open, in every column, and need re-sealing', () => {
    const k = key();
    const s = new Sealer(k);
    const box = sealV1(k, 'store-a', 'sk_test_a');
    for (const binding of [secretKeyBinding('store-a'), webhookSecretBinding('store-a'), clientSecretBinding({ id: 'chk_1', store_id: 'store-a' })]) {
      assert.throws(() => s.open(binding, box), /v1 box/);
    }
    assert.equal(s.needsReseal(box), true);
  });

  it('open for the upgrade only, for their own store and under a known master key', () => {
    const old = key();
    const s = new Sealer(key(), [old]);
    const box = sealV1(old, 'store-a', 'sk_test_a');
    assert.equal(s.openVersion1('store-a', box), 'sk_test_a');
    assert.throws(() => s.openVersion1('store-b', box), /another store/);
    assert.throws(() => new Sealer(key()).openVersion1('store-a', box), /unknown master key/);
    assert.throws(() => s.openVersion1('store-a', s.seal(at('store-a'), 'x')), /not a v1 box/);
  });

  it('cannot be made from a v2 box by relabelling, nor the other way round', () => {
    const k = key();
    const s = new Sealer(k);
    const v2 = s.seal(secretKeyBinding('store-a'), 'sk_test_a');
    assert.throws(() => s.openVersion1('store-a', v2.replace(/^v2\./, 'v1.')), /failed authentication/);
    const v1 = sealV1(k, 'store-a', 'sk_test_a');
    assert.throws(() => s.open(secretKeyBinding('store-a'), v1.replace(/^v1\./, 'v2.')), /failed authentication/);
  });

  it('are read in server/src by the start-up upgrade alone', () => {
    const callers: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name) && readFileSync(path, 'utf8').includes('openVersion1(')) callers.push(path);
      }
    };
    walk('server/src');
    assert.deepEqual(callers.sort(), [join('server/src/crypto/seal.ts'), join('server/src/crypto/upgrade.ts')]);
  });
});
