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

const TYPES = new Set([
  'checkout-best:ready',
  'checkout-best:checkout-completed',
  'checkout-best:checkout-failed',
  'checkout-best:close',
  'checkout-best:back-to-cart',
  'checkout-best:stripe-connected',
]);

/** Returns the message if it is one of ours from `origin` (and from `source`, when given), else null. */
export function readFrameMessage(e: MessageEvent, origin: string, source?: unknown): FrameMessage | null {
  if (e.origin !== origin) return null;
  if (source !== undefined && e.source !== source) return null;
  const data = e.data as { type?: unknown } | null;
  if (!data || typeof data !== 'object' || typeof data.type !== 'string' || !TYPES.has(data.type)) return null;
  return data as FrameMessage;
}
