// The platform's webhook endpoints over HTTP with the real app: the signing secret is answered once (at
// creation, and at each rotation), sealed at rest, never in another answer or a log line; every bad input is a
// 4xx naming its field, with nothing stored.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { webhookEndpointSecretBinding } from '../../server/src/crypto/bindings';
import { randomBytes } from 'node:crypto';
import { resealAll } from '../../server/src/crypto/reseal';
import { SealError, Sealer } from '../../server/src/crypto/seal';
import { checkEndpointUrl } from '../../server/src/platform-webhooks/endpoints';
import { startTestServer, type TestServer, type TestStore } from '../support/app';
import { assertNoSecrets } from '../support/secrets';

const DAY = 24 * 60 * 60 * 1000;
const BASE = '/webhook-endpoints';
const UNKNOWN_STORE = '00000000-0000-4000-8000-000000000000';

describe('webhook endpoints of the platform', () => {
  const clock = manualClock(Date.now());
  let server: TestServer;
  let store: TestStore;
  /** Every secret any answer gave, for the checks that none shows up anywhere else. */
  const secrets: string[] = [];

  before(async () => {
    server = await startTestServer({ clock });
    store = await server.createStore({ name: 'Hook Shop' });
  });
  after(async () => {
    await server.destroy();
  });

  const create = async (body: Record<string, unknown> = {}) => {
    const res = await server.internal('POST', BASE, { url: 'http://127.0.0.1:9/hooks', event_types: ['order.paid'], ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    secrets.push(res.body.secret);
    return res.body;
  };
  const sealedRow = async (id: string) =>
    (
      await server.sql<{ secret_sealed: string; previous_secret_sealed: string | null }>(
        'SELECT secret_sealed, previous_secret_sealed FROM webhook_endpoints WHERE id = ?',
        [id],
      )
    )[0];
  const everyRow = () => server.sql('SELECT * FROM webhook_endpoints ORDER BY id');

  it('answers a new endpoint with its whsec_ secret of 32 random bytes, once', async () => {
    const ep = await create({ event_types: ['order.paid', 'order.refunded', 'order.paid'], store_ids: [store.id.toUpperCase()] });
    assert.match(ep.id, /^we_[A-Za-z0-9_-]{16}$/);
    assert.match(ep.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(ep.secret.slice(6), 'base64').length, 32);
    assert.deepEqual(
      {
        url: ep.url,
        event_types: ep.event_types,
        store_ids: ep.store_ids,
        enabled: ep.enabled,
        disabled_reason: ep.disabled_reason,
        previous: ep.previous_secret_expires_at,
      },
      {
        url: 'http://127.0.0.1:9/hooks',
        event_types: ['order.paid', 'order.refunded'],
        store_ids: [store.id],
        enabled: true,
        disabled_reason: null,
        previous: null,
      },
    );
    assert.notEqual((await create()).secret, ep.secret, 'each endpoint gets a secret of its own');
  });

  it('never shows the secret again: not in GET, not in the list', async () => {
    const ep = await create();
    const one = await server.internal('GET', `${BASE}/${ep.id}`);
    const list = await server.internal('GET', BASE);
    assert.equal(one.status, 200);
    assert.equal('secret' in one.body, false);
    assert.ok(list.body.data.some((e: { id: string }) => e.id === ep.id));
    assertNoSecrets(JSON.stringify([one.body, list.body]), secrets, 'GET answers');
  });

  it("keeps the secret only sealed at rest, opening as this endpoint's current secret and nowhere else", async () => {
    const ep = await create();
    const other = await create();
    assertNoSecrets(await server.atRest(), secrets, 'the database');
    const { secret_sealed } = await sealedRow(ep.id);
    assert.match(secret_sealed, /^v2\./);
    const sealer = server.deps.sealer;
    assert.equal(sealer.open(webhookEndpointSecretBinding(ep.id, 'current'), secret_sealed), ep.secret);
    assert.throws(() => sealer.open(webhookEndpointSecretBinding(ep.id, 'previous'), secret_sealed), SealError);
    assert.throws(() => sealer.open(webhookEndpointSecretBinding(other.id, 'current'), secret_sealed), SealError);
  });

  it('changes event types, stores and the enabled flag with PATCH, keeping the fields left out', async () => {
    const ep = await create({ store_ids: [store.id] });
    clock.advance(1000);
    const events = await server.internal('PATCH', `${BASE}/${ep.id}`, { event_types: ['store.stripe.keys_invalid'], store_ids: null });
    assert.equal(events.status, 200);
    assert.deepEqual([events.body.event_types, events.body.store_ids, events.body.url], [['store.stripe.keys_invalid'], null, ep.url]);
    assert.ok(events.body.updated_at > ep.updated_at);
    assert.equal((await server.internal('PATCH', `${BASE}/${ep.id}`, { enabled: false })).body.enabled, false);
    const back = await server.internal('PATCH', `${BASE}/${ep.id}`, { enabled: true, url: 'https://bmos.example/hooks' });
    assert.deepEqual([back.body.enabled, back.body.url, back.body.event_types], [true, 'https://bmos.example/hooks', ['store.stripe.keys_invalid']]);
    assert.deepEqual((await server.internal('GET', `${BASE}/${ep.id}`)).body, back.body);
  });

  it('deletes an endpoint: gone from GET and the list, and a second delete is 404', async () => {
    const ep = await create();
    const gone = await server.internal('DELETE', `${BASE}/${ep.id}`);
    assert.deepEqual([gone.status, gone.body], [200, { id: ep.id, deleted: true }]);
    assert.equal((await server.internal('GET', `${BASE}/${ep.id}`)).body.error.code, 'webhook_endpoint_not_found');
    assert.ok(!(await server.internal('GET', BASE)).body.data.some((e: { id: string }) => e.id === ep.id));
    assert.equal((await server.internal('DELETE', `${BASE}/${ep.id}`)).status, 404);
    assert.equal((await server.sql('SELECT id FROM webhook_endpoints WHERE id = ?', [ep.id])).length, 0);
  });

  it('rotates the secret: a new one, answered once, while the former keeps signing for 24 hours', async () => {
    const ep = await create();
    const rotated = await server.internal('POST', `${BASE}/${ep.id}/rotate-secret`);
    assert.equal(rotated.status, 200);
    secrets.push(rotated.body.secret);
    assert.match(rotated.body.secret, /^whsec_/);
    assert.notEqual(rotated.body.secret, ep.secret);
    assert.equal(rotated.body.previous_secret_expires_at, new Date(clock.now() + DAY).toISOString());

    const row = await sealedRow(ep.id);
    const sealer = server.deps.sealer;
    assert.equal(sealer.open(webhookEndpointSecretBinding(ep.id, 'current'), row.secret_sealed), rotated.body.secret);
    assert.equal(sealer.open(webhookEndpointSecretBinding(ep.id, 'previous'), row.previous_secret_sealed!), ep.secret);
    assert.equal('secret' in (await server.internal('GET', `${BASE}/${ep.id}`)).body, false);
    assertNoSecrets(await server.atRest(), secrets, 'the database');

    clock.advance(DAY + 1);
    assert.equal((await server.internal('GET', `${BASE}/${ep.id}`)).body.previous_secret_expires_at, null, 'the overlap is over');
  });

  it('keeps only the secret it replaces when rotated twice within the overlap', async () => {
    const ep = await create();
    const first = (await server.internal('POST', `${BASE}/${ep.id}/rotate-secret`)).body.secret;
    const second = (await server.internal('POST', `${BASE}/${ep.id}/rotate-secret`)).body.secret;
    secrets.push(first, second);
    const row = await sealedRow(ep.id);
    assert.equal(server.deps.sealer.open(webhookEndpointSecretBinding(ep.id, 'previous'), row.previous_secret_sealed!), first);
    assert.equal(server.deps.sealer.open(webhookEndpointSecretBinding(ep.id, 'current'), row.secret_sealed), second);
  });

  it('refuses bad input on every field with a 4xx naming it in param, and stores nothing', async () => {
    const ep = await create();
    const cases: [string, Record<string, unknown>, string][] = [
      ['no url', { url: undefined }, 'url'],
      ['a url of another type', { url: 42 }, 'url'],
      ['a url that is not one', { url: 'not a url' }, 'url'],
      ['an ftp url', { url: 'ftp://bmos.example/hooks' }, 'url'],
      ['a url with a password', { url: 'https://user:pw@bmos.example/hooks' }, 'url'],
      ['a url too long', { url: `https://bmos.example/${'a'.repeat(2100)}` }, 'url'],
      ['no event types', { event_types: undefined }, 'event_types'],
      ['an empty event list', { event_types: [] }, 'event_types'],
      ['an unknown event type', { event_types: ['order.paid', 'order.shipped'] }, 'event_types.1'],
      ['event types as a string', { event_types: 'order.paid' }, 'event_types'],
      ['an empty store list', { store_ids: [] }, 'store_ids'],
      ['a store id that is no UUID', { store_ids: ['shop-1'] }, 'store_ids.0'],
      ['a store that does not exist', { store_ids: [store.id, UNKNOWN_STORE] }, 'store_ids.1'],
      ['enabled as a string', { enabled: 'yes' }, 'enabled'],
    ];
    const before = await everyRow();
    for (const [what, change, param] of cases) {
      const attempts: [string, string, unknown][] = [['POST', BASE, { url: 'https://bmos.example/hooks', event_types: ['order.paid'], ...change }]];
      // A PATCH may leave any field out: only the bad values are PATCH cases.
      if (!Object.values(change).includes(undefined)) attempts.push(['PATCH', `${BASE}/${ep.id}`, change]);
      for (const [method, path, body] of attempts) {
        const res = await server.internal(method, path, body);
        assert.ok(res.status >= 400 && res.status < 500, `${method} with ${what}: ${res.status}`);
        assert.equal(res.body.error.code, 'invalid_request', `${method} with ${what}`);
        assert.equal(res.body.error.param, param, `${method} with ${what}: ${res.body.error.message}`);
      }
    }
    // An unknown field is refused too; as everywhere in the API, param names the object holding it (none here).
    for (const [method, path] of [
      ['POST', BASE],
      ['PATCH', `${BASE}/${ep.id}`],
    ]) {
      const res = await server.internal(method, path, { url: 'https://bmos.example/hooks', event_types: ['order.paid'], secret: 'whsec_mine' });
      assert.deepEqual([res.status, res.body.error.code, res.body.error.param], [400, 'invalid_request', undefined], `${method} with an unknown field`);
      assert.match(res.body.error.message, /secret/);
    }
    const junk = await fetch(`${server.url}/api/internal${BASE}`, {
      method: 'POST',
      headers: { 'X-Internal-Secret': server.internalSecret, 'Content-Type': 'application/json' },
      body: '{"url":',
    });
    assert.equal(junk.status, 400);
    assert.equal((await server.internal('PATCH', `${BASE}/we_nope`, { enabled: false })).status, 404);
    assert.equal((await server.internal('POST', `${BASE}/we_nope/rotate-secret`)).status, 404);
    assert.deepEqual(await everyRow(), before, 'a refused request changed what is stored');
  });

  it('takes https anywhere, and plain http only outside production', () => {
    assert.equal(checkEndpointUrl('https://bmos.example/hooks', 'production'), 'https://bmos.example/hooks');
    assert.equal(checkEndpointUrl('http://127.0.0.1:8080/hooks', 'test'), 'http://127.0.0.1:8080/hooks');
    assert.equal(checkEndpointUrl('http://127.0.0.1:8080/hooks', 'development'), 'http://127.0.0.1:8080/hooks');
    assert.throws(
      () => checkEndpointUrl('http://bmos.example/hooks', 'production'),
      (err: { param?: string; status?: number }) => err.param === 'url' && err.status === 400,
    );
  });

  it('answers 401 on every route without the right X-Internal-Secret', async () => {
    const ep = await create();
    const routes: [string, string][] = [
      ['POST', BASE],
      ['GET', BASE],
      ['GET', `${BASE}/${ep.id}`],
      ['PATCH', `${BASE}/${ep.id}`],
      ['DELETE', `${BASE}/${ep.id}`],
      ['POST', `${BASE}/${ep.id}/rotate-secret`],
    ];
    for (const [method, path] of routes) {
      for (const headers of [{}, { 'X-Internal-Secret': 'wrong' }] as Record<string, string>[]) {
        const res = await fetch(`${server.url}/api/internal${path}`, {
          method,
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: method === 'GET' ? undefined : '{}',
        });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unauthorized');
      }
    }
    assert.equal((await server.internal('GET', `${BASE}/${ep.id}`)).status, 200, 'nothing was deleted');
  });

  it('moves both secrets of an endpoint to a new master key when the master key is rotated', async () => {
    const ep = await create();
    secrets.push((await server.internal('POST', `${BASE}/${ep.id}/rotate-secret`)).body.secret);
    const before = await sealedRow(ep.id);
    // Last but one: from here on the server's own sealer (the old key) opens none of the re-sealed boxes.
    const newKey = new Uint8Array(randomBytes(32));
    const next = new Sealer(newKey, [server.config.masterKey]);
    assert.ok((await resealAll(server.deps.storage.sealed, next)) >= 2);
    const after = await sealedRow(ep.id);
    const onlyNew = new Sealer(newKey);
    assert.equal(
      onlyNew.open(webhookEndpointSecretBinding(ep.id, 'previous'), after.previous_secret_sealed!),
      next.open(webhookEndpointSecretBinding(ep.id, 'previous'), before.previous_secret_sealed!),
    );
    assert.equal(onlyNew.open(webhookEndpointSecretBinding(ep.id, 'current'), after.secret_sealed), secrets.at(-1));
  });

  it('writes no secret to any log line', () => {
    assert.ok(secrets.length >= 10, 'the tests above made secrets');
    assert.ok(server.logs.length > 0, 'the server logged');
    assertNoSecrets(server.logs.join('\n'), secrets, 'the logs');
  });
});
