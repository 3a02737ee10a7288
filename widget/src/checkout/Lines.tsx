/**
 * The order's lines and its money, written once for the summary (before paying) and the receipt (after), so
 * both read the same: subtotal, discount with its code, shipping, each tax, then the total.
 */
import type { JSX } from 'preact';
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';
import type { Amounts, CartLine, TaxLine } from '../../../server/src/wire';

/** Formats minor units of the order's currency. */
export type Money = (n: number) => string;

/** The first letter of a name, upper case: the store's mark and an item's thumbnail. */
export const initial = (name: string): string => name.trim().charAt(0).toUpperCase();

/** The items with quantity and line total; the summary gives each a lettered thumbnail. */
export function Items(p: { items: CartLine[]; money: Money; t: CheckoutText; thumbs?: boolean }): JSX.Element {
  return (
    <ul class={p.thumbs ? 'items' : 'items compact'}>
      {p.items.map((i) => (
        <li key={i.product_id}>
          {p.thumbs && (
            <span class="item-thumb" aria-hidden="true">
              {initial(i.name)}
            </span>
          )}
          <span class="item-main">
            <span class="item-name">{i.name}</span>
            <span class="item-qty">{fill(p.t.qty, { n: i.quantity })}</span>
          </span>
          <span class="item-total">{p.money(i.line_total)}</span>
        </li>
      ))}
    </ul>
  );
}

interface TotalsProps {
  amounts: Amounts;
  /** The applied code's name as the store defined it ("Discount (WELCOME10)"); the amount is `amounts.discount`. */
  code: string | null;
  /** Shipping's row: the rate's name, null while the address is missing ("Enter your address"), undefined: none. */
  rate?: string | null;
  money: Money;
  t: CheckoutText;
  locale: string;
}

/** "7.25%", "19 %" in German; the plain number where the page's locale tag is one Intl refuses. */
function percent(p: number, locale: string): string {
  try {
    return (p / 100).toLocaleString(locale, { style: 'percent', maximumFractionDigits: 3 });
  } catch {
    return `${p}%`;
  }
}

/** "Sales tax (7.25%)" for a tax added on top, "Includes VAT 19%" for one inside the prices. */
export function taxLabel(l: TaxLine, t: CheckoutText, locale: string): string {
  const rate = percent(l.percentage, locale);
  return l.inclusive ? fill(t.taxIncluded, { name: l.display_name, rate }) : `${l.display_name} (${rate})`;
}

/**
 * Subtotal, discount, shipping and tax when there are any, then the total (`data-*` hold minor units for tests).
 * A tax added on top reads "Sales tax (7.25%)" and is part of the total; one inside the prices reads "Includes
 * VAT 19%", muted, as Stripe Checkout and Shopify show it: the total does not grow by it.
 */
export function Totals({ amounts: a, code, rate, money: m, t, locale }: TotalsProps): JSX.Element {
  const pending = rate === null;
  const breakdown = rate !== undefined || a.discount > 0 || a.tax_lines.length > 0;
  return (
    <dl class="subtotals">
      {breakdown && (
        <div>
          <dt>{t.subtotal}</dt>
          <dd data-subtotal={a.subtotal}>{m(a.subtotal)}</dd>
        </div>
      )}
      {a.discount > 0 && (
        <div>
          <dt>{code ? `${t.discount} (${code})` : t.discount}</dt>
          <dd data-discount={a.discount}>−{m(a.discount)}</dd>
        </div>
      )}
      {rate !== undefined && (
        <div>
          <dt>{pending ? t.shipping : `${t.shipping} · ${rate}`}</dt>
          <dd data-shipping={pending ? '' : a.shipping} class={pending ? 'pending' : ''}>
            {pending ? t.shippingPending : a.shipping ? m(a.shipping) : t.free}
          </dd>
        </div>
      )}
      {a.tax_lines.map((l) => (
        <div key={`${l.display_name}${l.percentage}${l.inclusive}`}>
          <dt>{taxLabel(l, t, locale)}</dt>
          <dd data-tax={l.amount} class={l.inclusive ? 'incl' : ''}>
            {m(l.amount)}
          </dd>
        </div>
      ))}
      <div class="total">
        <dt>{t.total}</dt>
        <dd data-total={a.total}>{m(a.total)}</dd>
      </div>
    </dl>
  );
}
