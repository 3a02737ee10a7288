// The checkout page's details sync (widget/src/checkout/details-sync.ts) without a browser: one request at a time,
// the latest state wins, a typing pause, new addresses forget the chosen rate, flush, and no stuck "running" state.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detailsSync } from '../../widget/src/checkout/details-sync';
import type { CheckoutDetailsInput, DetailsAnswer } from '../../server/src/wire';

const answer = (total: number): DetailsAnswer => ({
  details: {
    email: null,
    shipping: null,
    shipping_rates: [],
    discount: null,
    amounts: { subtotal: total, discount: 0, shipping: 0, tax: 0, tax_lines: [], total },
    complete: false,
  },
  amount: total,
  currency: 'usd',
});
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const address = (country: string) => ({ name: 'Ada', address: { line1: '1 Main St', line2: null, city: 'X', state: null, postal_code: '1', country } });

function harness(initial: CheckoutDetailsInput = {}, fail?: (input: CheckoutDetailsInput) => Error | null) {
  const sent: CheckoutDetailsInput[] = [];
  const pending: boolean[] = [];
  const errors: unknown[] = [];
  let inFlight = 0;
  const sync = detailsSync(initial, {
    async send(input) {
      inFlight++;
      assert.equal(inFlight, 1, 'one request at a time');
      sent.push(input);
      await tick(5);
      inFlight--;
      const err = fail?.(input);
      if (err) throw err;
      return answer(sent.length);
    },
    onAnswer: () => undefined,
    onError: (e) => errors.push(e),
    onPending: (p) => pending.push(p),
  });
  return { sync, sent, pending, errors };
}

describe('details sync', () => {
  it('sends only the latest state after a typing pause, one request at a time', async () => {
    const h = harness();
    h.sync.change({ email: 'a@example.com' }, 20);
    h.sync.change({ email: 'ab@example.com' }, 20);
    await tick(5);
    assert.deepEqual(h.sent, []);
    await h.sync.flush();
    assert.deepEqual(h.sent, [{ email: 'ab@example.com' }]);
    assert.equal(h.sync.pending, false);
  });

  it('sends nothing for a change that changes nothing', async () => {
    const h = harness({ email: 'a@example.com' });
    h.sync.change({ email: 'a@example.com' }, 0);
    await tick(20);
    assert.deepEqual(h.sent, []);
    assert.deepEqual(h.pending, []);
  });

  it('forgets the chosen rate for a new address, keeps it for the same one', async () => {
    const h = harness({ shipping: address('US'), shipping_rate_id: 'express' });
    h.sync.change({ shipping: address('US') }, 0);
    await tick(20);
    assert.deepEqual(h.sent, [], 'same address: nothing to send');
    h.sync.change({ shipping: address('DE') }, 0);
    await h.sync.flush();
    assert.deepEqual(h.sent, [{ shipping: address('DE') }]);
    h.sync.change({ shipping_rate_id: 'standard' }, 0);
    await h.sync.flush();
    assert.deepEqual(h.sent[1], { shipping: address('DE'), shipping_rate_id: 'standard' });
  });

  it('keeps sending after a pause timer fires for a change the running request already sent', async () => {
    const h = harness();
    h.sync.change({ email: 'a@example.com' }, 0); // request 1 in flight
    h.sync.change({ shipping: address('US') }, 15); // request 2 takes it when 1 answers; its timer fires after 2 answered
    await tick(30);
    h.sync.change({ shipping_rate_id: 'express' }, 0);
    await tick(30);
    assert.deepEqual(h.sent.at(-1), { email: 'a@example.com', shipping: address('US'), shipping_rate_id: 'express' });
    assert.equal(h.sync.pending, false, 'not stuck pending');
  });

  it('rejects flush with the refusal and asks again on the next flush', async () => {
    let refuse = true;
    const h = harness({}, () => (refuse ? Object.assign(new Error('no'), { code: 'shipping_country_unsupported' }) : null));
    h.sync.change({ shipping: address('CA') }, 0);
    await assert.rejects(h.sync.flush(), /no/);
    assert.equal(h.errors.length, 1);
    refuse = false;
    await h.sync.flush();
    assert.equal(h.sent.length, 2, 'the refused state was sent again');
  });
});
