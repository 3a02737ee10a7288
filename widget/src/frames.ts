/**
 * Listens to our frames (checkout page, connect form) and to Esc. Messages count only when they come
 * from our origin and from the frame the widget opened.
 */
import type { ApiContext } from './api';
import { readFrameMessage } from './messages';

/** Starts listening on `win`/`doc`; returns the function that stops it. */
export function listenToFrames(win: Window, doc: Document, shadow: ShadowRoot, c: ApiContext): () => void {
  const close = () => c.view.show({ overlay: null, drawer: false });
  const onMessage = (e: MessageEvent) => {
    const frame = shadow.querySelector('iframe');
    const msg = readFrameMessage(e, c.origin, frame?.contentWindow ?? null);
    if (!msg) return;
    if (msg.type === 'checkout-best:close') close();
    else if (msg.type === 'checkout-best:back-to-cart') c.view.show({ overlay: null, drawer: true });
    else if (msg.type === 'checkout-best:checkout-completed') {
      // The order is paid: this cart is closed on the server, so the next add starts a new one; its stock is sold.
      c.cart.reset();
      c.refreshStock();
      c.events.emit('cart:updated', null);
      c.events.emit('checkout:completed', msg.order);
    } else if (msg.type === 'checkout-best:checkout-failed') c.events.emit('checkout:failed', msg.error);
    else if (msg.type === 'checkout-best:stripe-connected') {
      c.view.announce(c.t.connected);
      c.events.emit('stripe:connected', { store_id: msg.store_id, is_live_mode: msg.is_live_mode });
    }
  };
  // Esc closes whatever we have open, wherever focus is (a clicked button may have taken it to <body>).
  const onKey = (e: KeyboardEvent) => {
    const v = c.view.ui.getState();
    if (e.key === 'Escape' && (v.drawer || v.overlay)) close();
  };
  win.addEventListener('message', onMessage);
  doc.addEventListener('keydown', onKey);
  return () => {
    win.removeEventListener('message', onMessage);
    doc.removeEventListener('keydown', onKey);
  };
}
