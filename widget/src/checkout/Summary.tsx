/** The left column: store, test-mode badge, amount and the frozen lines. */
import type { ComponentChildren, JSX } from 'preact';
import { formatMoney } from '../cart/money';
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';
import type { Amounts, CartLine } from '../../../server/src/wire';

interface SummaryProps {
  store: string;
  items: CartLine[];
  /** The server's amounts for the session as it stands (subtotal, shipping, total). */
  amounts: Amounts;
  /** True when shipping is part of this order; its row reads "Enter your address" until there is one. */
  ships: boolean;
  /** The chosen rate's name once the session has an address and a rate (`amounts.shipping` is then its price). */
  rate: string | null;
  currency: string;
  testMode: boolean;
  t: CheckoutText;
  locale: string;
  /** The applied code's name when the page knows it ("Discount (WELCOME10)"); the amount is `amounts.discount`. */
  code: string | null;
  /** The discount code field, under the lines. */
  children: ComponentChildren;
}

/** Order summary (lines, subtotal, shipping, total) with a clear "Test mode" badge for test-mode stores. */
export function Summary({ store, items, amounts, ships, rate, currency, testMode, t, locale, code, children }: SummaryProps): JSX.Element {
  const money = (n: number) => formatMoney(n, currency, locale);
  return (
    <section class="summary" aria-labelledby="cb-summary-title">
      <div class="store">
        <span class="store-mark" aria-hidden="true">{store.trim().charAt(0).toUpperCase() || '◆'}</span>
        <span class="store-name">{store}</span>
        {testMode && <span class="test-badge">{t.testMode}</span>}
      </div>
      <p class="amount-label" id="cb-summary-title">{t.summary}</p>
      <p class="amount" data-amount={amounts.total}>{money(amounts.total)}</p>
      <ul class="items">
        {items.map((i) => (
          <li key={i.product_id}>
            <span class="item-thumb" aria-hidden="true">{i.name.trim().charAt(0).toUpperCase()}</span>
            <span class="item-main">
              <span class="item-name">{i.name}</span>
              <span class="item-qty">{fill(t.qty, { n: i.quantity })}</span>
            </span>
            <span class="item-total">{money(i.line_total)}</span>
          </li>
        ))}
      </ul>
      {children}
      {(ships || amounts.discount > 0) && (
        <dl class="subtotals">
          <div>
            <dt>{t.subtotal}</dt>
            <dd data-subtotal={amounts.subtotal}>{money(amounts.subtotal)}</dd>
          </div>
          {amounts.discount > 0 && (
            <div>
              <dt>{code ? `${t.discount} (${code})` : t.discount}</dt>
              <dd data-discount={amounts.discount}>−{money(amounts.discount)}</dd>
            </div>
          )}
          {ships && <div>
            <dt>{rate === null ? t.shipping : `${t.shipping} · ${rate}`}</dt>
            <dd data-shipping={rate === null ? '' : amounts.shipping} class={rate === null ? 'pending' : ''}>
              {rate === null ? t.shippingPending : amounts.shipping === 0 ? t.free : money(amounts.shipping)}
            </dd>
          </div>}
        </dl>
      )}
      <div class="total-row">
        <span>{t.total}</span>
        <span data-total={amounts.total}>{money(amounts.total)}</span>
      </div>
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
      <p class="test-title"><span class="test-badge">{t.testMode}</span> {t.testHint}</p>
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
