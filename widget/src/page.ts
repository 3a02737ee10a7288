/**
 * The widget's hooks into the host page: delegated clicks on `data-checkout-best-add` and
 * `data-checkout-best-cart` (so buttons added later work too), item counts on the page's own cart
 * buttons, and stock: "Only 2 left" / "Sold out" and sold-out add buttons. Only attributes under
 * `data-checkout-best-*` are written, besides `disabled`, `aria-disabled`, `aria-busy` and "(Sold out)"
 * at the end of a sold-out button's `aria-label`.
 */
import { fill } from './i18n';
import type { WidgetText } from './i18n/widget-en';
import type { Product } from './net/client';

const ADD = '[data-checkout-best-add]';
const CART = '[data-checkout-best-cart]';
const AVAILABLE = 'data-checkout-best-available';
/**
 * "Only n left" from this many down. Shopify's themes say "Low stock" at or under a threshold the merchant
 * picks; ours is fixed and low so that the notice stays rare enough to mean something.
 */
const LOW_STOCK = 5;

/** What a click on the page can trigger. */
export interface PageHandlers {
  add(productId: string, quantity: number, button: HTMLElement): void;
  open(button: HTMLElement): void;
}

/** Listens for clicks on add and cart buttons anywhere in `doc`; returns the function that stops it. */
export function listenToPage(doc: Document, handlers: PageHandlers): () => void {
  const onClick = (e: MouseEvent) => {
    const target = e.target as Element | null;
    if (!target || typeof target.closest !== 'function') return;
    const add = target.closest<HTMLElement>(ADD);
    const cart = add ? null : target.closest<HTMLElement>(CART);
    if (!add && !cart) return;
    // Links and submit buttons would navigate away; the widget handles the click instead.
    e.preventDefault();
    if (cart) return handlers.open(cart);
    // A sold-out link (a <button> is disabled and gets no click): the server would refuse it anyway.
    if (add!.getAttribute(AVAILABLE) === '0') return;
    const productId = add!.getAttribute('data-checkout-best-add') ?? '';
    const quantity = Number(add!.getAttribute('data-quantity') ?? '1');
    handlers.add(productId, quantity, add!);
  };
  doc.addEventListener('click', onClick);
  return () => doc.removeEventListener('click', onClick);
}

/** Marks an add button's progress (`adding`, `added`, `error`; null: back to none, or `sold-out`) for the page's own styling. */
export function markButton(button: HTMLElement | undefined, state: 'adding' | 'added' | 'error' | 'sold-out' | null): void {
  if (!button) return;
  state ??= button.getAttribute(AVAILABLE) === '0' ? 'sold-out' : null;
  attr(button, 'data-checkout-best-state', state);
  attr(button, 'aria-busy', state === 'adding' ? 'true' : null);
}

/** Writes the item count onto the page's cart buttons; returns whether the page has any. */
export function showCountOnPage(doc: Document, count: number): boolean {
  const buttons = doc.querySelectorAll<HTMLElement>(CART);
  buttons.forEach((b) => {
    b.setAttribute('data-checkout-best-count', String(count));
    b.querySelectorAll('[data-checkout-best-count]').forEach((el) => (el.textContent = String(count)));
  });
  return buttons.length > 0;
}

/**
 * Shows what is left of each product: `data-checkout-best-stock="<product id>"` elements read "Only 2 left",
 * "Sold out" or nothing (plenty, or unlimited); add buttons get `data-checkout-best-available="<n>"`, and when
 * sold out `disabled`, `aria-disabled`, the state `sold-out` and "Sold out" in their accessible name.
 */
export function showStock(doc: Document, products: Product[], t: WidgetText): void {
  const left = new Map(products.map((p) => [p.id, p.available]));
  doc.querySelectorAll('[data-checkout-best-stock]').forEach((el) => {
    const n = left.get(el.getAttribute('data-checkout-best-stock')!);
    el.textContent = n === 0 ? t.soldOut : n != null && n <= LOW_STOCK ? fill(t.left, { n }) : '';
  });
  doc.querySelectorAll<HTMLElement>(ADD).forEach((b) => {
    const n = left.get(b.getAttribute('data-checkout-best-add')!);
    const sold = n === 0;
    const was = b.getAttribute(AVAILABLE) === '0';
    attr(b, AVAILABLE, n == null ? null : String(n));
    if (was === sold) return;
    // "Sold out" joins the button's name (the page's own aria-label, or its text) and leaves it when stock returns.
    const name = b.getAttribute('aria-label');
    const suffix = ` (${t.soldOut})`;
    attr(b, 'aria-label', sold ? (name || b.textContent.trim()) + suffix : (name?.replace(suffix, '') ?? null));
    attr(b, 'aria-disabled', sold ? 'true' : null);
    b.toggleAttribute('disabled', sold);
    markButton(b, null);
  });
}

/** Sets an attribute, or removes it for null. */
function attr(el: Element, name: string, value: string | null): void {
  if (value == null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}
