// A store's discount codes as the platform manages them over the internal API: create, list, read, change,
// codes unique per store in any case, and every bad field refused with 4xx JSON naming it, nothing stored changed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer } from '../support/app';
import { call, internal, openShop, type TestServer } from '../support/shop';

const UNKNOWN_STORE = '00000000-0000-4000-8000-000000000000';

describe("a store's discount codes (internal API)", () => {
  let emu: StripeEmulator;
  let server: TestServer;
  let shop: Awaited<ReturnType<typeof openShop>>;
  const path = (rest = '') => `/api/internal/stores/${shop.store.id}/discounts${rest}`;
  const create = (body: unknown) => internal(server, 'POST', path(), body);
  const stored = async () => (await internal(server, 'GET', path())).body.data;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu });
    shop = await openShop(server, emu, 'Discount Shop');
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  it("creates a percent-off code with its terms, in the store's currency, counted from zero", async () => {
    const res = await create({
      code: ' Welcome10 ',
      percent_off: 10,
      min_subtotal: 2000,
      product_ids: ['tee', 'mug', 'tee'],
      starts_at: '2026-01-01T00:00:00Z',
      ends_at: '2027-01-01T01:00:00+01:00',
      max_redemptions: 100,
      once_per_email: true,
    });
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.id, /^disc_[A-Za-z0-9_-]{16}$/);
    const { id, created_at, updated_at, ...rest } = res.body;
    assert.deepEqual(rest, {
      store_id: shop.store.id,
      code: 'Welcome10',
      percent_off: 10,
      amount_off: null,
      currency: 'eur',
      min_subtotal: 2000,
      product_ids: ['tee', 'mug'],
      starts_at: '2026-01-01T00:00:00.000Z',
      ends_at: '2027-01-01T00:00:00.000Z',
      max_redemptions: 100,
      times_redeemed: 0,
      once_per_email: true,
      free_shipping: false,
      active: true,
    });
    assert.equal(created_at, updated_at);
    assert.deepEqual((await internal(server, 'GET', path(`/${id}`))).body, res.body);
  });

  it("creates an amount-off code in the store's currency and a free-shipping-only code", async () => {
    const amount = await create({ code: 'FIVE-OFF', amount_off: 500, currency: 'EUR' });
    assert.equal(amount.status, 201, amount.text);
    assert.deepEqual([amount.body.amount_off, amount.body.currency, amount.body.percent_off], [500, 'eur', null]);
    const ship = await create({ code: 'free_ship', free_shipping: true });
    assert.equal(ship.status, 201, ship.text);
    assert.deepEqual([ship.body.free_shipping, ship.body.currency, ship.body.product_ids], [true, null, null]);
  });

  it("lists the store's codes newest first", async () => {
    const codes = (await stored()).map((d: { code: string }) => d.code);
    assert.deepEqual(codes.slice(0, 3), ['free_ship', 'FIVE-OFF', 'Welcome10']);
  });

  it('refuses a code the store already has, in any case, with 409 and stores nothing', async () => {
    const before = await stored();
    for (const code of ['WELCOME10', 'welcome10', '  wElCoMe10']) {
      const res = await create({ code, amount_off: 100, currency: 'eur' });
      assert.equal(res.status, 409, res.text);
      assert.equal(res.body.error.code, 'discount_code_taken');
      assert.equal(res.body.error.param, 'code');
    }
    assert.deepEqual(await stored(), before);
  });

  it('lets two creates of one code race: exactly one wins', async () => {
    const results = await Promise.all(['RACE', 'race', 'Race', 'rAcE'].map((code) => create({ code, percent_off: 5 })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409]);
  });

  it('deactivates a code and changes its terms with PATCH, keeping what is not sent', async () => {
    const made = (await create({ code: 'SPRING', percent_off: 20, max_redemptions: 5 })).body;
    const off = await internal(server, 'PATCH', path(`/${made.id}`), { active: false });
    assert.equal(off.status, 200, off.text);
    assert.deepEqual({ ...off.body, updated_at: made.updated_at }, { ...made, active: false });
    const swapped = await internal(server, 'PATCH', path(`/${made.id}`), { percent_off: null, amount_off: 300, currency: 'eur', max_redemptions: null });
    assert.equal(swapped.status, 200, swapped.text);
    assert.deepEqual(
      [swapped.body.percent_off, swapped.body.amount_off, swapped.body.currency, swapped.body.max_redemptions, swapped.body.active],
      [null, 300, 'eur', null, false],
    );
    assert.deepEqual((await internal(server, 'GET', path(`/${made.id}`))).body, swapped.body);
  });

  it('keeps every edit of concurrent PATCHes whole (compare-and-set)', async () => {
    const made = (await create({ code: 'BUSY', percent_off: 20 })).body;
    const edits = await Promise.all([
      internal(server, 'PATCH', path(`/${made.id}`), { max_redemptions: 7 }),
      internal(server, 'PATCH', path(`/${made.id}`), { free_shipping: true }),
      internal(server, 'PATCH', path(`/${made.id}`), { min_subtotal: 900 }),
    ]);
    assert.deepEqual(
      edits.map((e) => e.status),
      [200, 200, 200],
      edits.map((e) => e.text).join('\n'),
    );
    const now = (await internal(server, 'GET', path(`/${made.id}`))).body;
    assert.deepEqual([now.max_redemptions, now.free_shipping, now.min_subtotal, now.currency], [7, true, 900, 'eur']);
  });

  it('refuses a bad value of every field with 422 invalid_discount naming it, and stores nothing', async () => {
    const before = await stored();
    const ok = { code: 'GOOD1', percent_off: 10 };
    const cases: [unknown, string][] = [
      [{ percent_off: 10 }, 'code'],
      [{ ...ok, code: 'ab' }, 'code'],
      [{ ...ok, code: 'x'.repeat(41) }, 'code'],
      [{ ...ok, code: 'NO SPACES' }, 'code'],
      [{ ...ok, code: 'ÉTÉ10' }, 'code'],
      [{ ...ok, code: 10 }, 'code'],
      [{ ...ok, percent_off: 0 }, 'percent_off'],
      [{ ...ok, percent_off: 101 }, 'percent_off'],
      [{ ...ok, percent_off: 12.5 }, 'percent_off'],
      [{ ...ok, percent_off: '10' }, 'percent_off'],
      [{ code: 'GOOD1' }, 'percent_off'],
      [{ ...ok, amount_off: 500, currency: 'eur' }, 'amount_off'],
      [{ code: 'GOOD1', amount_off: 0, currency: 'eur' }, 'amount_off'],
      [{ code: 'GOOD1', amount_off: -5, currency: 'eur' }, 'amount_off'],
      [{ code: 'GOOD1', amount_off: 1.5, currency: 'eur' }, 'amount_off'],
      [{ code: 'GOOD1', amount_off: 100_000_000, currency: 'eur' }, 'amount_off'],
      [{ code: 'GOOD1', amount_off: 500 }, 'currency'],
      [{ code: 'GOOD1', amount_off: 500, currency: 'usd' }, 'currency'],
      [{ code: 'GOOD1', amount_off: 500, currency: 'euro' }, 'currency'],
      [{ ...ok, min_subtotal: -1 }, 'min_subtotal'],
      [{ ...ok, min_subtotal: 'lots' }, 'min_subtotal'],
      [{ ...ok, min_subtotal: 100, currency: 'usd' }, 'currency'],
      [{ ...ok, product_ids: [] }, 'product_ids'],
      [{ ...ok, product_ids: 'tee' }, 'product_ids'],
      [{ ...ok, product_ids: ['tee', 'nope'] }, 'product_ids.1'],
      [{ ...ok, product_ids: ['bad id!'] }, 'product_ids.0'],
      [{ ...ok, starts_at: 'tomorrow' }, 'starts_at'],
      [{ ...ok, starts_at: 1767225600000 }, 'starts_at'],
      [{ ...ok, ends_at: '2026-13-01T00:00:00Z' }, 'ends_at'],
      [{ ...ok, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-06-01T00:00:00Z' }, 'ends_at'],
      [{ ...ok, starts_at: '2026-06-02T00:00:00Z', ends_at: '2026-06-01T00:00:00Z' }, 'ends_at'],
      [{ ...ok, max_redemptions: 0 }, 'max_redemptions'],
      [{ ...ok, max_redemptions: 2.5 }, 'max_redemptions'],
      [{ ...ok, once_per_email: 'yes' }, 'once_per_email'],
      [{ ...ok, free_shipping: 1 }, 'free_shipping'],
      [{ ...ok, active: 'false' }, 'active'],
    ];
    for (const [body, param] of cases) {
      const res = await create(body);
      assert.equal(res.status, 422, `${JSON.stringify(body)} → ${res.text}`);
      assert.equal(res.body.error.code, 'invalid_discount', JSON.stringify(body));
      assert.equal(res.body.error.param, param, `${JSON.stringify(body)} → ${res.text}`);
      assert.ok(res.body.error.message.startsWith(`${param}: `), res.body.error.message);
    }
    const unknownField = await create({ ...ok, colour: 'red' });
    assert.equal(unknownField.status, 422, unknownField.text);
    assert.equal(unknownField.body.error.code, 'invalid_discount');
    for (const junk of ['not json', '[1,2]', '"WELCOME"']) {
      const res = await call(server.url, 'POST', path(), junk, { 'X-Internal-Secret': server.internalSecret });
      assert.ok(res.status === 400 || res.status === 422, `${junk} → ${res.text}`);
      assert.ok(res.body.error.code, res.text);
    }
    assert.equal((await create({ ...ok, code: 'NUL\u0000' })).status, 400);
    assert.deepEqual(await stored(), before);
  });

  it('refuses a bad PATCH naming the field and leaves the discount as it was', async () => {
    const made = (await create({ code: 'STEADY', amount_off: 250, currency: 'eur', starts_at: '2026-06-01T00:00:00Z' })).body;
    const at = path(`/${made.id}`);
    const cases: [unknown, string][] = [
      [{ code: 'OTHER' }, 'code'],
      [{ percent_off: 10 }, 'percent_off'],
      [{ amount_off: null }, 'percent_off'],
      [{ amount_off: -1 }, 'amount_off'],
      [{ currency: 'usd' }, 'currency'],
      [{ currency: null }, 'currency'],
      [{ ends_at: '2026-05-01T00:00:00Z' }, 'ends_at'],
      [{ product_ids: ['ghost'] }, 'product_ids.0'],
      [{ max_redemptions: -3 }, 'max_redemptions'],
      [{ active: null }, 'active'],
    ];
    for (const [body, param] of cases) {
      const res = await internal(server, 'PATCH', at, body);
      assert.equal(res.status, 422, `${JSON.stringify(body)} → ${res.text}`);
      assert.equal(res.body.error.code, 'invalid_discount');
      assert.equal(res.body.error.param, param, `${JSON.stringify(body)} → ${res.text}`);
    }
    assert.equal((await internal(server, 'PATCH', at, { times_redeemed: 0 })).status, 422);
    assert.equal((await call(server.url, 'PATCH', at, 'not json', { 'X-Internal-Secret': server.internalSecret })).status, 400);
    assert.deepEqual((await internal(server, 'GET', at)).body, made);
  });

  it("answers 404 for an unknown store, an unknown discount and another store's discount", async () => {
    const other = await openShop(server, emu, 'Other Shop');
    const theirs = (await internal(server, 'POST', `/api/internal/stores/${other.store.id}/discounts`, { code: 'THEIRS', percent_off: 5 })).body;
    const mine = (await stored())[0];
    for (const [method, p, body] of [
      ['GET', path(`/${theirs.id}`)],
      ['PATCH', path(`/${theirs.id}`), { active: false }],
      ['GET', path('/disc_AAAAAAAAAAAAAAAA')],
      ['GET', path('/nope')],
      ['PATCH', path('/nope'), { active: false }],
    ] as [string, string, unknown?][]) {
      const res = await internal(server, method, p, body);
      assert.equal(res.status, 404, `${method} ${p} → ${res.text}`);
      assert.equal(res.body.error.code, 'discount_not_found');
    }
    assert.equal((await internal(server, 'GET', `/api/internal/stores/${other.store.id}/discounts/${theirs.id}`)).body.active, true);
    for (const [method, p] of [
      ['GET', `/api/internal/stores/${UNKNOWN_STORE}/discounts`],
      ['POST', `/api/internal/stores/${UNKNOWN_STORE}/discounts`],
      ['GET', `/api/internal/stores/${UNKNOWN_STORE}/discounts/${mine.id}`],
      ['PATCH', `/api/internal/stores/${UNKNOWN_STORE}/discounts/${mine.id}`],
    ]) {
      const res = await internal(server, method, p, method === 'GET' ? undefined : { code: 'X10', percent_off: 5 });
      assert.equal(res.status, 404, `${method} ${p} → ${res.text}`);
      assert.equal(res.body.error.code, 'store_not_found');
    }
    assert.equal((await internal(server, 'GET', '/api/internal/stores/not-a-uuid/discounts')).status, 400);
  });

  it('answers 401 without the internal secret and changes nothing', async () => {
    const before = await stored();
    for (const [method, p] of [
      ['GET', path()],
      ['POST', path()],
      ['GET', path(`/${before[0].id}`)],
      ['PATCH', path(`/${before[0].id}`)],
    ]) {
      const res = await call(server.url, method, p, method === 'GET' ? undefined : { code: 'SNEAKY', percent_off: 100, active: false });
      assert.equal(res.status, 401, `${method} ${p}`);
      assert.equal(res.body.error.code, 'unauthorized');
    }
    const wrong = await call(server.url, 'POST', path(), { code: 'SNEAKY', percent_off: 100 }, { 'X-Internal-Secret': 'wrong' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(await stored(), before);
  });
});
