// A webhook path naming a store without a webhook secret is refused before its body is
// buffered, so junk posts cost no 512 KB each.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../support/app';
import { call, type TestServer } from '../support/shop';

describe('webhook posts for stores that have no webhook secret', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.destroy());

  const big = 'x'.repeat(600 * 1024);

  it('answers a 600 KB post to a store that never connected Stripe with 400 webhook_signature_invalid, not 413', async () => {
    const store = await server.createStore({ name: 'Unconnected Shop' });
    const res = await call(server.url, 'POST', `/stripe/webhooks/${store.id}`, big, { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.code, 'webhook_signature_invalid');
  });

  it('answers the same for a store id that does not exist', async () => {
    const res = await call(server.url, 'POST', '/stripe/webhooks/store_nope', big, { 'Content-Type': 'application/json' });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.code, 'webhook_signature_invalid');
  });
});
