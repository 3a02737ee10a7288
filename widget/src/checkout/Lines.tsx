/**
 * The order's lines and its money, written once for the summary (before paying) and the receipt (after), so
 * both read the same: subtotal, discount with its code, shipping, then the total.
 */
import type { JSX } from 'preact';
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';
import type { Amounts, CartLine } from '../../../server/src/wire';

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
          {p.thumbs && <span class="item-thumb" aria-hidden="true">{initial(i.name)}</span>}
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
}

/** Subtotal, discount and shipping when there are any, then the total (`data-*` hold minor units for tests). */
export function Totals({ amounts: a, code, rate, money: m, t }: TotalsProps): JSX.Element {
  const pending = rate === null;
  const breakdown = rate !== undefined || a.discount > 0;
  return (
    <dl class="subtotals">
      {breakdown && <div>
        <dt>{t.subtotal}</dt>
        <dd data-subtotal={a.subtotal}>{m(a.subtotal)}</dd>
      </div>}
      {a.discount > 0 && <div>
        <dt>{code ? `${t.discount} (${code})` : t.discount}</dt>
        <dd data-discount={a.discount}>−{m(a.discount)}</dd>
      </div>}
      {rate !== undefined && <div>
        <dt>{pending ? t.shipping : `${t.shipping} · ${rate}`}</dt>
        <dd data-shipping={pending ? '' : a.shipping} class={pending ? 'pending' : ''}>
          {pending ? t.shippingPending : a.shipping ? m(a.shipping) : t.free}
        </dd>
      </div>}
      <div class="total">
        <dt>{t.total}</dt>
        <dd data-total={a.total}>{m(a.total)}</dd>
      </div>
    </dl>
  );
}
