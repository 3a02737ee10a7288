/**
 * The receipt after a successful payment: amount, order id, where the receipt email went, the lines, subtotal,
 * discount, shipping, tax and total, where the order ships, and the way back to the store. All of it from the recorded order.
 */
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { formatMoney } from '../cart/money';
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';
import type { Address, Order } from '../../../server/src/wire';
import { estimateText } from './estimate';
import { Items, Totals } from './Lines';

interface ReceiptProps {
  order: Order;
  store: string;
  t: CheckoutText;
  locale: string;
  onContinue: () => void;
}

/** "Arlington, VA 22201" where there is a state (US, CA, AU…), else "10117 Berlin". */
function cityLine(a: Address): string {
  return a.state ? `${a.city}, ${a.state} ${a.postal_code}` : `${a.postal_code} ${a.city}`;
}

/** "Germany" for DE in the page's language; the code itself where Intl does not know it. */
function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Receipt view; focus moves to its heading so screen readers announce the result. */
export function Receipt({ order, store, t, locale, onContinue }: ReceiptProps): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const money = (n: number) => formatMoney(n, order.currency, locale);
  const ship = order.shipping;
  return (
    <section class="receipt" aria-labelledby="cb-receipt-title">
      {/* The check mark is drawn by checkout.css: icons live in the stylesheet, not in the bundle. */}
      <div class="check" aria-hidden="true" />
      <h1 id="cb-receipt-title" tabIndex={-1} ref={heading}>
        {t.thanks}
      </h1>
      <p class="muted">{fill(t.receiptFor, { store })}</p>
      {order.customer.email && (
        <p class="muted" data-receipt-email="">
          {fill(t.receiptSent, { email: order.customer.email })}
        </p>
      )}
      <dl class="facts">
        <div>
          <dt>{t.paid}</dt>
          <dd data-paid="">{money(order.amount)}</dd>
        </div>
        <div>
          <dt>{t.order}</dt>
          <dd>
            <code data-order-id="">{order.id}</code>
          </dd>
        </div>
      </dl>
      <Items items={order.items} money={money} t={t} />
      <Totals amounts={order.amounts} code={order.discount?.code ?? null} rate={ship?.rate.display_name} money={money} t={t} locale={locale} />
      {ship && (
        <div class="ship-to" data-ship-to="">
          <p class="ship-title">{t.shipTo}</p>
          <address>
            {[ship.name, ship.address.line1, ship.address.line2, cityLine(ship.address), countryName(ship.address.country, locale)]
              .filter(Boolean)
              .map((line, i) => (
                <span key={i}>{line}</span>
              ))}
          </address>
          {ship.delivery_estimate && <p class="muted">{estimateText(t, ship.delivery_estimate)}</p>}
        </div>
      )}
      <button type="button" class="pay-button" onClick={onContinue}>
        {t.continue}
      </button>
    </section>
  );
}
