import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linesAfterDiscount } from '../../server/src/payments/checkout-tax';

const line = (product_id: string, line_total: number) => ({ product_id, line_total });

describe('a discount spread over the lines tax sees', () => {
  it('takes the discount off the eligible lines in proportion, the remainder from the largest', () => {
    const lines = [line('tee', 2500), line('mug', 1200), line('poster', 900)];
    // 1000 over 3700: tee 675, mug 324, 1 left over taken from tee.
    assert.deepEqual(
      linesAfterDiscount(lines, { product_ids: ['tee', 'mug'] }, 1000).map((l) => l.amount),
      [1824, 876, 900],
    );
    assert.deepEqual(
      linesAfterDiscount(lines, { product_ids: null }, 4600).map((l) => l.amount),
      [0, 0, 0],
    );
  });

  it('leaves the lines alone without a discount', () => {
    assert.deepEqual(linesAfterDiscount([line('tee', 2500)], null, 0), [{ product_id: 'tee', amount: 2500, tax_category: null }]);
  });
});
