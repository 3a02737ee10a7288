/**
 * Talking to the page that framed us. Messages are addressed to each of the store's allowed origins
 * (never '*'), so an unexpected parent cannot read orders; the browser drops the ones that do not match.
 */
import type { FrameMessage } from '../messages';

/** True when the checkout runs inside the widget's overlay. */
export const isFramed = (): boolean => window.parent !== window;

/** Sends `message` to the framing page if its origin is one of `origins`. */
export function tellParent(message: FrameMessage, origins: string[]): void {
  if (!isFramed()) return;
  for (const origin of origins) {
    try {
      window.parent.postMessage(message, origin);
    } catch {
      /* a malformed origin in the store settings must not break the page */
    }
  }
}
