import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../server/src/logger';
import { assertNoSecrets } from '../support/secrets';

function capture(secrets: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', secrets, destination: { write: (l: string) => void lines.push(l) } });
  return { logger, text: () => lines.join('') };
}

describe('the logger', () => {
  it('redacts known secret fields whatever they hold', () => {
    const { logger, text } = capture();
    logger.info({ secret_key: 'anything', conn: { webhook_secret: 'hush' }, req: { headers: { 'x-internal-secret': 'letmein' } } }, 'hi');
    assert.doesNotMatch(text(), /anything|hush|letmein/);
    assert.match(text(), /\[REDACTED\]/);
  });

  it('scrubs Stripe secrets and configured secrets from messages and errors', () => {
    const { logger, text } = capture(['internal-secret-value-123']);
    logger.error({ err: new Error('bad key sk_live_abcdefgh1234 and rk_test_zzzzzzzz') }, 'failed with whsec_abcDEF123 internal-secret-value-123');
    assert.doesNotMatch(text(), /sk_live_abc|rk_test_zz|whsec_abc|internal-secret-value-123/);
    assert.match(text(), /bad key \[REDACTED\]/);
  });

  it('scrubs the masked key forms Stripe puts in its error messages', () => {
    const { logger, text } = capture();
    const masked = [
      'sk_test_****************************1Czz',
      'rk_live_*********abcd',
      'pk_test_****************wxyz',
      'whsec_****abcd',
      '_live_********9Qrs',
    ];
    logger.error({ err: new Error(`Invalid API Key provided: ${masked[0]}`), key: masked[1] }, `also ${masked.slice(2).join(' and ')}`);
    for (const m of masked) assert.ok(!text().includes(m.slice(-4)), `the line still carries ${m}`);
    assert.match(text(), /Invalid API Key provided: \[REDACTED\]/);
    assert.doesNotThrow(() => assertNoSecrets(text(), []));
    assert.throws(() => assertNoSecrets(`Invalid API Key provided: ${masked[0]}`, []), /shaped like a Stripe secret/);
  });

  it('keeps publishable keys and ordinary text', () => {
    const { logger, text } = capture(['internal-secret-value-123']);
    logger.info({ publishable_key: 'pk_test_123' }, 'store connected');
    assert.match(text(), /pk_test_123/);
    assert.match(text(), /store connected/);
  });
});
