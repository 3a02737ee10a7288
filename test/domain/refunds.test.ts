import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { refundedStatus, refundOf } from '../../server/src/payments/refunds';

describe('what a refund makes of an order', () => {
  it('is refunded once the refunds reach what was paid, and partially refunded before', () => {
    assert.equal(refundedStatus(500, 1), 'partially_refunded');
    assert.equal(refundedStatus(500, 499), 'partially_refunded');
    assert.equal(refundedStatus(500, 500), 'refunded');
  });

  it('reads the amount and status from the charge of a charge.refunded event', () => {
    assert.deepEqual(refundOf({ amount: 2000, amount_refunded: 2000 }, 'pi_1'), { paymentIntentId: 'pi_1', amountRefunded: 2000, status: 'refunded' });
    assert.deepEqual(refundOf({ amount: 2000, amount_refunded: 700 }, 'pi_1'), { paymentIntentId: 'pi_1', amountRefunded: 700, status: 'partially_refunded' });
  });
});
