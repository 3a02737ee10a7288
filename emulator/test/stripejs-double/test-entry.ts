// Browser entry for the Stripe.js double's tests, bundled by esbuild at test time: it loads Stripe.js the way the
// checkout page does (through @stripe/stripe-js's loadStripe) and mounts the Payment Element into #payment-element.
// The page's query string carries the publishable key (pk), the PaymentIntent's client secret (cs) and an optional
// Stripe.js locale (locale).
import { loadStripe, type Stripe, type StripeElements, type StripePaymentElement } from '@stripe/stripe-js';

/** What the test page exposes to page.evaluate. */
export interface TestApp {
  /** Settles once Stripe.js is loaded and the Payment Element is mounted (not necessarily ready). */
  loaded: Promise<void>;
  stripe?: Stripe;
  elements?: StripeElements;
  payment?: StripePaymentElement;
  /** Every event the Payment Element emitted, in order, with its type. */
  events: Array<{ type: string } & Record<string, unknown>>;
  /** Console warnings seen while loading (loadStripe warns when Stripe.version does not match its release). */
  warnings: string[];
  /** Content-Security-Policy violations, as "directive blocked-uri". */
  violations: string[];
}

declare global {
  interface Window {
    testApp: TestApp;
  }
}

const params = new URLSearchParams(location.search);
const app: TestApp = { loaded: Promise.resolve(), events: [], warnings: [], violations: [] };
window.testApp = app;
document.addEventListener('securitypolicyviolation', (e) => app.violations.push(`${e.violatedDirective} ${e.blockedURI}`));

const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  app.warnings.push(args.map(String).join(' '));
  warn(...args);
};

async function start(): Promise<void> {
  const locale = (params.get('locale') ?? undefined) as 'de' | undefined;
  const stripe = await loadStripe(params.get('pk') ?? '', locale ? { locale } : undefined);
  if (!stripe) throw new Error('loadStripe resolved to null');
  const elements = stripe.elements({ clientSecret: params.get('cs') ?? '', appearance: { theme: 'stripe' } });
  const payment = elements.create('payment');
  for (const type of ['ready', 'change', 'focus', 'blur', 'escape', 'loaderror'] as const) {
    payment.on(type as 'change', (event) => app.events.push({ type, ...event }));
  }
  payment.mount('#payment-element');
  Object.assign(app, { stripe, elements, payment });
}

app.loaded = start();
