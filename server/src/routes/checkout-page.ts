/**
 * `GET /checkout/:token`: the hosted checkout page (our origin) that the widget opens in its overlay,
 * and the full-page target for shoppers sent there directly. Its CSP allows exactly the hosts Stripe.js
 * documents for the Payment Element (js.stripe.com scripts and frames, api.stripe.com, hooks.stripe.com
 * frames for 3-D Secure) plus our own origin, and only the store's allowed_origins may frame it.
 * Offline (STRIPE_JS_URL, never in production) the page loads the emulator's Stripe.js double instead.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { VNode } from 'preact';
import type { AppDeps } from '../deps';
import { AppError, errors } from '../errors';
import { checkoutView, findCheckout, isExpired } from '../payments/sessions';
import { CheckoutMessagePage, CheckoutPage } from '../pages/checkout';
import { checkoutPageText as checkoutText } from '../i18n/checkout-page';
import { pickLanguage } from '../i18n/index';
import { sendDocument } from '../pages/render';
import { framingOrigin } from '../security/framing-origin';
import type { AssetStore } from './assets';

/**
 * The checkout page's Content-Security-Policy; `frameAncestors` are the store's allowed_origins. With
 * `stripeJsUrl` (the offline demo and tests) that script's origin may also run scripts and be called (the
 * Stripe.js double calls the API on the origin it was loaded from); frame-src stays Stripe's, as the double
 * renders its card form and 3-D Secure modal in the page, not in frames.
 */
export function checkoutCsp(frameAncestors: string[], stripeJsUrl?: string): string {
  const extra = stripeJsUrl ? ` ${new URL(stripeJsUrl).origin}` : '';
  return [
    "default-src 'none'",
    `script-src 'self' https://js.stripe.com https://*.js.stripe.com${extra}`,
    "style-src 'self'",
    `connect-src 'self' https://api.stripe.com${extra}`,
    'frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com',
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}

const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;
const HEX_COLOR = /^#[0-9a-fA-F]{3,8}$/;

/** Sends the page with the checkout CSP (and, like every page, no-referrer: the token is in the URL). */
function sendHtml(ctx: Context, status: number, page: VNode, frameAncestors: string[], stripeJsUrl?: string): void {
  sendDocument(ctx, page, { status, csp: checkoutCsp(frameAncestors, stripeJsUrl) });
}

/** The route of the hosted checkout page. */
export function checkoutPageRouter(deps: AppDeps, assets: AssetStore): Router {
  const router = new Router({ sensitive: true });
  router.get('/checkout/:token', async (ctx) => {
    const cssPath = assets.path('checkout.css');
    const jsPath = assets.path('checkout.js');
    if (!cssPath || !jsPath) throw errors.widgetNotBuilt();
    const query = typeof ctx.query.locale === 'string' && LOCALE.test(ctx.query.locale) ? ctx.query.locale : '';
    const lang = pickLanguage(query, ...ctx.acceptsLanguages());
    const t = checkoutText[lang];
    const message = (status: number, title: string, text: string, backUrl: string | null, origins: string[]) =>
      sendHtml(ctx, status, CheckoutMessagePage({ lang, cssPath, title, text, backUrl, backLabel: t.backToStore }), origins);

    let checkout;
    try {
      checkout = await findCheckout(deps, ctx.params.token);
    } catch (err) {
      if (err instanceof AppError && err.code === errors.checkoutNotFound.code) return message(404, t.notFoundTitle, t.notFoundText, null, []);
      throw err;
    }
    const store = await deps.storage.stores.get(checkout.store_id);
    const origins = store?.allowed_origins ?? [];
    const backUrl = origins[0] ?? null;
    if (isExpired(deps, checkout)) return message(410, t.expiredTitle, t.expiredText, backUrl, origins);
    const view = await checkoutView(deps, checkout);
    if (!view.publishable_key && view.status === 'open') {
      return message(409, 'Store not connected to Stripe', t.loadError, backUrl, origins);
    }
    const accent = typeof ctx.query.accent === 'string' && HEX_COLOR.test(ctx.query.accent) ? ctx.query.accent : '#4f46e5';
    // The page posts to the parent the widget declared, only if it is one of the store's origins (framing is
    // limited to those by frame-ancestors); addressing every allowed origin made the browser log a mismatch each.
    const parentOrigin = framingOrigin({ allowed_origins: origins }, ctx.query.parent_origin);
    const config = { token: ctx.params.token, lang, locale: query || lang, parentOrigin, backUrl, accent, view };
    const stripeJsUrl = deps.config.stripeJsUrl;
    const page = CheckoutPage({ lang, t, storeName: view.store.name, cssPath, jsPath, stripeJsUrl, config });
    sendHtml(ctx, 200, page, origins, stripeJsUrl);
  });
  return router;
}
