/** The hosted checkout page: summary and payment form, then the receipt; also finishes redirect returns. */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatMoney } from '../cart/money';
import { fill } from '../i18n';
import type { CheckoutText } from '../i18n/checkout';
import type { CheckoutDetails, CheckoutPageConfig, DetailsAnswer, Order } from '../../../server/src/wire';
import { completeWithRetry, type CheckoutApi } from './api';
import { DiscountField } from './DiscountField';
import { ErrorNote, shownError, type ShownError } from './ErrorNote';
import { isFramed, ownUrl, tellParent } from './parent';
import { PaymentForm } from './PaymentForm';
import { taxLabel } from './Lines';
import { Receipt } from './Receipt';
import { Summary, TestCards } from './Summary';

interface AppProps {
  config: CheckoutPageConfig;
  api: CheckoutApi;
  t: CheckoutText;
}

/** Reads a redirect return (`?payment_intent=…&redirect_status=…`) from the page URL, if any. */
function redirectReturn(): string | null {
  const q = new URLSearchParams(location.search);
  return q.get('payment_intent') && q.get('redirect_status') ? q.get('payment_intent') : null;
}

/** What the shopper hears about when it changes: whether shipping is priced, its price, the taxes and the total. */
const priceKey = (d: CheckoutDetails) => `${d.shipping?.rate.amount ?? '-'}/${d.amounts.tax_lines.map((l) => l.amount).join()}/${d.amounts.total}`;

/** The whole checkout page. */
export function CheckoutApp({ config, api, t }: AppProps): JSX.Element {
  const { view, locale, parentOrigin } = config;
  const [order, setOrder] = useState<Order | null>(view.order ?? null);
  const [returnError, setReturnError] = useState<ShownError | null>(null);
  // The server's latest word on email, address, rate and total; every change of them answers a new one.
  const [details, setDetails] = useState<CheckoutDetails>(view.details);
  const [amount, setAmount] = useState(view.amount);
  // The polite live region's text: the new shipping price, taxes and total, said once whenever one changes.
  const [announcement, setAnnouncement] = useState('');
  const said = useRef(priceKey(view.details));
  // The refusal of the last code typed; the applied code itself is the server's (`details.discount`).
  const [codeError, setCodeError] = useState('');
  const onDetails = (answer: DetailsAnswer) => {
    setDetails(answer.details);
    setAmount(answer.amount);
    const key = priceKey(answer.details);
    if (key === said.current) return;
    said.current = key;
    const money = (n: number) => formatMoney(n, view.currency, locale);
    const a = answer.details.amounts;
    const tax = a.tax_lines.map((l) => `${taxLabel(l, t, locale)} ${money(l.amount)}. `).join('');
    setAnnouncement(answer.details.shipping ? fill(t.totalNow, { shipping: a.shipping ? money(a.shipping) : t.free, tax, total: money(a.total) }) : '');
  };
  const back = (type: 'checkout-best:close' | 'checkout-best:back-to-cart') => {
    if (isFramed()) tellParent({ type }, parentOrigin);
    else if (config.backUrl) location.href = config.backUrl;
  };
  const close = () => back('checkout-best:close');
  // Esc must not close the overlay under a payment in flight (a 3-D Secure challenge is the top-most dialog then).
  const escape = () => document.querySelector('.pay-form[aria-busy="true"]') || close();
  // "Start again": the widget closes the overlay and shows the cart; full-page, back to the store.
  const restart = (isFramed() ? parentOrigin : config.backUrl) ? () => back('checkout-best:back-to-cart') : null;

  // A code goes straight to /details (not through the form's sync: a refused code must not be sent again with
  // the next address change); the answer reprices the summary, Pay and, through `amount`, the Payment Element.
  const applyCode = async (typed: string | null) => {
    try {
      onDetails(await api.details({ discount_code: typed }));
      setCodeError('');
    } catch (err) {
      setCodeError(shownError(t, err).message);
    }
  };

  const paid = async (intentId: string) => {
    const o = await completeWithRetry(api, intentId);
    setOrder(o);
    tellParent({ type: 'checkout-best:checkout-completed', order: o }, parentOrigin);
  };
  const failed = (error: { code: string; message: string }) => tellParent({ type: 'checkout-best:checkout-failed', error }, parentOrigin);

  useEffect(() => {
    tellParent({ type: 'checkout-best:ready' }, parentOrigin);
    if (view.order) tellParent({ type: 'checkout-best:checkout-completed', order: view.order }, parentOrigin);
    const intentId = redirectReturn();
    // Back from a redirect-based method: drop the parameters (a reload must not replay them) and let
    // /complete ask the PaymentIntent whether it worked, unless a webhook already recorded the order.
    if (intentId) history.replaceState(null, '', ownUrl(locale, parentOrigin));
    if (intentId && !view.order) {
      paid(intentId).catch((err: unknown) => {
        const shown = shownError(t, err, String(err));
        setReturnError(shown);
        failed(shown);
      });
    }
    // Esc closes the overlay: key presses inside this frame never reach the widget's page.
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !e.defaultPrevented && escape();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  if (order) {
    return (
      <main class="page page-receipt">
        <Receipt order={order} store={view.store.name} t={t} locale={locale} onContinue={close} />
      </main>
    );
  }
  const testMode = !view.is_live_mode;
  // As the store spells it, whether the shopper applied it here or in the cart before the checkout opened.
  const code = details.discount?.code ?? null;
  return (
    <main class="page">
      <Summary
        store={view.store.name}
        items={view.items}
        amounts={details.amounts}
        currency={view.currency}
        rate={view.requires_shipping ? (details.shipping?.rate.display_name ?? null) : undefined}
        testMode={testMode}
        t={t}
        locale={locale}
        code={code}
      >
        <DiscountField code={code} error={codeError} t={t} apply={(c) => void applyCode(c)} />
      </Summary>
      <section class="payment" aria-label={t.title}>
        {testMode && <TestCards t={t} />}
        {returnError && <ErrorNote error={returnError} t={t} onRestart={restart} />}
        <PaymentForm
          view={view}
          details={details}
          amount={amount}
          onDetails={onDetails}
          api={api}
          t={t}
          locale={locale}
          lang={config.lang}
          accent={config.accent}
          returnUrl={ownUrl(config.lang, parentOrigin)}
          onRestart={restart}
          onPaid={paid}
          onFailed={failed}
          onEscape={escape}
        />
        {/* The lock before it is drawn by checkout.css (an icon costs the bundle nothing there). */}
        <p class="secure">{t.secure}</p>
        {!isFramed() && config.backUrl && (
          <a class="back" href={config.backUrl}>
            ← {t.backToStore}
          </a>
        )}
      </section>
      <p class="sr" role="status" aria-live="polite" aria-atomic="true" data-announcement="">
        {announcement}
      </p>
    </main>
  );
}
