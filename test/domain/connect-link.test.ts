// The connect link's rules without HTTP: what the form accepts and why it refuses, on the storage of the engine
// TEST_DATABASE names.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { manualClock } from '../../server/src/clock';
import { checkConnectLink, isHttpUrl, linkError } from '../../server/src/connect/connect-link';
import type { AppDeps } from '../../server/src/deps';
import { signConnectLink, type ConnectLinkParams } from '../../server/src/security/connect-link';
import { throwawayStorage, type ThrowawayStorage } from '../support/storage';

const SECRET = 'internal-secret-for-links-0123456789abcdef';
const clock = manualClock();
const nowS = () => Math.floor(clock.now() / 1000);
let db: ThrowawayStorage;
let deps: AppDeps;

/** A link's raw fields as the form posts them, signed with `secret`. */
const fields = (p: ConnectLinkParams, secret = SECRET) => ({
  store_id: p.storeId,
  return_url: p.returnUrl,
  expires: String(p.expires),
  signature: signConnectLink(secret, p),
});

describe('a connect link as the form meets it', () => {
  before(async () => {
    db = await throwawayStorage(clock);
    deps = { config: { internalSecrets: [SECRET] }, clock, storage: db.storage } as unknown as AppDeps;
  });
  after(() => db.destroy());

  const newStore = async () => (await db.storage.stores.create({ id: randomUUID(), name: 'Beans', allowed_origins: [], default_currency: 'usd' }))!;

  it('is accepted when signed, in time, and for a store that exists, and carries that store', async () => {
    const store = await newStore();
    const link = await checkConnectLink(deps, fields({ storeId: store.id, returnUrl: 'https://bmos.example/back', expires: nowS() + 600 }));
    assert.ok(link.ok);
    assert.equal(link.store.id, store.id);
    assert.equal(link.params.returnUrl, 'https://bmos.example/back');
  });

  it('is refused as invalid when signed with another secret or when its return address is not http(s)', async () => {
    const store = await newStore();
    const p = { storeId: store.id, returnUrl: '', expires: nowS() + 600 };
    assert.deepEqual(await checkConnectLink(deps, fields(p, 'another-secret-of-the-same-length-0000000')), { ok: false, problem: 'link_invalid' });
    assert.deepEqual(await checkConnectLink(deps, fields({ ...p, returnUrl: 'javascript:alert(1)' })), { ok: false, problem: 'link_invalid' });
  });

  it('is refused as expired once its time is past, by the app clock', async () => {
    const store = await newStore();
    const raw = fields({ storeId: store.id, returnUrl: '', expires: nowS() + 60 });
    assert.ok((await checkConnectLink(deps, raw)).ok);
    clock.advance(61_000);
    assert.deepEqual(await checkConnectLink(deps, raw), { ok: false, problem: 'link_expired' });
  });

  it('is refused as used once a connection burnt it, and for a store that does not exist', async () => {
    const store = await newStore();
    const raw = fields({ storeId: store.id, returnUrl: '', expires: nowS() + 600 });
    await db.storage.stores.saveConnection(
      {
        store_id: store.id,
        account_id: 'acct_1',
        account_name: 'Beans',
        publishable_key: 'pk_test_1',
        secret_key_sealed: 'sealed',
        key_type: 'secret',
        livemode: false,
        key_status: 'valid',
        webhook_endpoint_id: null,
        webhook_secret_sealed: null,
        connected_at: clock.now(),
        last_error: null,
      },
      { signature: raw.signature, expiresAt: clock.now() + 600_000 },
    );
    assert.deepEqual(await checkConnectLink(deps, raw), { ok: false, problem: 'link_used' });
    assert.deepEqual(await checkConnectLink(deps, fields({ storeId: randomUUID(), returnUrl: '', expires: nowS() + 600 })), {
      ok: false,
      problem: 'store_not_found',
    });
  });

  it('names each refusal with its catalogue code for API clients', () => {
    for (const problem of ['link_invalid', 'link_expired', 'link_used', 'store_not_found'] as const) assert.equal(linkError(problem).code, problem);
  });

  it('takes only absolute http(s) return addresses', () => {
    assert.deepEqual(['https://a.example/x', 'http://localhost:3000', '/relative', 'ftp://a.example', 'javascript:alert(1)'].map(isHttpUrl), [
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
