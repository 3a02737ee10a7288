// Emulator-only endpoints (not Stripe's): finishing 3-D Secure. The Stripe.js double calls
// `POST /_emulator/payment_intents/:id/authenticate` with the publishable key, the client_secret and
// `outcome=complete|fail`.
import { authenticateIntent, settleIntent } from './confirm';
import type { Route } from './context';
import { loadIntent } from './payment-intents';

/** Routes that only the emulator has. */
export const emulatorRoutes: Route[] = [
  {
    method: 'POST',
    path: '/_emulator/payment_intents/:id/authenticate',
    need: 'publishable',
    permission: { resource: 'payment_intents', access: 'write' },
    handle: (ctx) => authenticateIntent(ctx, loadIntent(ctx, ctx.routeParams.id)),
  },
  {
    // The bank's answer to a processing SEPA Direct Debit payment; a secret key, as no shopper decides it.
    method: 'POST',
    path: '/_emulator/payment_intents/:id/settle',
    need: 'secret',
    permission: { resource: 'payment_intents', access: 'write' },
    handle: (ctx) => settleIntent(ctx, loadIntent(ctx, ctx.routeParams.id)),
  },
];

/** A small page standing in for the bank's 3-D Secure challenge (the double may show it in a frame). */
export function threeDSecurePage(intentId: string): string {
  const id = intentId.replace(/[^A-Za-z0-9_]/g, '');
  return `<!doctype html><html><head><meta charset="utf-8"><title>3D Secure (emulator)</title>
<style>body{font:16px system-ui;margin:2rem}button{font-size:1rem;margin-right:1rem;padding:.5rem 1rem}</style></head>
<body><h1>3D Secure test page</h1><p>Payment <code>${id}</code> needs authentication.</p>
<button id="complete" data-outcome="complete">Complete authentication</button>
<button id="fail" data-outcome="fail">Fail authentication</button>
<script>
for (const b of document.querySelectorAll('button')) b.addEventListener('click', () => {
  parent.postMessage({ type: 'stripe-emulator:3ds', payment_intent: ${JSON.stringify(id)}, outcome: b.dataset.outcome }, '*');
});
</script></body></html>`;
}
