// `npm run reconcile`: one reconciliation sweep now, against the configured database and Stripe, e.g. after
// a webhook outage or from cron; prints what it checked and recorded. Safe to run while the server runs:
// recording is idempotent per PaymentIntent, so it sweeps regardless of the servers' sweep lease.
import { ConfigError, loadConfig } from '../config';
import { buildDeps, StorageOpenError } from '../deps';
import { reconcilePayments } from '../payments/sweep';

try {
  const config = loadConfig(process.env, (w) => process.stderr.write(`warning: ${w}\n`));
  const deps = await buildDeps(config);
  try {
    const report = await reconcilePayments(deps);
    process.stdout.write(
      `checked ${report.checked} open checkout session(s), recorded ${report.recorded} paid order(s), ` +
        `${report.failed} check(s) failed, forgot ${report.purged_carts} expired cart(s) and ` +
        `${report.purged_sessions} abandoned checkout session(s) and ${report.purged_events} handled webhook event id(s)\n`,
    );
    if (report.failed > 0) process.exitCode = 2;
  } finally {
    await deps.storage.close();
    deps.logger.flush();
  }
} catch (err) {
  const message = err instanceof ConfigError || err instanceof StorageOpenError ? err.message : `reconciliation failed: ${(err as Error).message}`;
  process.stderr.write(`checkout-best: ${message}\n`);
  process.exit(1);
}
