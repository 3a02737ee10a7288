// What tax a sale carries, without HTTP or a database: inclusive VAT taken out of the prices, exclusive
// sales tax added on top, the most specific rate winning, and nothing without settings or an address.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeTax, NO_TAX, parseTaxSettings, type TaxSettings } from '../../server/src/payments/tax';

const rates = (list: Record<string, unknown>[], tax_shipping = false): TaxSettings =>
  parseTaxSettings({ mode: 'rates', tax_shipping, rates: list.map((r) => ({ inclusive: false, display_name: 'Tax', ...r })) });
const VAT = rates(
  [
    { country: 'DE', percentage: 19, inclusive: true, display_name: 'VAT' },
    { country: 'DE', percentage: 7, inclusive: true, display_name: 'VAT (reduced)', tax_category: 'food' },
  ],
  true,
);
const US = rates([
  { country: 'US', percentage: 4, display_name: 'Sales tax' },
  { country: 'US', state: 'CA', percentage: 7.25, display_name: 'CA sales tax' },
]);

describe('computing the tax of a sale', () => {
  it('takes inclusive VAT out of the prices and adds nothing to the total', () => {
    // 119.00 holds 19.00 of VAT; shipping 5.95 holds 0.95.
    assert.deepEqual(computeTax(VAT, { country: 'DE' }, [{ amount: 11900 }], 595), {
      lines: [{ display_name: 'VAT', percentage: 19, inclusive: true, amount: 1995 }],
      added: 0,
      included: 1995,
    });
  });

  it("uses a category's own rate for the products of that category and the general one for the rest", () => {
    const tax = computeTax(VAT, { country: 'de' }, [{ amount: 10700, tax_category: 'food' }, { amount: 11900 }], 0);
    assert.deepEqual(
      tax.lines.map((l) => [l.display_name, l.amount]),
      [
        ['VAT (reduced)', 700],
        ['VAT', 1900],
      ],
    );
  });

  it("adds exclusive sales tax on top, the state's rate winning over the country's", () => {
    assert.deepEqual(computeTax(US, { country: 'US', state: 'ca' }, [{ amount: 2000 }, { amount: 1000 }], 500), {
      lines: [{ display_name: 'CA sales tax', percentage: 7.25, inclusive: false, amount: 218 }], // 145 + 72.5 → 73
      added: 218,
      included: 0,
    });
    assert.equal(computeTax(US, { country: 'US', state: 'NY' }, [{ amount: 2000 }], 0).added, 80);
  });

  it('rounds each line half up to a whole minor unit', () => {
    const tax = rates([{ country: 'US', percentage: 5 }]);
    assert.equal(computeTax(tax, { country: 'US' }, [{ amount: 10 }], 0).added, 1); // 0.5 → 1
    assert.equal(computeTax(tax, { country: 'US' }, [{ amount: 9 }], 0).added, 0); // 0.45 → 0
    assert.equal(computeTax(tax, { country: 'US' }, [{ amount: 10 }, { amount: 10 }], 0).added, 2);
  });

  it('taxes shipping only when the settings say so', () => {
    assert.equal(computeTax(US, { country: 'US' }, [], 1000).added, 0);
    assert.equal(computeTax(rates([{ country: 'US', percentage: 10 }], true), { country: 'US' }, [], 1000).added, 100);
  });

  it('charges nothing for an untaxed country, without settings, with prices that include tax, or before an address', () => {
    assert.deepEqual(computeTax(VAT, { country: 'CH' }, [{ amount: 5000 }], 0), NO_TAX);
    assert.deepEqual(computeTax(null, { country: 'DE' }, [{ amount: 5000 }], 0), NO_TAX);
    assert.deepEqual(computeTax({ mode: 'included' }, { country: 'DE' }, [{ amount: 5000 }], 0), NO_TAX);
    assert.deepEqual(computeTax(VAT, null, [{ amount: 5000 }], 0), NO_TAX);
  });
});

describe('validating tax settings', () => {
  const refusal = (input: unknown) => {
    try {
      parseTaxSettings(input);
    } catch (err) {
      const e = err as { code: string; param?: string };
      return [e.code, e.param];
    }
    return null;
  };
  const rate = { country: 'US', percentage: 5, inclusive: false, display_name: 'Tax' };

  it('normalises codes and fills absent optionals', () => {
    assert.deepEqual(parseTaxSettings({ mode: 'rates', rates: [{ ...rate, country: 'us', state: 'ny' }] }), {
      mode: 'rates',
      tax_shipping: false,
      rates: [{ ...rate, state: 'NY', tax_category: null }],
    });
    assert.deepEqual(parseTaxSettings({ mode: 'included' }), { mode: 'included' });
  });

  it('refuses each bad field with invalid_tax_settings naming it', () => {
    assert.deepEqual(refusal({ mode: 'stripe' }), ['invalid_tax_settings', 'mode']);
    assert.deepEqual(refusal({ mode: 'rates', rates: [] }), ['invalid_tax_settings', 'rates']);
    assert.deepEqual(refusal({ mode: 'rates', rates: [{ ...rate, country: 'XX' }] }), ['invalid_tax_settings', 'rates.0.country']);
    assert.deepEqual(refusal({ mode: 'rates', rates: [{ ...rate, percentage: 0 }] }), ['invalid_tax_settings', 'rates.0.percentage']);
    assert.deepEqual(refusal({ mode: 'rates', rates: [{ ...rate, percentage: 101 }] }), ['invalid_tax_settings', 'rates.0.percentage']);
    assert.deepEqual(refusal({ mode: 'rates', rates: [{ ...rate, percentage: 7.12345 }] }), ['invalid_tax_settings', 'rates.0.percentage']);
    assert.deepEqual(refusal({ mode: 'rates', rates: [{ ...rate, country: 'DE', state: 'BY' }] }), ['invalid_tax_settings', 'rates.0.state']);
    assert.deepEqual(refusal({ mode: 'rates', rates: [rate, rate] }), ['invalid_tax_settings', 'rates.1.country']);
    assert.deepEqual(refusal({ mode: 'rates', rates: [{ ...rate, display_name: ' ' }] }), ['invalid_tax_settings', 'rates.0.display_name']);
    assert.deepEqual(refusal({ mode: 'rates', rates: [{ ...rate, tax_category: 'Food!' }] }), ['invalid_tax_settings', 'rates.0.tax_category']);
    assert.deepEqual(refusal({ mode: 'included', rates: [rate] }), ['invalid_tax_settings', undefined]);
  });
});
