/** @jsxRuntime classic */
/** @jsx h */
/**
 * The drawer's discount code field: Apply, and the refusal beside it (announced: the field points at it with
 * aria-describedby, and it is a polite live region). The refusal is the field's own state: it goes with the field
 * (an applied code replaces the field, a closed drawer unmounts it).
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `h` is what the JSX pragma calls
import { Component, h, type JSX } from 'preact';
import { failureText, type WidgetText } from '../i18n/widget-en';
import { ApiError, type Cart } from '../net/client';

interface CodeFieldProps {
  t: WidgetText;
  /** Applies the code: the cart, or the refusal. */
  apply: (code: string) => Promise<Cart | ApiError | null>;
}

/** The field and Apply, with the refusal under it (an applied code shows in the Discount row instead, removable). */
export class CodeField extends Component<CodeFieldProps, { error?: string }> {
  render({ t, apply }: CodeFieldProps, { error }: { error?: string }): JSX.Element {
    return (
      <form
        class="code"
        onSubmit={(e) => {
          e.preventDefault();
          const typed = (e.currentTarget[0] as HTMLInputElement).value.trim();
          if (typed) void apply(typed).then((r) => this.setState({ error: r instanceof ApiError ? failureText(t, r) : '' }));
        }}
      >
        <input aria-label={t.code} placeholder={t.code} aria-invalid={!!error} aria-describedby="cb-code-msg" />
        <button>{t.apply}</button>
        <p id="cb-code-msg" class="code-msg" aria-live="polite">
          {error}
        </p>
      </form>
    );
  }
}
