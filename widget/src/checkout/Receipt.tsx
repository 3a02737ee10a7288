/** The receipt after a successful payment: items, amount, order id, and the way back to the store. */
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { formatMoney } from '../cart/money';
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';
import type { CartLine, Order } from '../../../server/src/wire';

interface ReceiptProps {
  order: Order;
  store: string;
  items: CartLine[];
  t: CheckoutText;
  locale: string;
  onContinue: () => void;
}

/** Receipt view; focus moves to its heading so screen readers announce the result. */
export function Receipt({ order, store, items, t, locale, onContinue }: ReceiptProps): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const money = (n: number) => formatMoney(n, order.currency, locale);
  return (
    <section class="receipt" aria-labelledby="cb-receipt-title">
      <div class="check" aria-hidden="true">
        <svg viewBox="0 0 24 24" width="30" height="30" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round">
          <path d="M5 12.5l4.5 4.5L19 7.5" />
        </svg>
      </div>
      <h1 id="cb-receipt-title" tabIndex={-1} ref={heading}>{t.thanks}</h1>
      <p class="muted">{fill(t.receiptFor, { store })}</p>
      <dl class="facts">
        <div>
          <dt>{t.paid}</dt>
          <dd data-paid="">{money(order.amount)}</dd>
        </div>
        <div>
          <dt>{t.order}</dt>
          <dd><code data-order-id="">{order.id}</code></dd>
        </div>
      </dl>
      <ul class="items compact">
        {items.map((i) => (
          <li key={i.product_id}>
            <span class="item-main">
              <span class="item-name">{i.name}</span>
              <span class="item-qty">{fill(t.qty, { n: i.quantity })}</span>
            </span>
            <span class="item-total">{money(i.line_total)}</span>
          </li>
        ))}
      </ul>
      <button type="button" class="pay-button" onClick={onContinue}>{t.continue}</button>
    </section>
  );
}
