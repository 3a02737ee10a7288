/**
 * The composition root: the one place that turns a configuration into the app's dependencies. The server
 * (main.ts), every CLI, the tests and the bench call buildDeps, so they all scrub the same secrets from their
 * logs and talk to storage and Stripe the same way. Importing this module starts nothing.
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { Sealer } from './crypto/seal';
import { createLogger, type LoggerOptions } from './logger';
import type { Storage } from './storage/port';
import { openSqliteStorage } from './storage/sqlite/index';
import { createStripeFactory, type StripeFactory, type StripeSettings } from './stripe/client';

/** Everything the app needs from outside; tests build it from real parts (temp SQLite, the emulator). */
export interface AppDeps {
  config: Config;
  storage: Storage;
  clock: Clock;
  sealer: Sealer;
  stripe: StripeFactory;
  logger: Logger;
}

/** What a caller may set instead of the defaults (tests: a moving clock, captured logs, short timeouts). */
export interface DepsOverrides {
  clock?: Clock;
  /** Where log lines go (default stdout). */
  logDestination?: LoggerOptions['destination'];
  stripe?: Partial<StripeSettings>;
  storage?: Storage;
}

/** The Stripe client settings of the server and its CLIs. */
export const DEFAULT_STRIPE_SETTINGS = { timeoutMs: 20_000, maxNetworkRetries: 2 } as const;

/** Builds every dependency of the app from the configuration. */
export function buildDeps(config: Config, overrides: DepsOverrides = {}): AppDeps {
  const clock = overrides.clock ?? systemClock;
  const logger = createLogger({ level: config.logLevel, secrets: configuredSecrets(config), destination: overrides.logDestination });
  return {
    config,
    storage: overrides.storage ?? openSqliteStorage(config.databasePath, clock),
    clock,
    sealer: new Sealer(config.masterKey, config.masterKeysPrevious),
    stripe: createStripeFactory({ apiUrl: config.stripeApiUrl, ...DEFAULT_STRIPE_SETTINGS, ...overrides.stripe }),
    logger,
  };
}

/** The configured secrets as they could appear in text (the logger scrubs them from every line). */
export function configuredSecrets(config: Pick<Config, 'masterKey' | 'masterKeysPrevious' | 'internalSecrets'>): string[] {
  const keys = [config.masterKey, ...config.masterKeysPrevious].map((k) => Buffer.from(k));
  return [...keys.flatMap((k) => [k.toString('base64'), k.toString('base64url'), k.toString('hex')]), ...config.internalSecrets];
}
