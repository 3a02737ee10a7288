// Browser entry for the Stripe.js double's tests, bundled by esbuild at test time: it loads Stripe.js the way the
// checkout page does (through @stripe/stripe-js's loadStripe) and mounts the Payment Element into #payment-element.
// The page's query string carries the publishable key (pk), the PaymentIntent's client secret (cs) and an optional
// Stripe.js locale (locale); `link` and `address` (JSON options) also mount a Link Authentication Element into
// #link-authentication-element and an Address Element into #address-element, before the Payment Element.
import {
  loadStripe,
  type Stripe,
  type StripeAddressElement,
  type StripeAddressElementOptions,
  type StripeElements,
  type StripeLinkAuthenticationElement,
  type StripeLinkAuthenticationElementOptions,
  type StripePaymentElement,
} from '@stripe/stripe-js';

/** What the test page exposes to page.evaluate. */
export interface TestApp {
  /** Settles once Stripe.js is loaded and the Payment Element is mounted (not necessarily ready). */
  loaded: Promise<void>;
  stripe?: Stripe;
  elements?: StripeElements;
  payment?: StripePaymentElement;
  link?: StripeLinkAuthenticationElement;
  address?: StripeAddressElement;
  /** Every event the Payment Element emitted, in order, with its type. */
  events: Array<{ type: string } & Record<string, unknown>>;
  /** Every event the Link Authentication Element emitted, in order, with its type. */
  linkEvents: Array<{ type: string } & Record<string, unknown>>;
  /** Every event the Address Element emitted, in order, with its type. */
  addressEvents: Array<{ type: string } & Record<string, unknown>>;
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
const app: TestApp = { loaded: Promise.resolve(), events: [], linkEvents: [], addressEvents: [], warnings: [], violations: [] };
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
  const linkOptions = params.get('link');
  if (linkOptions !== null) {
    const link = elements.create('linkAuthentication', JSON.parse(linkOptions) as StripeLinkAuthenticationElementOptions);
    record(link, app.linkEvents);
    link.mount('#link-authentication-element');
    app.link = link;
  }
  const addressOptions = params.get('address');
  if (addressOptions !== null) {
    const address = elements.create('address', JSON.parse(addressOptions) as StripeAddressElementOptions);
    record(address, app.addressEvents);
    address.mount('#address-element');
    app.address = address;
  }
  const payment = elements.create('payment');
  record(payment, app.events);
  payment.mount('#payment-element');
  Object.assign(app, { stripe, elements, payment });
}

/** Records every event an Element emits, with its type. */
function record(element: { on(type: 'change', handler: (event: object) => void): unknown }, into: TestApp['events']): void {
  for (const type of ['ready', 'change', 'focus', 'blur', 'escape', 'loaderror'] as const) {
    element.on(type as 'change', (event) => into.push({ type, ...event }));
  }
}

app.loaded = start();
