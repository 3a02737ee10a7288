// Our webhook signatures are the Standard Webhooks ones (standardwebhooks.com), so a platform verifies them with
// the official libraries: the specification's published test vector, and the official `standardwebhooks` npm
// package (a dev dependency: what a platform on Node would run) verifying what we sign.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newSigningSecret } from '../../server/src/platform-webhooks/secret';
import { sign } from '../../server/src/platform-webhooks/signature';
import { Webhook } from 'standardwebhooks';

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signatures', () => {
  it("reproduces the specification's test vector exactly", () => {
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

describe('the official standardwebhooks package', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'order.paid', data: { object: { id: 'ord_1', amount: 4500 } } });
  const now = Math.floor(Date.now() / 1000);
  const headers = (signature: string) => ({ 'webhook-id': 'evt_1', 'webhook-timestamp': String(now), 'webhook-signature': signature });

  it('verifies what we sign and hands back the payload', () => {
    const secret = newSigningSecret();
    assert.deepEqual(new Webhook(secret).verify(body, headers(sign(secret, 'evt_1', now, body))), JSON.parse(body));
  });

  it('verifies with either secret while a rotation overlaps (both signatures, space-separated)', () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const both = `${sign(current, 'evt_1', now, body)} ${sign(previous, 'evt_1', now, body)}`;
    assert.deepEqual(new Webhook(current).verify(body, headers(both)), JSON.parse(body));
    assert.deepEqual(new Webhook(previous).verify(body, headers(both)), JSON.parse(body));
  });

  it('refuses a changed body, another secret and a stale timestamp', () => {
    const secret = newSigningSecret();
    const signature = sign(secret, 'evt_1', now, body);
    assert.throws(() => new Webhook(secret).verify(body.replace('4500', '1'), headers(signature)));
    assert.throws(() => new Webhook(newSigningSecret()).verify(body, headers(signature)));
    const old = now - 3600;
    assert.throws(() => new Webhook(secret).verify(body, { ...headers(sign(secret, 'evt_1', old, body)), 'webhook-timestamp': String(old) }));
  });
});
