import pino, { type DestinationStream, type Logger } from 'pino';

/** Field paths that may carry key material and are always replaced, whatever their value looks like. */
export const REDACT_PATHS = [
  'req.headers["x-internal-secret"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-internal-secret"]',
  'headers.authorization',
  'secret_key',
  '*.secret_key',
  'secretKey',
  '*.secretKey',
  'apiKey',
  '*.apiKey',
  'webhook_secret',
  '*.webhook_secret',
  'client_secret',
  '*.client_secret',
  'masterKey',
  '*.masterKey',
  'internalSecret',
  '*.internalSecret',
  'err.raw',
  'err.headers',
  'err.requestHeaders',
];

/**
 * Stripe secret keys, restricted keys and webhook signing secrets, wherever they appear in a string, and the
 * masked forms Stripe puts in its error messages (`sk_test_****…1Czz`, `pk_live_****abcd`): their visible ends
 * are still key fragments. Plain publishable keys stay readable.
 */
const STRIPE_SECRET_PATTERN = /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9*]+|(?:\b(?:sk|rk|pk))?_(?:test|live)_\*+[A-Za-z0-9]*|\bwhsec_[A-Za-z0-9+/=_*-]+/g;

/** Options for createLogger; `secrets` are the configured master keys and internal secrets. */
export interface LoggerOptions {
  level: string;
  secrets: string[];
  destination?: DestinationStream;
}

/**
 * Builds the pino logger: known secret fields are redacted, and every written line is scrubbed of anything
 * shaped like a Stripe secret or equal to a configured secret, as a second line of defence for messages.
 */
export function createLogger(options: LoggerOptions): Logger {
  const scrub = makeScrubber(options.secrets);
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: { streamWrite: scrub },
      base: undefined,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Returns a function replacing every secret in a string with `[REDACTED]`. */
export function makeScrubber(secrets: string[]): (line: string) => string {
  const literals = secrets
    .filter((s) => s.length >= 8)
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)])
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const literalPattern = literals.length ? new RegExp(literals.join('|'), 'g') : null;
  return (line) => {
    let out = line.replace(STRIPE_SECRET_PATTERN, '[REDACTED]');
    if (literalPattern) out = out.replace(literalPattern, '[REDACTED]');
    return out;
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
