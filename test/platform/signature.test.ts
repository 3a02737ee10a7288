// Our webhook signatures are the Standard Webhooks ones (standardwebhooks.com), so a platform verifies them with
// the official libraries. The `standardwebhooks` npm package is not among our dependencies, so this checks the
// specification's published test vector (the one its reference libraries test against) instead.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newSigningSecret } from '../../server/src/platform-webhooks/secret';
import { sign } from '../../server/src/platform-webhooks/signature';

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signatures', () => {
  it('reproduces the specification\'s test vector exactly', () => {
    assert.equal(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body), VECTOR.signature);
  });

  it('signs with the decoded base64 part of the secret, so the whsec_ prefix is optional', () => {
    assert.equal(sign(VECTOR.secret.slice('whsec_'.length), VECTOR.id, VECTOR.timestamp, VECTOR.body), VECTOR.signature);
  });

  it('changes with the id, the timestamp, the body and the secret', () => {
    const other = [
      sign(VECTOR.secret, 'msg_other', VECTOR.timestamp, VECTOR.body),
      sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp + 1, VECTOR.body),
      sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, '{"test": 2432232315}'),
      sign(newSigningSecret(), VECTOR.id, VECTOR.timestamp, VECTOR.body),
    ];
    for (const s of other) assert.notEqual(s, VECTOR.signature);
  });
});
