import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './security/rate-limit';

/** The server's settings, read once from the environment at start (see loadConfig). */
export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /** The origin users reach the server at, without a trailing slash; used in every link it makes. */
  publicUrl: string;
  /** The SQLite file, used when no databaseUrl is set (also the folder of the development secrets.json). */
  databasePath: string;
  /** A postgres:// URL: PostgreSQL instead of SQLite (it may carry a password: never log it). */
  databaseUrl?: string;
  /** Connections this process may hold to PostgreSQL. */
  databasePoolSize?: number;
  /** Current master key (32 bytes) and older ones that may still open old boxes. */
  masterKey: Uint8Array;
  masterKeysPrevious: Uint8Array[];
  /** Accepted internal secrets; links are signed with the first. */
  internalSecrets: string[];
  stripeApiUrl: string;
  /** For the offline demo and tests: load Stripe.js from the emulator's double (an http(s) script URL); never in production. */
  stripeJsUrl?: string;
  logLevel: string;
  trustProxy: boolean;
  /**
   * On SIGTERM/SIGINT: how long the process keeps serving (GET /readyz already answering 503) before it stops
   * accepting connections, so load balancers that probe /readyz take it out first. 0 stops accepting at once.
   */
  shutdownDelayMs?: number;
  /**
   * How long an idle keep-alive connection stays open. It must outlast the idle timeout of the load balancer in
   * front (60 s on AWS ALB and GCP, nginx's upstream keepalive_timeout 60 s), or the balancer may send a
   * request on a connection this server is closing, and the shopper gets a 502.
   */
  keepAliveTimeoutMs?: number;
  /**
   * The platform-webhook delivery worker (platform-webhooks/worker.ts): `enabled: false` keeps it from
   * starting (a server started for tests that drive it themselves); the rest override its settings.
   */
  webhookDelivery?: { enabled?: boolean; timeoutMs?: number; pollIntervalMs?: number };
  /** Requests per minute, per client address group (IPv6 by /64) or per store; a missing one means its default in security/rate-limit.ts. */
  rateLimits?: Partial<RateLimits>;
}

/** A setting that is missing or malformed; the message names the variable and says what is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Where loadConfig reports things worth a warning (the logger does not exist yet when it runs). */
export type ConfigWarn = (message: string) => void;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes' || v === 'on');

function perMinute(fallback: number) {
  return z.coerce
    .number({ error: 'must be a whole number of requests per minute' })
    .int('must be a whole number of requests per minute')
    .min(1)
    .default(fallback);
}

const envSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test'], { error: 'must be production, development or test' }).default('development'),
  PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a port number').min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://checkout.example.com' }).optional(),
  DATABASE_PATH: z.string().min(1).default('./data/checkout-best.sqlite'),
  // The message never repeats the value: a URL may carry the database password.
  DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, { error: 'must be a postgres:// (or postgresql://) URL such as postgres://user:password@host:5432/checkout' })
    .optional(),
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: 'must be a whole number of connections' })
    .int('must be a whole number of connections')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(10),
  SHUTDOWN_DELAY_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(0)
    .max(600_000, 'must be at most 600000 (10 minutes)')
    .default(0),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(1000, 'must be at least 1000 (1 second)')
    .max(600_000, 'must be at most 600000 (10 minutes)')
    .default(65_000),
  MASTER_KEY: z.string().optional(),
  MASTER_KEYS_PREVIOUS: z.string().default(''),
  INTERNAL_SECRET: z.string().optional(),
  STRIPE_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.stripe.com'),
  STRIPE_JS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a Stripe.js script' }).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  TRUST_PROXY: flag,
  WEBHOOK_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(100)
    .max(60_000, 'must be at most 60000')
    .default(10_000),
  RATE_LIMIT_CONNECT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_INTERNAL_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_CARTS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.cartsPerMinute),
  RATE_LIMIT_STORE_CARTS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.storeCartsPerMinute),
  RATE_LIMIT_CART_ITEMS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.cartItemsPerMinute),
  RATE_LIMIT_STORE_CART_ITEMS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.storeCartItemsPerMinute),
  RATE_LIMIT_CHECKOUTS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.checkoutsPerMinute),
  RATE_LIMIT_STORE_CHECKOUTS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.storeCheckoutsPerMinute),
  RATE_LIMIT_PAYMENT_INTENTS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.paymentIntentsPerMinute),
  RATE_LIMIT_STORE_PAYMENT_INTENTS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.storePaymentIntentsPerMinute),
  RATE_LIMIT_DETAILS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.detailsPerMinute),
  RATE_LIMIT_STORE_DETAILS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.storeDetailsPerMinute),
  RATE_LIMIT_COMPLETE_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.completePerMinute),
  RATE_LIMIT_DISCOUNT_CODES_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.discountCodesPerMinute),
  RATE_LIMIT_CART_DISCOUNT_CODES_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.cartDiscountCodesPerMinute),
});

/**
 * Reads and validates the configuration from `env`. In production missing secrets stop the start; elsewhere
 * they are generated once into `secrets.json` next to the database, so a fresh clone starts with `npm start`.
 */
export function loadConfig(env: Record<string, string | undefined>, warn: ConfigWarn = () => {}): Config {
  const parsed = envSchema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  if (e.NODE_ENV === 'production') requireProductionSettings(e.MASTER_KEY, e.INTERNAL_SECRET, publicUrl);
  if (e.NODE_ENV === 'production' && e.STRIPE_JS_URL) {
    throw new ConfigError('Invalid configuration: STRIPE_JS_URL is not allowed in production (Stripe.js always comes from js.stripe.com there)');
  }
  const generated = e.NODE_ENV === 'production' ? {} : generatedSecrets(e.DATABASE_PATH, e, warn);
  const masterKey = parseKey('MASTER_KEY', e.MASTER_KEY ?? generated.master_key!);
  const internalSecrets = parseSecrets(e.INTERNAL_SECRET ?? generated.internal_secret!);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databasePath: e.DATABASE_PATH,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    databasePoolSize: e.DATABASE_POOL_SIZE,
    masterKey,
    masterKeysPrevious: splitList(e.MASTER_KEYS_PREVIOUS).map((k) => parseKey('MASTER_KEYS_PREVIOUS', k)),
    internalSecrets,
    stripeApiUrl: e.STRIPE_API_URL.replace(/\/+$/, ''),
    ...(e.STRIPE_JS_URL ? { stripeJsUrl: e.STRIPE_JS_URL } : {}),
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    webhookDelivery: { timeoutMs: e.WEBHOOK_TIMEOUT_MS },
    rateLimits: {
      connectPerMinute: e.RATE_LIMIT_CONNECT_PER_MINUTE,
      internalPerMinute: e.RATE_LIMIT_INTERNAL_PER_MINUTE,
      cartsPerMinute: e.RATE_LIMIT_CARTS_PER_MINUTE,
      storeCartsPerMinute: e.RATE_LIMIT_STORE_CARTS_PER_MINUTE,
      cartItemsPerMinute: e.RATE_LIMIT_CART_ITEMS_PER_MINUTE,
      storeCartItemsPerMinute: e.RATE_LIMIT_STORE_CART_ITEMS_PER_MINUTE,
      checkoutsPerMinute: e.RATE_LIMIT_CHECKOUTS_PER_MINUTE,
      storeCheckoutsPerMinute: e.RATE_LIMIT_STORE_CHECKOUTS_PER_MINUTE,
      paymentIntentsPerMinute: e.RATE_LIMIT_PAYMENT_INTENTS_PER_MINUTE,
      storePaymentIntentsPerMinute: e.RATE_LIMIT_STORE_PAYMENT_INTENTS_PER_MINUTE,
      detailsPerMinute: e.RATE_LIMIT_DETAILS_PER_MINUTE,
      storeDetailsPerMinute: e.RATE_LIMIT_STORE_DETAILS_PER_MINUTE,
      completePerMinute: e.RATE_LIMIT_COMPLETE_PER_MINUTE,
      discountCodesPerMinute: e.RATE_LIMIT_DISCOUNT_CODES_PER_MINUTE,
      cartDiscountCodesPerMinute: e.RATE_LIMIT_CART_DISCOUNT_CODES_PER_MINUTE,
    },
  };
}

/** A new master key: base64 of 32 random bytes. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

function requireProductionSettings(masterKey?: string, internalSecret?: string, publicUrl?: string): void {
  if (!masterKey) throw new ConfigError('Invalid configuration: MASTER_KEY is required in production (generate one with `npm run keygen`)');
  if (!internalSecret) throw new ConfigError('Invalid configuration: INTERNAL_SECRET is required in production');
  if (!publicUrl?.startsWith('https://')) {
    throw new ConfigError('Invalid configuration: PUBLIC_URL must be an https:// URL in production');
  }
}

function parseKey(name: string, value: string): Uint8Array {
  const bytes = Buffer.from(value.trim(), 'base64');
  // Buffer.from ignores junk silently, so re-encode to prove the value really was base64 of 32 bytes.
  if (bytes.length !== 32 || bytes.toString('base64') !== value.trim()) {
    throw new ConfigError(`Invalid configuration: ${name} must be base64 of 32 random bytes (generate one with \`npm run keygen\`)`);
  }
  return new Uint8Array(bytes);
}

function parseSecrets(value: string): string[] {
  const secrets = splitList(value);
  if (secrets.length === 0) throw new ConfigError('Invalid configuration: INTERNAL_SECRET is empty');
  if (secrets.some((s) => s.length < 16)) {
    throw new ConfigError('Invalid configuration: INTERNAL_SECRET must be at least 16 characters (each, when a list)');
  }
  return secrets;
}

export function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The database URL without its password, for messages. */
export function redactDatabaseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function blankToUndefined(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === '' ? undefined : v;
  return out;
}

interface GeneratedSecrets {
  master_key?: string;
  internal_secret?: string;
}

/** Development/test only: reads or creates `secrets.json` in the database's folder for any secret not set. */
function generatedSecrets(databasePath: string, e: { MASTER_KEY?: string; INTERNAL_SECRET?: string }, warn: ConfigWarn): GeneratedSecrets {
  if (e.MASTER_KEY && e.INTERNAL_SECRET) return {};
  const dir = databasePath === ':memory:' ? resolve('data') : dirname(resolve(databasePath));
  const file = join(dir, 'secrets.json');
  const stored: GeneratedSecrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as GeneratedSecrets) : {};
  let changed = false;
  if (!e.MASTER_KEY && !stored.master_key) {
    stored.master_key = generateMasterKey();
    changed = true;
  }
  if (!e.INTERNAL_SECRET && !stored.internal_secret) {
    stored.internal_secret = randomBytes(32).toString('base64url');
    changed = true;
  }
  if (changed) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  }
  const which = [!e.MASTER_KEY && 'MASTER_KEY', !e.INTERNAL_SECRET && 'INTERNAL_SECRET'].filter(Boolean).join(' and ');
  warn(`${which} not set: using development values ${changed ? 'generated into' : 'from'} ${file} (set them in production)`);
  return stored;
}
