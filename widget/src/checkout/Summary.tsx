/** The left column: store, test-mode badge, amount and the frozen lines. */
import type { ComponentChildren, JSX } from 'preact';
import { formatMoney } from '../cart/money';
import type { CheckoutText } from '../i18n/checkout';
import type { Amounts, CartLine } from '../../../server/src/wire';
import { initial, Items, Totals } from './Lines';

interface SummaryProps {
  store: string;
  items: CartLine[];
  /** The server's amounts for the session as it stands (subtotal, discount, shipping, tax lines, total). */
  amounts: Amounts;
  /**
   * Shipping's row: the chosen rate's name once the session has an address and a rate (`amounts.shipping` is then
   * its price), null until then ("Enter your address"), undefined when nothing ships.
   */
  rate: string | null | undefined;
  currency: string;
  testMode: boolean;
  t: CheckoutText;
  locale: string;
  /** The applied code as the store defined it ("Discount (WELCOME10)"); the amount is `amounts.discount`. */
  code: string | null;
  /** The discount code field, under the lines. */
  children: ComponentChildren;
}

/** Order summary (lines, subtotal, discount, shipping, tax, total) with a clear "Test mode" badge for test-mode stores. */
export function Summary({ store, items, amounts, rate, currency, testMode, t, locale, code, children }: SummaryProps): JSX.Element {
  const money = (n: number) => formatMoney(n, currency, locale);
  return (
    <section class="summary" aria-labelledby="cb-summary-title">
      <div class="store">
        <span class="store-mark" aria-hidden="true">
          {initial(store) || '◆'}
        </span>
        <span class="store-name">{store}</span>
        {testMode && <span class="test-badge">{t.testMode}</span>}
      </div>
      <p class="amount-label" id="cb-summary-title">
        {t.summary}
      </p>
      <p class="amount" data-amount={amounts.total}>
        {money(amounts.total)}
      </p>
      <Items items={items} money={money} t={t} thumbs />
      {children}
      <Totals amounts={amounts} code={code} rate={rate} money={money} t={t} locale={locale} />
    </section>
  );
}

/** The seed's test cards, shown only in test mode. */
export function TestCards({ t }: { t: CheckoutText }): JSX.Element {
  const cards: Array<[string, string]> = [
    ['4242 4242 4242 4242', t.cardOk],
    ['4000 0000 0000 0002', t.cardDeclined],
    ['4000 0000 0000 9995', t.cardFunds],
  ];
  return (
    <div class="test-cards" role="note">
      <p class="test-title">
        <span class="test-badge">{t.testMode}</span> {t.testHint}
      </p>
      <ul>
        {cards.map(([n, label]) => (
          <li key={n}>
            <code>{n}</code>
            <span>{label}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
