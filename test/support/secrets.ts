// Leak checks for tests: nothing shaped like a Stripe secret and none of the given secrets may appear.
import assert from 'node:assert/strict';

/**
 * Stripe secret keys, restricted keys and webhook signing secrets, and the masked forms Stripe's error messages
 * carry (`sk_test_****…1Czz`, `rk_live_****abcd`, `pk_test_****abcd`): their visible ends are key fragments too.
 */
const SECRET_SHAPES = /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9*]{6,}|(?:\b(?:sk|rk|pk))?_(?:test|live)_\*{3,}[A-Za-z0-9]*|\bwhsec_[A-Za-z0-9+/=_*-]{6,}/;

/** Fails if `text` contains any of `secrets` (non-empty ones) or anything shaped like sk_/rk_/whsec_. */
export function assertNoSecrets(text: string, secrets: string[], where = 'output'): void {
  const shaped = SECRET_SHAPES.exec(text);
  assert.equal(shaped, null, `${where} contains something shaped like a Stripe secret: ${shaped?.[0].slice(0, 12)}…`);
  for (const s of secrets) {
    if (!s) continue;
    assert.ok(!text.includes(s), `${where} contains a secret (${s.slice(0, 6)}…)`);
  }
}
