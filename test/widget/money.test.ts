import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatMoney, minorUnitFactor } from '../../widget/src/cart/money';
import { fill, pickLanguage } from '../../widget/src/i18n';
import { errorText, widgetText } from '../../widget/src/i18n/widget';
import { checkoutText } from '../../widget/src/i18n/checkout';

// Intl separates amount and symbol with a no-break space; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('money formatting', () => {
  it('formats euro cents in the page locale', () => {
    assert.equal(plain(formatMoney(1999, 'eur', 'de-DE')), '19,99 €');
    assert.equal(formatMoney(1999, 'eur', 'en-IE'), '€19.99');
  });

  it('formats dollars with the currency code in any case', () => {
    assert.equal(formatMoney(5400, 'USD', 'en-US'), '$54.00');
    assert.equal(formatMoney(5400, 'usd', 'en-US'), '$54.00');
  });

  it('treats zero-decimal currencies as whole units', () => {
    assert.equal(minorUnitFactor('jpy'), 1);
    assert.equal(formatMoney(500, 'jpy', 'en-US'), '¥500');
  });

  it('treats three-decimal currencies as thousandths', () => {
    assert.equal(minorUnitFactor('kwd'), 1000);
    assert.equal(plain(formatMoney(1234, 'kwd', 'en-US')), 'KWD 1.234');
  });

  it('falls back to English for a locale tag Intl refuses', () => {
    assert.equal(formatMoney(100, 'usd', 'not a locale!'), '$1.00');
  });

  it('prints nothing for amounts that are not numbers instead of NaN', () => {
    assert.equal(formatMoney(Number.NaN, 'usd', 'en'), '');
  });
});

describe('texts', () => {
  it('picks the first supported language and falls back to English', () => {
    assert.equal(pickLanguage('de-AT', 'en'), 'de');
    assert.equal(pickLanguage(undefined, 'fr-CA'), 'fr');
    assert.equal(pickLanguage('pt-BR', 'ja'), 'en');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    assert.equal(fill('{name} added, {n} items', { name: 'Tea', n: 2 }), 'Tea added, 2 items');
    assert.equal(fill('{missing}', {}), '{missing}');
  });

  it('has every English text in German, for the widget and the checkout page', () => {
    // German may have more: it translates refusals that English shows in the server's own words.
    assert.deepEqual(
      Object.keys(widgetText.en!).filter((k) => !(k in widgetText.de!)),
      [],
    );
    for (const lang of ['de', 'fr'] as const) {
      assert.deepEqual(Object.keys(checkoutText[lang]).sort(), Object.keys(checkoutText.en).sort());
    }
  });

  it("shows the seed's message for a store that is not connected and the server's message otherwise", () => {
    assert.match(errorText(widgetText.en!, 'store_not_connected', 'x'), /^Store not connected to Stripe/);
    assert.equal(errorText(widgetText.en!, 'quantity_too_large', 'At most 5 of this product'), 'At most 5 of this product');
    assert.equal(errorText(widgetText.en!, 'weird', ''), widgetText.en!.error_default);
  });
});
