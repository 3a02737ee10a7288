import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { readBody } from '../http/body';
import { completeCheckout, ensurePaymentIntent, type InFlight } from '../payments/payment';
import { loadCheckoutView } from '../payments/sessions';

const completeBody = z.object({
  payment_intent_id: z.string().regex(/^pi_[A-Za-z0-9_]{1,100}$/, 'must be a PaymentIntent id (pi_…)'),
});

/**
 * The JSON API of the checkout page (same origin as the page, so no CORS): the frozen session, its one
 * PaymentIntent, and completion. The token in the path is the capability; answers are never cached.
 */
export function checkoutApiRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });
  const inFlight: InFlight = new Map();
  router.use('/api/checkout', async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
  });

  router.get('/api/checkout/:token', async (ctx) => {
    ctx.body = await loadCheckoutView(deps, ctx.params.token!);
  });

  router.post('/api/checkout/:token/payment-intent', async (ctx) => {
    ctx.body = await ensurePaymentIntent(deps, inFlight, ctx.params.token!);
  });

  router.post('/api/checkout/:token/complete', async (ctx) => {
    const { payment_intent_id } = await readBody(ctx, completeBody);
    const answer = await completeCheckout(deps, ctx.params.token!, payment_intent_id);
    if (answer.status === 202) {
      ctx.status = 202;
      ctx.body = { status: 'processing', payment_intent_id: answer.payment_intent_id };
    } else {
      ctx.body = { order: answer.order };
    }
  });
  return router;
}
