/**
 * The composition root: the one place that turns a configuration into the app's dependencies. The server
 * (main.ts), every CLI, the tests and the bench call buildDeps (async: opening PostgreSQL connects and migrates), so they all scrub the same secrets from their
 * logs and talk to storage and Stripe the same way. Importing this module starts nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock';
import { redactDatabaseUrl, type Config } from './config';
import { Sealer } from './crypto/seal';
import { createLogger, type LoggerOptions } from './logger';
import type { Storage } from './storage/port';
import { openPostgresStorage, SchemaTooNewError } from './storage/postgres/index';
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
  /**
   * This instance's owner id for the cart claims and leases it takes in the database (payments/claims.ts,
   * payments/sweep.ts): random per buildDeps, so two processes (or two test apps) never share one.
   */
  instanceId: string;
  /** Where the process is in its life, for GET /readyz (main.ts marks the shutdown). */
  lifecycle: Lifecycle;
}

/** The process's state as a load balancer sees it: `stopping` from the first moment of a graceful shutdown. */
export interface Lifecycle {
  stopping: boolean;
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

/** The database could not be opened; the message names the setting and never carries a password. */
export class StorageOpenError extends Error {
  override readonly name = 'StorageOpenError';
}

/**
 * Opens the configured storage: PostgreSQL when DATABASE_URL is set (connects and applies pending
 * migrations under the migration lock), else the SQLite file at DATABASE_PATH.
 */
export async function openStorage(config: Config, clock: Clock): Promise<Storage> {
  if (!config.databaseUrl) return openSqliteStorage(config.databasePath, clock);
  const url = config.databaseUrl;
  try {
    return await openPostgresStorage({ url, poolSize: config.databasePoolSize ?? 10 }, clock);
  } catch (err) {
    throw new StorageOpenError(`cannot open the database at DATABASE_URL (${redactDatabaseUrl(url)}): ${databaseErrorMessage(err, url)}`);
  }
}

/** What went wrong talking to the PostgreSQL database at `url`, without its password (for messages of the CLIs too). */
export function databaseErrorMessage(err: unknown, url: string): string {
  return scrub(err instanceof SchemaTooNewError ? err.message : describePgError(err), url);
}

/** Builds every dependency of the app from the configuration. */
export async function buildDeps(config: Config, overrides: DepsOverrides = {}): Promise<AppDeps> {
  const clock = overrides.clock ?? systemClock;
  const logger = createLogger({ level: config.logLevel, secrets: configuredSecrets(config), destination: overrides.logDestination });
  return {
    config,
    storage: overrides.storage ?? (await openStorage(config, clock)),
    clock,
    sealer: new Sealer(config.masterKey, config.masterKeysPrevious),
    stripe: createStripeFactory({ apiUrl: config.stripeApiUrl, ...DEFAULT_STRIPE_SETTINGS, ...overrides.stripe }),
    logger,
    instanceId: `inst_${randomBytes(9).toString('base64url')}`,
    lifecycle: { stopping: false },
  };
}

/** The configured secrets as they could appear in text (the logger scrubs them from every line). */
export function configuredSecrets(config: Pick<Config, 'masterKey' | 'masterKeysPrevious' | 'internalSecrets'>): string[] {
  const keys = [config.masterKey, ...config.masterKeysPrevious].map((k) => Buffer.from(k));
  return [...keys.flatMap((k) => [k.toString('base64'), k.toString('base64url'), k.toString('hex')]), ...config.internalSecrets];
}

function describePgError(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] } | null;
  // Node's AggregateError (every address of a host refused) has an empty message of its own.
  const message = e?.message || e?.errors?.map((x) => x.message).join('; ') || String(err);
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

/** Removes the URL's password from a message, however the driver quoted it. */
function scrub(message: string, url: string): string {
  let password: string;
  try {
    const u = new URL(url);
    password = decodeURIComponent(u.password) || (u.searchParams.get('password') ?? '');
  } catch {
    return message;
  }
  return password ? message.split(password).join('***').split(encodeURIComponent(password)).join('***') : message;
}
