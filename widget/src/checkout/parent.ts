/**
 * Talking to the page that framed us. Messages go to exactly one origin: the one the widget declared
 * (`parent_origin`) and the server accepted as one of the store's allowed_origins. Without it nothing is
 * sent: never '*', and never every allowed origin (the browser logs a mismatch for each wrong one).
 */
import type { FrameMessage } from '../messages';

/** True when the checkout runs inside the widget's overlay. */
export const isFramed = (): boolean => window.parent !== window;

/** Sends `message` to the framing page when it is `origin` (null: nobody we may talk to). */
export function tellParent(message: FrameMessage, origin: string | null): void {
  if (!isFramed() || !origin) return;
  try {
    window.parent.postMessage(message, origin);
  } catch {
    /* never break the page over a message */
  }
}

/** This page's URL with the parameters that must survive a redirect return or a reload. */
export function ownUrl(locale: string, parentOrigin: string | null): string {
  const q = new URLSearchParams({ locale });
  if (parentOrigin) q.set('parent_origin', parentOrigin);
  return `${location.origin}${location.pathname}?${q}`;
}
