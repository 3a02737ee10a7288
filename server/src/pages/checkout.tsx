/**
 * The hosted checkout page's HTML: a shell that checkout.js (the widget's second bundle) takes over,
 * with its configuration as a JSON data block, plus the small "expired" and "not found" pages.
 * Everything is styled by /assets/checkout.<hash>.css, so the CSP needs no inline styles or scripts.
 */
import type { ComponentChildren, VNode } from 'preact';
import type { CheckoutText } from '../i18n/checkout';

interface ShellProps {
  lang: string;
  title: string;
  cssPath: string;
  children: ComponentChildren;
}

function Shell({ lang, title, cssPath, children }: ShellProps): VNode {
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <link rel="stylesheet" href={cssPath} />
      </head>
      <body>{children}</body>
    </html>
  );
}

/** JSON that is safe inside a <script> element (no `</script>`, no HTML comment openers). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** Props of CheckoutPage; `stripeJsUrl` is Config.stripeJsUrl (the offline demo's Stripe.js double). */
export interface CheckoutPageProps {
  lang: string;
  t: CheckoutText;
  storeName: string;
  cssPath: string;
  jsPath: string;
  stripeJsUrl?: string | undefined;
  config: unknown;
}

/** The checkout shell: a loading line until checkout.js renders the summary and payment form. */
export function CheckoutPage(p: CheckoutPageProps): VNode {
  return (
    <Shell lang={p.lang} title={`${p.t.title} · ${p.storeName}`} cssPath={p.cssPath}>
      <div id="checkout-best-app">
        <div class="loading" role="status">
          <span class="spinner" aria-hidden="true" /> {p.t.loading}
        </div>
      </div>
      <script type="application/json" id="checkout-best-config" dangerouslySetInnerHTML={{ __html: jsonForScript(p.config) }} />
      {/* A plain (blocking) script runs before the deferred bundle, so loadStripe finds window.Stripe and injects nothing. */}
      {p.stripeJsUrl && <script src={p.stripeJsUrl} />}
      <script src={p.jsPath} defer />
    </Shell>
  );
}

/** A page that says one thing (expired, not found, not connected) and links back to the store. */
export function CheckoutMessagePage(p: { lang: string; cssPath: string; title: string; text: string; backUrl: string | null; backLabel: string }): VNode {
  return (
    <Shell lang={p.lang} title={p.title} cssPath={p.cssPath}>
      <main class="shell">
        <div class="icon" aria-hidden="true">
          !
        </div>
        <h1>{p.title}</h1>
        <p>{p.text}</p>
        {p.backUrl && (
          <a class="button" href={p.backUrl} target="_top">
            {p.backLabel}
          </a>
        )}
      </main>
    </Shell>
  );
}
