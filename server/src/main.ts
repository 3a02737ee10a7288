// The process entry point: environment → config → dependencies → listen, and a graceful stop on signals.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from './app';
import { systemClock } from './clock';
import { ConfigError, loadConfig, type Config } from './config';
import { Sealer } from './crypto/seal';
import { createSqliteStorage, openDatabase } from './db/index';
import { createLogger } from './logger';
import { createStripeFactory } from './stripe/client';
import { startReconcileLoop } from './reconcile';

/** Builds every dependency of the app from the configuration. */
export function buildDeps(config: Config): AppDeps {
  const logger = createLogger({ level: config.logLevel, secrets: configuredSecrets(config) });
  const storage = createSqliteStorage(openDatabase(config.databasePath), systemClock);
  return {
    config,
    storage,
    clock: systemClock,
    sealer: new Sealer(config.masterKey, config.masterKeysPrevious),
    stripe: createStripeFactory({ apiUrl: config.stripeApiUrl, timeoutMs: 20_000, maxNetworkRetries: 2 }),
    logger,
  };
}

/** The configured secrets as they could appear in text (the logger scrubs them from every line). */
export function configuredSecrets(config: Config): string[] {
  const keys = [config.masterKey, ...config.masterKeysPrevious].map((k) => Buffer.from(k));
  return [...keys.flatMap((k) => [k.toString('base64'), k.toString('base64url'), k.toString('hex')]), ...config.internalSecrets];
}

function start(): void {
  const warnings: string[] = [];
  let config: Config;
  try {
    config = loadConfig(process.env, (w) => warnings.push(w));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`checkout-best: ${err.message}\n`);
    process.exit(1);
  }
  const deps = buildDeps(config);
  for (const w of warnings) deps.logger.warn(w);
  if (config.env === 'production' && !config.trustProxy) {
    deps.logger.warn('production without TRUST_PROXY: make sure TLS terminates in front of this server');
  }
  const server = createServer(createApp(deps).callback());
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    deps.logger.info({ host: config.host, port, public_url: config.publicUrl, env: config.env }, 'checkout-best listening');
  });
  // background jobs of the payment flow
  startReconcileLoop(deps); // sweeps now and every 5 minutes; its timer is unref'd
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal }, 'stopping: finishing open requests');
    // Give slow requests a bounded time; the database is closed only after the server stops taking requests.
    const force = setTimeout(() => server.closeAllConnections(), 10_000).unref();
    server.close(() => {
      clearTimeout(force);
      deps.storage.close();
      deps.logger.info('stopped');
      // Exit explicitly: background timers (e.g. the reconciliation sweep) must not keep the process up.
      deps.logger.flush(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

start();
