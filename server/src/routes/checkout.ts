import type { CodeGuessLimit } from '../security/code-guess-limit';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { readBody, readJson } from '../http/body';
import { paramOf } from '../http/params';
import { CHECKOUT_TOKEN_PATTERN, hashToken } from '../payments/ids';
import { completeCheckout, ensurePaymentIntent, type InFlight } from '../payments/payment';
import { parseDetailsInput, saveCheckoutDetails } from '../payments/details';
import { findLiveCheckout, loadCheckoutView, requireLive } from '../payments/sessions';
import { findCart } from '../payments/carts';
import { oncePerRequest, rateLimitsOf, shopperLimit, UNCOUNTED } from '../security/rate-limit';
import { retryAfterSeconds, takeFromStoreBudget } from '../security/store-budget';

export const completeBody = z.object({
  payment_intent_id: z.string().regex(/^pi_[A-Za-z0-9_]{1,100}$/, 'must be a PaymentIntent id (pi_…)'),
});

/**
 * The JSON API of the checkout page (same origin as the page, so no CORS): the frozen session, its one
 * PaymentIntent, and completion. The token in the path is the capability; answers are never cached.
 */
export function checkoutApiRouter(deps: AppDeps, codeGuesses: CodeGuessLimit): Router {
  /** The session a request's token names, read once per request. */
  const sessionOf = oncePerRequest((token: string) => (CHECKOUT_TOKEN_PATTERN.test(token) ? deps.storage.checkouts.findByTokenHash(hashToken(token)) : null));
  const checkoutOf = (ctx: Context) => sessionOf(paramOf(ctx, 'token'), ctx);
  const router = new Router({ sensitive: true });
  const inFlight: InFlight = new Map();
  const limits = rateLimitsOf(deps.config);
  // Per client address and per store; only a call that will create the session's PaymentIntent counts
  // (one answered with the intent the session already has, e.g. a reload, makes no Stripe call).
  const intentBudget = { name: 'payment-intents', perMinute: limits.storePaymentIntentsPerMinute };
  const limitIntents = shopperLimit({
    clock: deps.clock,
    perAddress: limits.paymentIntentsPerMinute,
    perStore: limits.storePaymentIntentsPerMinute,
    storeOf: async (ctx) => {
      const checkout = await checkoutOf(ctx);
      return checkout && !checkout.payment_intent_id ? checkout.store_id : UNCOUNTED;
    },
    // Smoothed and shared by the instances (store-budget.ts), with a share kept for carts older than a burst.
    takeFromStore: (store, ctx) =>
      takeFromStoreBudget({ budgets: deps.storage.budgets, clock: deps.clock }, intentBudget, store, async () => {
        const checkout = await checkoutOf(ctx);
        return checkout ? ((await findCart(deps, checkout.cart_id))?.created_at ?? null) : null;
      }),
    storeRetryAfterSeconds: retryAfterSeconds(intentBudget),
  });
  // Each details change is a Stripe call with the merchant's key: bounded like intent creation.
  const limitDetails = shopperLimit({
    clock: deps.clock,
    perAddress: limits.detailsPerMinute,
    perStore: limits.storeDetailsPerMinute,
    storeOf: async (ctx) => (await checkoutOf(ctx))?.store_id ?? null,
  });
  // Per address only: each session's Stripe reads are spaced in the database (payment.ts), whoever asks.
  const limitComplete = shopperLimit({ clock: deps.clock, perAddress: limits.completePerMinute, perStore: Number.MAX_SAFE_INTEGER, storeOf: () => null });
  router.use('/api/checkout', async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
  });

  router.get('/api/checkout/:token', async (ctx) => {
    ctx.body = await loadCheckoutView(deps, ctx.params.token);
  });

  router.post('/api/checkout/:token/payment-intent', limitIntents, async (ctx) => {
    // The session the limit read (one lookup per request).
    ctx.body = await ensurePaymentIntent(deps, inFlight, requireLive(deps, await checkoutOf(ctx)));
  });

  // Email, address and rate: the server reprices the session and updates its PaymentIntent before answering.
  router.post('/api/checkout/:token/details', limitDetails, async (ctx) => {
    const checkout = await findLiveCheckout(deps, ctx.params.token);
    const input = parseDetailsInput(await readJson(ctx));
    if (typeof input.discount_code === 'string') await codeGuesses(ctx, checkout.cart_id);
    ctx.body = await saveCheckoutDetails(deps, checkout, input);
  });

  router.post('/api/checkout/:token/complete', limitComplete, async (ctx) => {
    const { payment_intent_id } = await readBody(ctx, completeBody);
    const answer = await completeCheckout(deps, ctx.params.token, payment_intent_id);
    if (answer.outcome === 'processing') {
      ctx.status = 202;
      ctx.body = { status: 'processing', payment_intent_id: answer.payment_intent_id };
    } else {
      ctx.body = { order: answer.order };
    }
  });
  return router;
}
