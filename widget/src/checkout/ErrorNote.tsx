/**
 * Errors as the shopper reads them: our own words (in the page's language) for the server codes we know,
 * Stripe's or the server's message otherwise, and a "Start again" action when this session can never be
 * paid (another tab replaced it, or the store switched between test and live keys).
 */
import type { JSX } from 'preact';
import type { CheckoutText } from '../i18n/checkout';
import { ApiError } from '../net/client';

/** An error ready to show: its stable code and the text for the shopper. */
export interface ShownError {
  code: string;
  message: string;
}

/** Codes after which only a new checkout from the cart helps. */
const RESTART = ['checkout_superseded', 'checkout_mode_changed'];

/** Turns an error (ApiError, Error, anything) into what the shopper sees; `fallback` when it says nothing. */
export function shownError(t: CheckoutText, err: unknown, fallback = t.loadError): ShownError {
  const code = err instanceof ApiError ? err.code : 'payment_failed';
  const ours = (t as Record<string, string>)['error_' + code];
  return { code, message: ours ?? (err instanceof Error && err.message ? err.message : fallback) };
}

/** The alert next to the form, with "Start again" when it applies and the page can go back to the cart. */
export function ErrorNote(p: { error: ShownError; t: CheckoutText; onRestart: (() => void) | null }): JSX.Element {
  const restart = p.onRestart && RESTART.includes(p.error.code);
  return (
    <div class="form-error" role="alert" data-error-code={p.error.code}>
      <p>{p.error.message}</p>
      {restart && (
        <button type="button" class="restart" onClick={p.onRestart!}>
          {p.t.startAgain}
        </button>
      )}
    </div>
  );
}
