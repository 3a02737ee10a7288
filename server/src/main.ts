// The process entry point: environment → config → dependencies → listen, and a graceful stop on signals.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { upgradeSealedValues } from './crypto/upgrade';
import { buildDeps, StorageOpenError, type AppDeps } from './deps';
import { releaseInstanceClaims } from './payments/claims';
import { startReconcileLoop } from './payments/sweep';
import { startDeliveryWorker } from './platform-webhooks/worker';

async function start(): Promise<void> {
  const warnings: string[] = [];
  let config: Config;
  try {
    config = loadConfig(process.env, (w) => warnings.push(w));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`checkout-best: ${err.message}\n`);
    process.exit(1);
  }
  let deps: AppDeps;
  try {
    deps = await buildDeps(config);
  } catch (err) {
    // A database that cannot be opened is a configuration problem: say which and stop, without a stack trace.
    if (!(err instanceof StorageOpenError)) throw err;
    process.stderr.write(`checkout-best: ${err.message}\n`);
    process.exit(1);
  }
  for (const w of warnings) deps.logger.warn(w);
  if (config.env === 'production' && !config.trustProxy) {
    deps.logger.warn('production without TRUST_PROXY: make sure TLS terminates in front of this server');
  }
  // Before the first request or sweep: v1 boxes (bound to their store only) are re-sealed as v2, bound to
  // store, purpose and row; Sealer.open refuses v1 (crypto/upgrade.ts).
  try {
    await upgradeSealedValues(deps);
  } catch (err) {
    deps.logger.error({ err }, 'upgrading the sealed values failed; not starting');
    deps.logger.flush(() => process.exit(1));
    return;
  }
  const handle = createApp(deps).callback();
  let stopping = false;
  // Koa's callback handles its own errors; the promise it returns needs no caller. Once stopping, every answer
  // closes its connection, so keep-alive clients reconnect (through the load balancer, to another instance).
  const server = createServer((req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
    void handle(req, res);
  });
  // Idle keep-alive connections outlast the load balancer's own idle timeout (config.ts); the headers of a
  // request on such a connection must be allowed as long, or Node would cut it before the keep-alive ends.
  server.keepAliveTimeout = config.keepAliveTimeoutMs ?? 65_000;
  server.headersTimeout = server.keepAliveTimeout + 1000;
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    deps.logger.info({ host: config.host, port, public_url: config.publicUrl, env: config.env }, 'checkout-best listening');
  });
  // background jobs of the payment flow
  const stopSweep = startReconcileLoop(deps); // sweeps now and every 5 minutes; its timer is unref'd
  // the platform's webhooks: claims due deliveries every second (a backlog at once); its timer is unref'd
  const { enabled: deliver = true, ...delivery } = config.webhookDelivery ?? {};
  const stopDelivering = deliver ? startDeliveryWorker(deps, delivery) : () => Promise.resolve();
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Not ready first: GET /readyz answers 503 from now on, while the server still serves SHUTDOWN_DELAY_MS
    // (so load balancers that probe it take this instance out before it stops accepting connections).
    deps.lifecycle.stopping = true;
    stopSweep(); // no new sweep starts; one already running finishes or fails on the closed storage (logged)
    const delivering = stopDelivering(); // no new pass starts; the one in flight settles its attempts
    const delayMs = config.shutdownDelayMs ?? 0;
    deps.logger.info({ signal, delay_ms: delayMs }, 'stopping: not ready; finishing open requests');
    setTimeout(() => {
      // Give slow requests a bounded time; the database is closed only after the server stops taking requests.
      const force = setTimeout(() => server.closeAllConnections(), 10_000).unref();
      server.close(() => {
        clearTimeout(force);
        // Drop this instance's cart claims and sweep lease (no request runs any more), so the other instances
        // need not wait out their TTLs; releaseInstanceClaims never throws.
        delivering
          .then(() => releaseInstanceClaims(deps))
          .then(() => deps.storage.close())
          .catch((err: unknown) => deps.logger.error({ err }, 'closing the database failed'))
          .finally(() => {
            deps.logger.info('stopped');
            // Exit explicitly: background timers (e.g. the reconciliation sweep) must not keep the process up.
            deps.logger.flush(() => process.exit(0));
          });
      });
      server.closeIdleConnections();
    }, delayMs);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await start();
