/**
 * The Payment Element and the Pay button. Stripe.js is loaded only here, on our origin, with the
 * merchant's publishable key; the storefront never loads it. Confirms with `redirect: 'if_required'`,
 * so cards finish in place and redirect-based methods come back to this page (see CheckoutApp).
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { loadStripe } from '@stripe/stripe-js/pure';
import type { Stripe, StripeElements } from '@stripe/stripe-js';
import { formatMoney } from '../cart/money';
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';
import type { CheckoutView } from '../../../server/src/wire';
import type { CheckoutApi } from './api';
import { ErrorNote, shownError, type ShownError } from './ErrorNote';

interface PaymentFormProps {
  view: CheckoutView;
  api: CheckoutApi;
  t: CheckoutText;
  locale: string;
  lang: string;
  accent: string;
  /** Where a redirect-based method comes back to (this page, keeping locale and parent_origin). */
  returnUrl: string;
  /** Back to the cart for a new checkout; null when this page cannot get there. */
  onRestart: (() => void) | null;
  /** Called with the succeeded (or processing) PaymentIntent id. */
  onPaid(paymentIntentId: string): Promise<void>;
  onFailed(error: { code: string; message: string }): void;
  /** Esc inside the Payment Element (its keystrokes never reach our document). */
  onEscape(): void;
}

/** The payment form; shows Stripe's own error text next to the form and lets the shopper try again. */
export function PaymentForm(props: PaymentFormProps): JSX.Element {
  const { view, t, locale } = props;
  const mountRef = useRef<HTMLDivElement>(null);
  const stripe = useRef<Stripe | null>(null);
  const elements = useRef<StripeElements | null>(null);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const intent = await props.api.intent();
      const s = await loadStripe(intent.publishable_key, { locale: props.lang as 'auto' });
      if (!s || cancelled) return;
      stripe.current = s;
      const els = s.elements({
        clientSecret: intent.client_secret,
        appearance: { theme: 'stripe', variables: { colorPrimary: props.accent, borderRadius: '10px' } },
      });
      elements.current = els;
      const element = els.create('payment', { layout: 'tabs' });
      element.on('ready', () => setReady(true));
      element.on('escape', () => props.onEscape());
      element.mount(mountRef.current!);
    })().catch((err: unknown) => setError(shownError(t, err)));
    return () => {
      cancelled = true;
    };
  }, []);

  const pay = async (e: Event) => {
    e.preventDefault();
    if (!stripe.current || !elements.current || busy) return;
    setBusy(true);
    setError(null);
    try {
      const result = await stripe.current.confirmPayment({
        elements: elements.current,
        redirect: 'if_required',
        confirmParams: { return_url: props.returnUrl },
      });
      if (result.error) {
        // Stripe refuses an intent the server cancelled (another tab took over, or a test/live switch):
        // asking the server again turns that into its reason (409 checkout_superseded …) for the catch below.
        if (result.error.code === 'payment_intent_unexpected_state') await props.api.intent();
        const shown = { code: result.error.code ?? result.error.type ?? 'payment_failed', message: result.error.message ?? t.loadError };
        setError(shown);
        props.onFailed(shown);
        return;
      }
      await props.onPaid(result.paymentIntent.id);
    } catch (err) {
      const shown = shownError(t, err, String(err));
      setError(shown);
      props.onFailed(shown);
    } finally {
      setBusy(false);
    }
  };

  // The form's handler: pay() shows what confirming throws itself; anything it lets through is shown too.
  const submit = (e: Event) => {
    pay(e).catch((err: unknown) => setError(shownError(t, err)));
  };

  const amount = formatMoney(view.amount, view.currency, locale);
  return (
    <form class="pay-form" onSubmit={submit} aria-busy={busy ? 'true' : 'false'} noValidate>
      <div class="element" ref={mountRef}>
        {!ready && !error && <div class="skeleton" aria-label={t.loading} role="progressbar" />}
      </div>
      {error && <ErrorNote error={error} t={t} onRestart={props.onRestart} />}
      <button type="submit" class="pay-button" disabled={!ready || busy}>
        {busy ? <span class="spinner" aria-hidden="true" /> : null}
        <span>{busy ? t.processing : fill(t.pay, { amount })}</span>
      </button>
    </form>
  );
}
