import { createPlatformApp } from './app';

// Reads the environment, serves the dashboard on 127.0.0.1 and prints where.
const secret = process.env.CHECKOUT_BEST_SECRET ?? '';
if (!secret) {
  console.error("Set CHECKOUT_BEST_SECRET to checkout-best's INTERNAL_SECRET (see examples/bmos-node/README.md)");
  process.exit(1);
}
const webhookSecret = process.env.CHECKOUT_BEST_WEBHOOK_SECRET;
const app = createPlatformApp({
  checkoutBestUrl: process.env.CHECKOUT_BEST_URL ?? 'http://127.0.0.1:3000',
  secret,
  webhooks: webhookSecret ? { secret: webhookSecret } : undefined,
});
const host = process.env.HOST ?? '127.0.0.1';
const server = app.listen(Number(process.env.PORT ?? 5001), host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`BMOS dashboard (Node) listening on http://${host}:${port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
