/** @jsxRuntime classic */
/** @jsx h */
/** @jsxFrag Fragment */
/**
 * The cart drawer: lines with steppers, a discount code, subtotal (discount and total once a code applies),
 * checkout, and the loading/empty/error states. Its buttons carry no `type`: only inside a form (the code's)
 * does the default (submit) do anything.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `h` (and Fragment) are what the JSX pragma calls
import { Fragment, h, type JSX } from 'preact';
import type { CartState } from '../cart/state';
import { formatMoney } from '../cart/money';
import { failureText, type WidgetText } from '../i18n/widget-en';
import { fill } from '../i18n';
import type { ApiError, Cart, CartItem } from '../net/client';
import { CodeField } from './CodeField';
import { Dialog } from './Dialog';
import { Icon } from './icons';

/** What the drawer can ask the widget to do. */
export interface DrawerActions {
  close: () => void;
  setQuantity: (productId: string, quantity: number) => void;
  checkout: () => void;
  retry: () => void;
  /** Applies a discount code (null removes it): the cart, or the refusal. */
  discount: (code: string | null) => Promise<Cart | ApiError | null>;
}

interface DrawerProps {
  state: CartState;
  t: WidgetText;
  locale: string;
  actions: DrawerActions;
  checkingOut: boolean;
}

/** The drawer dialog. */
export function Drawer({ state, t, locale, actions, checkingOut }: DrawerProps): JSX.Element {
  const cart = state.cart;
  const items = cart?.items ?? [];
  const count = cart?.item_count ?? 0;
  // How far the cart is from the store's free-shipping threshold (≤ 0: no threshold, or past it).
  const left = (cart?.free_shipping_over ?? 0) - (cart?.subtotal ?? 0);
  const money = (amount: number) => formatMoney(amount, cart!.currency, locale);
  const error = state.error;
  const off = cart?.discount;
  return (
    <Dialog class="drawer" labelId="cb-drawer-title">
      <div class="head">
        <h2 id="cb-drawer-title">{t.cart}</h2>
        {count > 0 && <span class="pill">{count}</span>}
        <button class="x" aria-label={t.close} onClick={actions.close} data-autofocus="">
          <Icon name="close" />
        </button>
      </div>
      <div class="body">
        {error && (
          <div class="error" role="alert">
            <Icon name="alert" />
            <span>{failureText(t, error, items)}</span>
            {state.status === 'error' && (
              <button class="link" onClick={actions.retry}>
                {t.retry}
              </button>
            )}
          </div>
        )}
        {state.status === 'loading' && (
          <p class="empty">
            <span class="spinner" aria-hidden="true" /> {t.loading}
          </p>
        )}
        {state.status !== 'loading' && items.length === 0 && state.status !== 'error' && (
          <div class="empty">
            <span class="empty-icon">
              <Icon name="bag" />
            </span>
            <p class="empty-title">{t.empty}</p>
            <p>{t.emptyHint}</p>
          </div>
        )}
        {items.length > 0 && (
          <ul class="lines" aria-busy={state.pending > 0}>
            {items.map((item) => (
              <Line key={item.product_id} item={item} money={money} t={t} actions={actions} />
            ))}
          </ul>
        )}
      </div>
      {items.length > 0 && (
        <div class="foot">
          {!off && <CodeField t={t} apply={actions.discount} />}
          <div class="row">
            <span>{t.subtotal}</span>
            <span class="num" data-subtotal="">
              {money(cart!.subtotal)}
            </span>
          </div>
          {off && (
            // The applied code as a chip that removes it, what it takes off, and the total.
            <>
              <div class="row off">
                <button class="chip" aria-label={`${t.remove} ${off.code}`} onClick={() => void actions.discount(null)}>
                  {off.code} ×
                </button>
                <span class="num">−{money(off.amount)}</span>
              </div>
              <div class="row">
                <span>{t.total}</span>
                <span class="num" data-total="">
                  {money(cart.total)}
                </span>
              </div>
            </>
          )}
          {cart!.requires_shipping && (
            // "Shipping calculated at checkout", or how far the cart is from the store's free-shipping threshold.
            <p class="ship-note">{left > 0 ? fill(t.freeShipLeft, { amount: money(left) }) : t.shipAtCheckout}</p>
          )}
          <p class="note">{t.note}</p>
          <button class="primary" onClick={actions.checkout} aria-disabled={checkingOut || undefined}>
            {checkingOut ? <span class="spinner" aria-hidden="true" /> : <Icon name="lock" />}
            <span>{t.checkout}</span>
          </button>
        </div>
      )}
    </Dialog>
  );
}

interface LineProps {
  item: CartItem;
  money: (amount: number) => string;
  t: WidgetText;
  actions: DrawerActions;
}

function Line({ item, money, t, actions }: LineProps): JSX.Element {
  const name = { name: item.name };
  const set = (q: number) => actions.setQuantity(item.product_id, q);
  return (
    <li class="line" data-product-id={item.product_id}>
      <span class="thumb" aria-hidden="true">
        {item.name.trim().charAt(0).toUpperCase() || '•'}
      </span>
      <div class="info">
        <p class="name">{item.name}</p>
        <p class="each">{fill(t.each, { price: money(item.unit_amount) })}</p>
        <div class="controls">
          <div class="stepper" role="group" aria-label={fill(t.quantityOf, name)}>
            <button aria-label={fill(t.decrease, name)} disabled={item.quantity <= 1} onClick={() => set(item.quantity - 1)}>
              <Icon name="minus" />
            </button>
            <span class="qty" aria-live="off">
              {item.quantity}
            </span>
            <button aria-label={fill(t.increase, name)} disabled={item.quantity >= 99} onClick={() => set(item.quantity + 1)}>
              <Icon name="plus" />
            </button>
          </div>
          <button class="remove" aria-label={fill(t.removeItem, name)} onClick={() => set(0)}>
            {t.remove}
          </button>
        </div>
      </div>
      <span class="total num">{money(item.line_total)}</span>
    </li>
  );
}
