/**
 * Which of our dialogs is open, and the side effects of opening and closing them: the page behind
 * stops scrolling, focus returns to where it was, and the live region announces cart changes.
 */
import { createStore, type Store } from '../store';
import type { UiState } from './App';
import { deepActiveElement } from './focus';

/** The UI state plus the operations that keep focus and scrolling right. */
export interface View {
  ui: Store<UiState>;
  /** Applies `patch`; remembers focus when the first dialog opens and restores it when the last closes. */
  show(patch: Partial<UiState>): void;
  /** Says `text` in the polite live region. */
  announce(text: string): void;
  /** Closes everything and gives the page its scrolling back. */
  reset(): void;
}

/** Builds the view state for the widget in `doc`. */
export function createView(doc: Document): View {
  const ui = createStore<UiState>({ drawer: false, overlay: null, checkingOut: false, announcement: '', launcher: true });
  let returnFocus: Element | null = null;
  let savedOverflow: string | null = null;
  const lockScroll = (lock: boolean) => {
    const style = doc.documentElement.style;
    if (lock && savedOverflow === null) {
      savedOverflow = style.overflow;
      style.overflow = 'hidden';
    } else if (!lock && savedOverflow !== null) {
      style.overflow = savedOverflow;
      savedOverflow = null;
    }
  };
  const isOpen = (s: UiState) => s.drawer || !!s.overlay;
  const show = (patch: Partial<UiState>) => {
    if (!isOpen(ui.getState())) returnFocus = deepActiveElement(doc);
    ui.set(patch);
    const open = isOpen(ui.getState());
    lockScroll(open);
    const el = returnFocus as HTMLElement | null;
    if (!open && el?.focus) {
      returnFocus = null;
      setTimeout(() => el.isConnected && el.focus(), 0);
    }
  };
  return {
    ui,
    show,
    announce(text) {
      // Clearing first makes screen readers repeat an identical message ("added" twice in a row).
      ui.set({ announcement: '' });
      setTimeout(() => ui.set({ announcement: text }), 50);
    },
    reset() {
      ui.set({ drawer: false, overlay: null });
      lockScroll(false);
    },
  };
}
