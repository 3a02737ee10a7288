/**
 * The widget's hooks into the host page: delegated clicks on `data-checkout-best-add` and
 * `data-checkout-best-cart` (so buttons added later work too), and item counts on the page's own
 * cart buttons. Only attributes under `data-checkout-best-*` are written.
 */

const ADD = '[data-checkout-best-add]';
const CART = '[data-checkout-best-cart]';

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
    const productId = add!.getAttribute('data-checkout-best-add') ?? '';
    const quantity = Number(add!.getAttribute('data-quantity') ?? '1');
    handlers.add(productId, quantity, add!);
  };
  doc.addEventListener('click', onClick);
  return () => doc.removeEventListener('click', onClick);
}

/** Marks an add button's progress (`adding`, `added`, `error`) for the page's own styling. */
export function markButton(button: HTMLElement | undefined, state: 'adding' | 'added' | 'error' | null): void {
  if (!button) return;
  if (state) button.setAttribute('data-checkout-best-state', state);
  else button.removeAttribute('data-checkout-best-state');
  if (state === 'adding') button.setAttribute('aria-busy', 'true');
  else button.removeAttribute('aria-busy');
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
