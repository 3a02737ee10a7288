/**
 * The summary's discount code: a field and Apply, or the applied code as a removable chip, and the refusal
 * beside it (announced: the field points at it with aria-describedby, and it is a polite live region).
 */
import type { JSX } from 'preact';
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';

interface DiscountFieldProps {
  /** The code the session applies, as the store defined it (null: none). */
  code: string | null;
  /** The refusal of the last code typed ('' when none). */
  error: string;
  t: CheckoutText;
  /** Applies a code; null removes the applied one. */
  apply: (code: string | null) => void;
}

/** Field or chip, with the refusal under it. */
export function DiscountField({ code, error, t, apply }: DiscountFieldProps): JSX.Element {
  return (
    <div class="discount">
      {code ? (
        <button type="button" class="chip" onClick={() => apply(null)} aria-label={fill(t.removeCode, { code })}>
          {code} ×
        </button>
      ) : (
        <form
          class="code"
          onSubmit={(e) => {
            e.preventDefault();
            apply((e.currentTarget[0] as HTMLInputElement).value.trim() || null);
          }}
        >
          <input aria-label={t.discountCode} placeholder={t.discountCode} aria-invalid={!!error} aria-describedby="cb-code-msg" />
          <button>{t.apply}</button>
        </form>
      )}
      <p id="cb-code-msg" class="code-msg" aria-live="polite">
        {error}
      </p>
    </div>
  );
}
