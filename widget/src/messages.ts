/**
 * The typed postMessage protocol between our frames (checkout page, connect form) and the widget.
 * Both sides check `event.origin`; the widget also checks that the message came from its own frame.
 */
import type { Order } from '../../server/src/wire';

/** Every message our frames send to the page that embeds them. */
export type FrameMessage =
  | { type: 'checkout-best:ready' }
  | { type: 'checkout-best:checkout-completed'; order: Order }
  | { type: 'checkout-best:checkout-failed'; error: { code: string; message: string } }
  | { type: 'checkout-best:close' }
  /** Close the checkout and show the cart, so the shopper can check out again (a superseded session). */
  | { type: 'checkout-best:back-to-cart' }
  | { type: 'checkout-best:stripe-connected'; store_id: string; is_live_mode: boolean };

/**
 * Returns the message if it is one of ours from `origin` (and from `source`, when given), else null. A type
 * of ours the reader does not handle (a newer frame's) is simply not acted on, so the prefix is checked here.
 */
export function readFrameMessage(e: MessageEvent, origin: string, source?: unknown): FrameMessage | null {
  const data = e.data as { type?: unknown } | null;
  const ours = e.origin === origin && (source === undefined || e.source === source) && /^checkout-best:/.test(String(data?.type));
  return ours ? (data as FrameMessage) : null;
}
