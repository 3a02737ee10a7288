import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/src/config';

const masterKey = randomBytes(32).toString('base64');
const secret = 'a-long-internal-secret-value';
const prod = { NODE_ENV: 'production', MASTER_KEY: masterKey, INTERNAL_SECRET: secret, PUBLIC_URL: 'https://pay.example.com' };
const tempDb = () => join(mkdtempSync(join(tmpdir(), 'cb-config-')), 'data', 'db.sqlite');

describe('loadConfig', () => {
  it('reads a complete production configuration', () => {
    const c = loadConfig({
      ...prod,
      PORT: '8080',
      TRUST_PROXY: '1',
      INTERNAL_SECRET: `${secret},second-secret-value-xyz`,
      PUBLIC_URL: 'https://pay.example.com/',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.trustProxy, true);
    assert.equal(c.publicUrl, 'https://pay.example.com');
    assert.deepEqual(c.internalSecrets, [secret, 'second-secret-value-xyz']);
    assert.equal(Buffer.from(c.masterKey).toString('base64'), masterKey);
    assert.equal(c.stripeApiUrl, 'https://api.stripe.com');
    assert.equal(c.keepAliveTimeoutMs, 65_000, "idle connections outlast a load balancer's 60 s by default");
    assert.equal(loadConfig({ ...prod, KEEP_ALIVE_TIMEOUT_MS: '120000' }).keepAliveTimeoutMs, 120_000);
  });

  it('stops a production start without MASTER_KEY, INTERNAL_SECRET or an https PUBLIC_URL', () => {
    assert.throws(() => loadConfig({ ...prod, MASTER_KEY: undefined }), /MASTER_KEY is required in production/);
    assert.throws(() => loadConfig({ ...prod, INTERNAL_SECRET: '' }), /INTERNAL_SECRET is required in production/);
    assert.throws(() => loadConfig({ ...prod, PUBLIC_URL: 'http://pay.example.com' }), /PUBLIC_URL must be an https/);
    assert.throws(() => loadConfig({ ...prod, PUBLIC_URL: undefined }), /PUBLIC_URL/);
  });

  it('reads every rate limit from RATE_LIMIT_* and defaults the ones not set', () => {
    const c = loadConfig({ ...prod, RATE_LIMIT_PAYMENT_INTENTS_PER_MINUTE: '4', RATE_LIMIT_STORE_CARTS_PER_MINUTE: '5000' });
    assert.deepEqual(c.rateLimits, {
      connectPerMinute: 10,
      internalPerMinute: 1200,
      cartsPerMinute: 20,
      storeCartsPerMinute: 5000,
      cartItemsPerMinute: 120,
      storeCartItemsPerMinute: 6000,
      checkoutsPerMinute: 10,
      storeCheckoutsPerMinute: 600,
      paymentIntentsPerMinute: 4,
      storePaymentIntentsPerMinute: 300,
      detailsPerMinute: 60,
      storeDetailsPerMinute: 3000,
      completePerMinute: 60,
      discountCodesPerMinute: 30,
      cartDiscountCodesPerMinute: 10,
    });
    assert.throws(() => loadConfig({ ...prod, RATE_LIMIT_CHECKOUTS_PER_MINUTE: '0' }), /RATE_LIMIT_CHECKOUTS_PER_MINUTE/);
    assert.throws(() => loadConfig({ ...prod, RATE_LIMIT_STORE_CHECKOUTS_PER_MINUTE: 'lots' }), /RATE_LIMIT_STORE_CHECKOUTS_PER_MINUTE must be a whole number/);
  });

  it('names the bad setting in its message', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT/],
      [{ MASTER_KEY: 'c2hvcnQ=' }, /MASTER_KEY must be base64 of 32/],
      [{ MASTER_KEYS_PREVIOUS: 'nope' }, /MASTER_KEYS_PREVIOUS/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
      [{ STRIPE_API_URL: 'ftp://x' }, /STRIPE_API_URL/],
      [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY/],
      [{ NODE_ENV: 'staging' }, /NODE_ENV/],
      [{ INTERNAL_SECRET: 'short' }, /INTERNAL_SECRET must be at least 16/],
      [{ KEEP_ALIVE_TIMEOUT_MS: '500' }, /KEEP_ALIVE_TIMEOUT_MS must be at least 1000/],
      [{ KEEP_ALIVE_TIMEOUT_MS: 'forever' }, /KEEP_ALIVE_TIMEOUT_MS/],
    ];
    for (const [env, pattern] of cases) {
      assert.throws(
        () => loadConfig({ ...prod, ...env }),
        (err: unknown) => err instanceof ConfigError && pattern.test(err.message),
      );
    }
  });

  it('generates missing secrets once into the data folder in development, with a warning', () => {
    const db = tempDb();
    const warnings: string[] = [];
    const first = loadConfig({ DATABASE_PATH: db }, (w) => warnings.push(w));
    const second = loadConfig({ DATABASE_PATH: db }, (w) => warnings.push(w));
    assert.deepEqual(second.masterKey, first.masterKey);
    assert.deepEqual(second.internalSecrets, first.internalSecrets);
    const file = join(db, '..', 'secrets.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).master_key, Buffer.from(first.masterKey).toString('base64'));
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /MASTER_KEY and INTERNAL_SECRET not set/);
    assert.equal(first.publicUrl, 'http://localhost:3000');
    assert.equal(first.env, 'development');
  });

  it('uses given secrets over generated ones', () => {
    const c = loadConfig({ DATABASE_PATH: tempDb(), MASTER_KEY: masterKey, INTERNAL_SECRET: secret });
    assert.equal(Buffer.from(c.masterKey).toString('base64'), masterKey);
    assert.deepEqual(c.internalSecrets, [secret]);
  });
});
