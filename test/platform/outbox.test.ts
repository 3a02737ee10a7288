// The outbox's storage contract on the engine TEST_DATABASE names, without the app: an event is stored with
// the change it reports or not at all, fanned out to the endpoints subscribed at that moment, and claims never
// hand one delivery (or two of one endpoint) to two instances. Two Storage instances on one database race.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../../server/src/clock';
import { subscribes } from '../../server/src/platform-webhooks/announce';
import type { EventType } from '../../server/src/platform-webhooks/events';
import type { Announce, DeliveryOutcome, Storage, StripeConnection } from '../../server/src/storage/port';
import { TEST_ENGINE } from '../support/app';
import { throwawayStorage, type ThrowawayStorage } from '../support/storage';

const clock = manualClock();
let db: ThrowawayStorage;
let a: Storage;
let b: Storage;
const racers = () => [a, b, a, b, a, b];
const uid = (prefix = '') => `${prefix}${randomBytes(6).toString('hex')}`;

before(async () => {
  db = await throwawayStorage(clock);
  a = db.storage;
  b = await db.open();
});
after(() => db.destroy());

const conn = (storeId: string): StripeConnection => ({
  store_id: storeId,
  account_id: 'acct_1',
  account_name: 'A',
  publishable_key: 'pk_test_1',
  secret_key_sealed: 'sealed-sk',
  key_type: 'secret',
  livemode: false,
  key_status: 'valid',
  webhook_endpoint_id: null,
  webhook_secret_sealed: null,
  connected_at: clock.now(),
  last_error: null,
});
const link = () => ({ signature: uid('sig_'), expiresAt: clock.now() + 60_000 });
/** An announcement as the domain makes one, with a fixed id when given. */
const announce =
  (type: EventType, id = uid('evt_')): Announce<StripeConnection> =>
  (c) => ({
    id,
    type,
    store_id: c.store_id,
    created_at: clock.now(),
    payload: JSON.stringify({ store_id: c.store_id }),
    subscribes: (e) => subscribes(e, type, c.store_id),
  });
const endpoint = (over: { event_types?: string[]; store_ids?: string[] | null; enabled?: boolean } = {}) =>
  a.webhookEndpoints.create({
    id: uid('we_'),
    url: 'https://bmos.example/hooks',
    event_types: ['store.stripe.connected'],
    store_ids: null,
    enabled: true,
    secret_sealed: 's',
    ...over,
  });
const newStore = async () => (await a.stores.create({ id: uid('st_'), name: 'Outbox Shop', allowed_origins: [], default_currency: 'usd' }))!;
const delivered: DeliveryOutcome = { status: 'delivered', nextAttemptAt: null, statusCode: 200, error: null, disableEndpoint: null };

describe(`the platform's outbox on ${TEST_ENGINE === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('stores the event with the change, one delivery per endpoint subscribed at that moment', async () => {
    const store = await newStore();
    const everyStore = await endpoint();
    const thisStore = await endpoint({ store_ids: [store.id] });
    await endpoint({ store_ids: [uid('st_')] }); // another store's
    await endpoint({ event_types: ['order.paid'] }); // another type
    await endpoint({ enabled: false });
    const id = uid('evt_');
    await a.stores.saveConnection(conn(store.id), link(), announce('store.stripe.connected', id));
    const mine = (await a.webhookDeliveries.claim('inst_a/webhooks', 1000, 60_000)).filter((d) => d.event_id === id);
    assert.deepEqual(mine.map((d) => d.endpoint_id).sort(), [everyStore.id, thisStore.id].sort());
    assert.ok(mine.every((d) => d.event_type === 'store.stripe.connected' && d.store_id === store.id && d.attempts === 0));
    for (const d of mine) assert.equal(await a.webhookDeliveries.settle(d.seq, 'inst_a/webhooks', delivered), true);
    await a.webhookDeliveries.release('inst_a/webhooks');
    await a.webhookEndpoints.delete(everyStore.id);
  });

  it('stores neither when one fails: an event id taken already rolls the change back', async () => {
    const store = await newStore();
    const taken = uid('evt_');
    await a.stores.saveConnection(conn(store.id), link(), announce('store.stripe.connected', taken));
    await assert.rejects(a.stores.markKeyInvalid(store.id, 'refused', announce('store.stripe.keys_invalid', taken)));
    assert.equal((await a.stores.getConnection(store.id))!.key_status, 'valid', 'the key is still valid: nothing was written');
    assert.equal(await a.stores.markKeyInvalid(store.id, 'refused', announce('store.stripe.keys_invalid')), true);
  });

  it('writes nothing when the use-case changes nothing, and asks no announcement then', async () => {
    const store = await newStore();
    let asked = 0;
    const counting: Announce<StripeConnection> = (c) => (asked++, announce('store.stripe.disconnected')(c));
    assert.equal(await a.stores.disconnect(store.id, counting), null);
    assert.equal(await a.stores.markKeyInvalid(store.id, 'x', counting), false);
    assert.equal(asked, 0);
  });

  it('claims one delivery per endpoint at a time across instances, the oldest first; an expired claim is taken over', async () => {
    const ep = await endpoint({ event_types: ['store.stripe.disconnected'] });
    const store = await newStore();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await a.stores.saveConnection(conn(store.id), link());
      const id = uid('evt_');
      ids.push(id);
      await a.stores.disconnect(store.id, announce('store.stripe.disconnected', id));
    }
    const claims = await Promise.all(racers().map((s, i) => s.webhookDeliveries.claim(`inst_${i}/webhooks`, 10, 60_000)));
    const got = claims.flat().filter((d) => d.endpoint_id === ep.id);
    assert.equal(got.length, 1, 'one in flight for the endpoint');
    assert.equal(got[0].event_id, ids[0], 'the oldest');
    const holder = `inst_${claims.findIndex((c) => c.some((d) => d.endpoint_id === ep.id))}/webhooks`;
    clock.advance(60_001);
    const [taken] = (await b.webhookDeliveries.claim('inst_new/webhooks', 10, 60_000)).filter((d) => d.endpoint_id === ep.id);
    assert.equal(taken.event_id, ids[0], 'the expired claim is taken over');
    assert.equal(await a.webhookDeliveries.settle(taken.seq, holder, delivered), false, 'the former holder writes nothing');
    assert.equal(await b.webhookDeliveries.settle(taken.seq, 'inst_new/webhooks', delivered), true);
    const next = (await a.webhookDeliveries.claim('inst_new/webhooks', 10, 60_000)).filter((d) => d.endpoint_id === ep.id);
    assert.deepEqual(
      next.map((d) => d.event_id),
      [ids[1]],
    );
    assert.equal(await a.webhookDeliveries.release('inst_new/webhooks'), 1);
  });
});
