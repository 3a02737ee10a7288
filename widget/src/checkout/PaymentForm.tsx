/**
 * The checkout form: email (Link Authentication Element), for a shippable cart the address (Address Element
 * in shipping mode, limited to the store's countries) and the rates that apply to it, then the Payment
 * Element and Pay. Stripe.js is loaded only here, on our origin, with the merchant's publishable key; the
 * storefront never loads it. All elements belong to one Elements group, so confirming sends the address as
 * the PaymentIntent's `shipping`, as Stripe.js does.
 *
 * Every change of email, address or rate goes to the server (`/details`), which reprices the session and
 * updates its PaymentIntent; the page then refreshes the Payment Element (`elements.fetchUpdates()`). Pay is
 * disabled while that runs and marked disabled (aria-disabled, still pressable to show what is missing) until
 * the server holds every required detail; before confirming the page sends what is still unsent and waits for
 * it, so the amount confirmed is always the one the server computed. Confirms with `redirect: 'if_required'`: cards
 * finish in place and redirect-based methods come back to this page (see CheckoutApp).
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { loadStripe } from '@stripe/stripe-js/pure';
import type { Stripe, StripeAddressElementChangeEvent, StripeElements } from '@stripe/stripe-js';
import { formatMoney } from '../cart/money';
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';
import type { CheckoutDetails, CheckoutDetailsInput, CheckoutView, DetailsAnswer } from '../../../server/src/wire';
import type { ErrorCode } from '../../../server/src/errors';
import type { CheckoutApi } from './api';
import { detailsSync, type DetailsSync } from './details-sync';
import { ErrorNote, shownError, type ShownError } from './ErrorNote';
import { estimateText } from './estimate';

interface PaymentFormProps {
  view: CheckoutView;
  /** What the server last answered for the session's details (lifted: the summary shows its amounts). */
  details: CheckoutDetails;
  amount: number;
  onDetails(answer: DetailsAnswer): void;
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
  /** Esc inside an element (its keystrokes never reach our document). */
  onEscape(): void;
}

/** How long typing pauses before an email or address goes to the server. */
const TYPING_PAUSE_MS = 350;

/** What the session already holds, as a details request (so an unchanged page sends nothing). */
function heldInput(details: CheckoutDetails): CheckoutDetailsInput {
  const input: CheckoutDetailsInput = {};
  if (details.email) input.email = details.email;
  const s = details.shipping;
  if (s) {
    input.shipping = { name: s.name, phone: s.phone, address: s.address };
    input.shipping_rate_id = s.rate.id;
  }
  return input;
}

/** The Address Element's value as the server's shipping contact. */
function contactOf(value: StripeAddressElementChangeEvent['value']): NonNullable<CheckoutDetailsInput['shipping']> {
  const a = value.address;
  return {
    name: value.name,
    phone: value.phone || null,
    address: {
      line1: a.line1,
      line2: a.line2 || null,
      city: a.city,
      state: a.state || null,
      postal_code: a.postal_code,
      country: a.country,
    },
  };
}

/** The payment form; shows Stripe's own error text next to the form and lets the shopper try again. */
export function PaymentForm(props: PaymentFormProps): JSX.Element {
  const { view, details, t, locale } = props;
  const emailRef = useRef<HTMLDivElement>(null);
  const addressRef = useRef<HTMLDivElement>(null);
  const mountRef = useRef<HTMLDivElement>(null);
  const stripe = useRef<Stripe | null>(null);
  const elements = useRef<StripeElements | null>(null);
  const sync = useRef<DetailsSync | null>(null);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState(false);
  // The rate the shopper just picked, shown as chosen until the server's answer says which one it is.
  const [picked, setPicked] = useState<string | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [detailsError, setDetailsError] = useState<ShownError | null>(null);
  const shipping = view.requires_shipping;

  useEffect(() => {
    let cancelled = false;
    sync.current = detailsSync(heldInput(view.details), {
      send: (input) => props.api.details(input),
      onAnswer: (answer) => {
        setDetailsError(null);
        props.onDetails(answer);
        // The server updated the PaymentIntent's amount: the Payment Element shows and confirms that one.
        elements.current?.fetchUpdates().catch(() => undefined);
      },
      onError: (err) => setDetailsError(shownError(t, err)),
      onPending: (p) => {
        setPending(p);
        if (!p) setPicked(null);
      },
    });
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
      const held = view.details;
      const email = els.create('linkAuthentication', held.email ? { defaultValues: { email: held.email } } : {});
      email.on('change', (e) => {
        if (e.complete) sync.current?.change({ email: e.value.email }, TYPING_PAUSE_MS);
      });
      email.on('escape', () => props.onEscape());
      email.mount(emailRef.current!);
      if (shipping) {
        const s0 = held.shipping;
        const address = els.create('address', {
          mode: 'shipping',
          allowedCountries: view.shipping_countries,
          // Stripe's autocomplete (on by default next to a Payment Element) needs https://maps.googleapis.com in the
          // page's script-src and connect-src, which the checkout page's CSP does not allow (see README, CSP).
          autocomplete: { mode: 'disabled' },
          ...(s0
            ? {
                defaultValues: {
                  name: s0.name,
                  ...(s0.phone ? { phone: s0.phone } : {}),
                  address: { ...s0.address, line2: s0.address.line2 ?? undefined, state: s0.address.state ?? undefined },
                },
              }
            : {}),
        });
        // An incomplete address is not sent: the server keeps the last complete one, and Pay validates the fields.
        address.on('change', (e) => {
          if (e.complete) sync.current?.change({ shipping: contactOf(e.value) }, TYPING_PAUSE_MS);
        });
        address.on('escape', () => props.onEscape());
        address.mount(addressRef.current!);
      }
      const payment = els.create('payment', { layout: 'tabs' });
      payment.on('ready', () => setReady(true));
      payment.on('escape', () => props.onEscape());
      payment.mount(mountRef.current!);
    })().catch((err: unknown) => setError(shownError(t, err)));
    return () => {
      cancelled = true;
    };
  }, []);

  const chooseRate = (id: string) => {
    setPicked(id);
    sync.current?.change({ shipping_rate_id: id });
  };

  const pay = async (e: Event) => {
    e.preventDefault();
    if (!stripe.current || !elements.current || !sync.current || busy) return;
    setBusy(true);
    setError(null);
    try {
      // Stripe.js validates every element of the group, shows its field messages and focuses the first one.
      const submitted = await elements.current.submit();
      if (submitted.error) return;
      // The server must hold (and have priced) exactly what is on screen before the card is charged.
      const answer = await sync.current.flush().catch((err: unknown) => {
        const shown = shownError(t, err);
        setDetailsError(shown);
        props.onFailed(shown);
        return undefined;
      });
      if (answer === undefined) return;
      if (!(answer?.details ?? details).complete) {
        setError({ code: 'details_incomplete', message: shipping ? t.detailsMissing : t.emailMissing });
        return;
      }
      if (answer) await elements.current.fetchUpdates();
      const result = await stripe.current.confirmPayment({
        elements: elements.current,
        redirect: 'if_required',
        confirmParams: { return_url: props.returnUrl },
      });
      if (result.error) {
        // Stripe refuses an intent the server cancelled (another tab took over, or a test/live switch):
        // asking the server again turns that into its reason (409 checkout_superseded …) for the catch below.
        if (result.error.code === 'payment_intent_unexpected_state') await props.api.intent();
        // A field message is already by its field (and focused); the card's own errors show here too.
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

  // A total changed outside this form (a discount code in the summary): the Payment Element confirms the new amount.
  useEffect(() => {
    elements.current?.fetchUpdates().catch(() => undefined);
  }, [props.amount]);

  // The form's handler: pay() shows what confirming throws itself; anything it lets through is shown too.
  const submit = (e: Event) => {
    pay(e).catch((err: unknown) => setError(shownError(t, err)));
  };

  const money = (n: number) => formatMoney(n, view.currency, locale);
  const rates = details.shipping_rates;
  const chosen = (pending && picked) || details.shipping?.rate.id;
  // Only a shippable cart's total moves with the details; an email alone never holds Pay back.
  const repricing = pending && shipping;
  // Pay stays focusable and pressable while details are missing: pressing it shows which ones, by their fields.
  const missing = !details.complete || detailsError !== null;
  const note = detailsError && <ErrorNote error={detailsError} t={t} onRestart={props.onRestart} />;
  const emailNote = detailsError?.code === ('invalid_email' satisfies ErrorCode);
  return (
    <form class="pay-form" onSubmit={submit} aria-busy={busy ? 'true' : 'false'} noValidate>
      <h2 class="step" id="cb-step-contact">
        {t.contact}
      </h2>
      <div class="element element-email" ref={emailRef} role="group" aria-labelledby="cb-step-contact" />
      {emailNote && note}
      {shipping && (
        <>
          <h2 class="step" id="cb-step-address">
            {t.shippingAddress}
          </h2>
          <div class="element element-address" ref={addressRef} role="group" aria-labelledby="cb-step-address" />
          {!emailNote && note}
          {rates.length > 0 && !detailsError && (
            <fieldset class="rates" disabled={busy}>
              <legend class="step">{t.shippingMethod}</legend>
              {rates.map((r) => (
                <label key={r.id} class={`rate${r.id === chosen ? ' rate-chosen' : ''}`}>
                  <input type="radio" name="shipping_rate" value={r.id} checked={r.id === chosen} onChange={() => chooseRate(r.id)} />
                  <span class="rate-main">
                    <span class="rate-name">{r.display_name}</span>
                    {r.delivery_estimate && <span class="rate-estimate">{estimateText(t, r.delivery_estimate)}</span>}
                  </span>
                  <span class="rate-price" data-rate-amount={r.amount}>
                    {r.amount === 0 ? t.free : money(r.amount)}
                  </span>
                </label>
              ))}
            </fieldset>
          )}
        </>
      )}
      {!shipping && !emailNote && note}
      <h2 class="step" id="cb-step-payment">
        {t.payment}
      </h2>
      <div class="element element-payment" ref={mountRef} role="group" aria-labelledby="cb-step-payment">
        {!ready && !error && <div class="skeleton" aria-label={t.loading} role="progressbar" />}
      </div>
      {error && <ErrorNote error={error} t={t} onRestart={props.onRestart} />}
      <button
        type="submit"
        class="pay-button"
        disabled={!ready || busy || repricing}
        aria-disabled={missing ? 'true' : undefined}
        aria-describedby={missing && !detailsError ? 'cb-pay-hint' : undefined}
      >
        {busy || repricing ? <span class="spinner" aria-hidden="true" /> : null}
        <span>{busy ? t.processing : repricing ? t.updatingTotal : fill(t.pay, { amount: money(props.amount) })}</span>
      </button>
      {missing && !detailsError && (
        <p class="pay-hint" id="cb-pay-hint">
          {shipping ? t.detailsMissing : t.emailMissing}
        </p>
      )}
    </form>
  );
}
