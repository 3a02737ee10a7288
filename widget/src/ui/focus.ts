/**
 * Keyboard containment for our dialogs. Sentinels at both ends bounce focus back inside, which also
 * works when focus leaves an iframe (key events inside a frame never reach us).
 */

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]),iframe,[tabindex]:not([tabindex="-1"])';

/** The focusable elements inside `container`, in document order, without the sentinels. */
export function focusables(container: Element | null): HTMLElement[] {
  if (!container) return [];
  return [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.hasAttribute('data-sentinel'));
}

/** Moves focus to the first (or last) focusable element inside `container`. */
export function focusEdge(container: Element | null, last = false): void {
  const list = focusables(container);
  (last ? list[list.length - 1] : list[0])?.focus();
}

/** The element that has focus, looking through shadow roots. */
export function deepActiveElement(doc: Document): Element | null {
  let el = doc.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}
