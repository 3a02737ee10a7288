// `npm run reconcile`: one reconciliation sweep now, against the configured database and Stripe, e.g. after
// a webhook outage or from cron; prints what it checked and recorded. Safe to run while the server runs:
// recording is idempotent per PaymentIntent.
import { systemClock } from '../clock';
import { ConfigError, loadConfig } from '../config';
import { Sealer } from '../crypto/seal';
import { createSqliteStorage, openDatabase } from '../db/index';
import { createLogger } from '../logger';
import { reconcilePayments } from '../reconcile';
import { createStripeFactory } from '../stripe/client';

try {
  const config = loadConfig(process.env, (w) => process.stderr.write(`warning: ${w}\n`));
  const storage = createSqliteStorage(openDatabase(config.databasePath), systemClock);
  const logger = createLogger({ level: config.logLevel, secrets: [...config.internalSecrets] });
  try {
    const report = await reconcilePayments({
      storage,
      clock: systemClock,
      logger,
      sealer: new Sealer(config.masterKey, config.masterKeysPrevious),
      stripe: createStripeFactory({ apiUrl: config.stripeApiUrl, timeoutMs: 20_000, maxNetworkRetries: 2 }),
    });
    process.stdout.write(
      `checked ${report.checked} open checkout session(s), recorded ${report.recorded} paid order(s), ` +
        `${report.failed} check(s) failed, forgot ${report.purged_carts} expired cart(s)\n`,
    );
    if (report.failed > 0) process.exitCode = 2;
  } finally {
    storage.close();
    logger.flush();
  }
} catch (err) {
  const message = err instanceof ConfigError ? err.message : `reconciliation failed: ${(err as Error).message}`;
  process.stderr.write(`checkout-best: ${message}\n`);
  process.exit(1);
}
