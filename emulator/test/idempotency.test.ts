import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../../server/src/clock';
import { startStripeEmulator, type AccountInfo, type StripeEmulator } from '../src/index';
import { client, raw, stripeError } from './helpers';

describe('stripe emulator: idempotency', () => {
  const clock = manualClock(Date.UTC(2026, 5, 1));
  let emu: StripeEmulator;
  let acct: AccountInfo;
  before(async () => {
    emu = await startStripeEmulator({ port: 0, clock });
    acct = emu.createAccount('Idem');
  });
  after(() => emu.close());

  it('replays the first answer for the same key and parameters, with Idempotent-Replayed', async () => {
    const stripe = client(emu, acct.keys.test.secret);
    const first = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { a: '1' } }, { idempotencyKey: 'k1' });
    const second = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { a: '1' } }, { idempotencyKey: 'k1' });
    assert.equal(second.id, first.id);
    assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
    assert.equal(first.lastResponse.headers['idempotent-replayed'], undefined);
    const list = await stripe.paymentIntents.list({ limit: 100 });
    assert.equal(list.data.filter((p) => p.id === first.id).length, 1);
    assert.equal(list.data.length, 1);
  });

  it('replays a card error too, without charging again', async () => {
    const stripe = client(emu, acct.keys.test.secret);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const a = await stripeError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' }, { idempotencyKey: 'decl' }));
    const b = await stripeError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' }, { idempotencyKey: 'decl' }));
    assert.equal(a.charge, b.charge);
    assert.equal(b.headers?.['idempotent-replayed'], 'true');
  });

  it('refuses the same key with different parameters with 400 idempotency_error', async () => {
    const stripe = client(emu, acct.keys.test.secret);
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'k2' });
    const err = await stripeError(() => stripe.paymentIntents.create({ amount: 2000, currency: 'usd' }, { idempotencyKey: 'k2' }));
    assert.equal(err.type, 'StripeIdempotencyError');
    assert.equal(err.statusCode, 400);
    assert.equal(err.rawType, 'idempotency_error');
    assert.match(err.message, /Keys for idempotent requests can only be used with the same parameters they were first used with/);
  });

  it('refuses the same key on another endpoint', async () => {
    const stripe = client(emu, acct.keys.test.secret);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'k3' });
    const err = await stripeError(() => stripe.paymentIntents.cancel(pi.id, {}, { idempotencyKey: 'k3' }));
    assert.equal(err.rawType, 'idempotency_error');
  });

  it('keeps keys per API key: another account may reuse the same key', async () => {
    const other = emu.createAccount('Other');
    const a = await client(emu, acct.keys.test.secret).paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'shared' });
    const b = await client(emu, other.keys.test.secret).paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'shared' });
    assert.notEqual(a.id, b.id);
  });

  it('does not keep validation errors, so a corrected retry with the same key runs', async () => {
    const res = await raw(emu, 'POST', '/v1/payment_intents', {
      key: acct.keys.test.secret,
      form: { amount: '10', currency: 'usd' },
      headers: { 'Idempotency-Key': 'k4' },
    });
    assert.equal(res.json.error.code, 'amount_too_small');
    const ok = await client(emu, acct.keys.test.secret).paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'k4' });
    assert.equal(ok.amount, 1000);
  });

  it('forgets keys after 24 hours', async () => {
    const stripe = client(emu, acct.keys.test.secret);
    const first = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'k5' });
    clock.advance(23 * 3600 * 1000);
    assert.equal((await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'k5' })).id, first.id);
    clock.advance(2 * 3600 * 1000);
    const later = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' }, { idempotencyKey: 'k5' });
    assert.notEqual(later.id, first.id);
    assert.equal(later.amount, 2000);
  });
});
