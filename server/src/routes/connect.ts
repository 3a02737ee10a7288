import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { checkConnectLink, linkError, type ConnectLinkProblem } from '../connect/connect-link';
import { connectStore } from '../connect/connect-store';
import { STORE_ID_PATTERN } from '../connect/stores';
import type { AppDeps } from '../deps';
import { AppError, errors } from '../errors';
import { readBody } from '../http/body';
import { ConnectForm } from '../pages/connect-form';
import { ErrorPage, LinkErrorPage, StoreNotFoundPage, SuccessPage } from '../pages/messages';
import { sendPage } from '../pages/render';
import { verifyConnectLink, type ConnectLinkParams, type RawLinkFields } from '../security/connect-link';
import { framingOrigin } from '../security/framing-origin';
import { rateLimit, rateLimitsOf } from '../security/rate-limit';
import { KeyProblem } from '../stripe/verify-keys';

export const formSchema = z.object({
  store_id: z.string().max(100),
  return_url: z.string().max(2048).optional(),
  expires: z.string().max(20),
  signature: z.string().max(128),
  parent_origin: z.string().max(2048).optional(),
  publishable_key: z.string().trim().max(255).default(''),
  secret_key: z.string().trim().max(255).default(''),
});

/** The only value the form's publishable field is ever refilled with. */
const PUBLISHABLE_REFILL = /^pk_(test|live)_[A-Za-z0-9]+$/;

/** The public connect form (GET/POST /stripe/connect) and the success page. */
export function connectRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });
  const limit = rateLimit({ clock: deps.clock, windowMs: 60_000, max: rateLimitsOf(deps.config).connectPerMinute });

  router.get('/stripe/connect', async (ctx) => {
    const link = await checkConnectLink(deps, ctx.query);
    if (!link.ok) return sendLinkProblem(ctx, link.problem);
    const parentOrigin = framingOrigin(link.store, ctx.query.parent_origin);
    sendPage(ctx, (nonce) => ConnectForm({ nonce, storeName: link.store.name, link: formLink(link), parentOrigin }), {
      frameAncestors: link.store.allowed_origins,
    });
  });

  router.post('/stripe/connect', errorsAsPages, limit, (ctx) => submitForm(deps, ctx));

  router.get('/stripe/success/:store_id', async (ctx) => {
    const id = (ctx.params.store_id ?? '').toLowerCase();
    const store = STORE_ID_PATTERN.test(id) ? await deps.storage.stores.get(id) : null;
    if (!store) return sendPage(ctx, (nonce) => StoreNotFoundPage({ nonce }), { status: 404 });
    const conn = await deps.storage.stores.getConnection(store.id);
    // The return URL and the account details are shown only with the signature the 303 carried (expired or
    // burnt is fine here): store ids are public in storefronts, the Stripe account behind one is not.
    const signed = verifyConnectLink(deps.config.internalSecrets, { ...(ctx.query as RawLinkFields), store_id: store.id }, 0);
    const trusted = signed.ok && signed.params.storeId === store.id;
    const returnUrl = trusted && signed.params.returnUrl ? signed.params.returnUrl : null;
    const account = trusted && conn ? { id: conn.account_id, name: conn.account_name } : null;
    const connected = conn ? { livemode: conn.livemode, account } : null;
    const parentOrigin = framingOrigin(store, ctx.query.parent_origin);
    sendPage(ctx, (nonce) => SuccessPage({ nonce, store, connected, returnUrl, parentOrigin }), { frameAncestors: store.allowed_origins });
  });

  return router;
}

async function submitForm(deps: AppDeps, ctx: Context): Promise<void> {
  const form = await readBody(ctx, formSchema);
  const link = await checkConnectLink(deps, form);
  if (!link.ok) {
    if (wantsJson(ctx)) throw linkError(link.problem);
    return sendLinkProblem(ctx, link.problem);
  }
  const keys = { publishable: form.publishable_key, secret: form.secret_key };
  const parentOrigin = framingOrigin(link.store, form.parent_origin);
  try {
    await connectStore(deps, link.store, keys, { signature: link.signature, expiresAt: link.params.expires * 1000 });
  } catch (err) {
    if (!(err instanceof KeyProblem) && !(err instanceof AppError && err.code === errors.stripeUnavailable.code)) throw err;
    deps.logger.info({ store_id: link.store.id, code: err.code }, 'connect form refused');
    if (wantsJson(ctx)) throw err;
    const field = err instanceof KeyProblem ? err.field : null;
    // Refill only a real publishable key: a secret pasted into the wrong field must not come back in the page.
    const publishableKey = PUBLISHABLE_REFILL.test(keys.publishable) ? keys.publishable : undefined;
    sendPage(
      ctx,
      (nonce) => ConnectForm({ nonce, storeName: link.store.name, link: formLink(link), parentOrigin, publishableKey, error: { message: err.message, field } }),
      {
        status: err.status,
        frameAncestors: link.store.allowed_origins,
      },
    );
    return;
  }
  const back = new URLSearchParams({
    ...(link.params.returnUrl ? { return_url: link.params.returnUrl } : {}),
    expires: String(link.params.expires),
    signature: link.signature,
  });
  // Not signed and not needed: it only says where the success page may post its message, and only an
  // allowed origin of this store is ever used (checked again on the success page).
  if (parentOrigin) back.set('parent_origin', parentOrigin);
  ctx.status = 303;
  ctx.redirect(`/stripe/success/${link.store.id}?${back}`);
}

function sendLinkProblem(ctx: Context, problem: ConnectLinkProblem): void {
  if (problem === 'store_not_found') return sendPage(ctx, (nonce) => StoreNotFoundPage({ nonce }), { status: 404 });
  sendPage(ctx, (nonce) => LinkErrorPage({ nonce, problem }), { status: 403 });
}

function formLink(link: { params: ConnectLinkParams; signature: string }) {
  const p = link.params;
  return { store_id: p.storeId, return_url: p.returnUrl, expires: String(p.expires), signature: link.signature };
}

/** A refusal of the form's POST as a page for browsers (API clients asking for JSON get the JSON error). */
const errorsAsPages: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    if (!(err instanceof AppError) || wantsJson(ctx)) throw err;
    sendPage(ctx, (nonce) => ErrorPage({ nonce, title: pageTitle(err), message: err.message }), { status: err.status });
    for (const [k, v] of Object.entries(err.headers)) ctx.set(k, v);
  }
};

function pageTitle(err: AppError): string {
  if (err.code === 'rate_limited') return 'Too many attempts';
  if (err.code === 'body_too_large') return 'That was too much data';
  if (err.status >= 500) return 'Something went wrong';
  return 'That did not work';
}

/** API clients (tests, platforms) ask for JSON; browsers get pages. */
function wantsJson(ctx: Context): boolean {
  return ctx.accepts('html', 'json') === 'json';
}
