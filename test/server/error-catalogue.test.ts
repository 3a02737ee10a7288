// The error catalogue (server/src/errors.ts) is the one list of codes the API answers with. This keeps the
// README's error-code table and the browser code's translated codes in step with it, so a code added,
// renamed or given another status shows up here instead of in a merchant's support ticket.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CATALOGUE, type ErrorCode } from '../../server/src/errors';
import { checkoutText } from '../../server/src/i18n/checkout';
import { widgetText } from '../../widget/src/i18n/widget';

/** Codes the browser code makes up itself, never sent by the server. */
const CLIENT_ONLY = new Set(['network_error', 'default']);

/** `code → statuses` from the README's "Error codes" table (rows like "| `a` / `b` | 404 | …"). */
function readmeTable(): Map<string, number[]> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('### Error codes');
  assert.ok(start >= 0, 'README has an "Error codes" section');
  const section = readme.slice(start, readme.indexOf('\n## ', start));
  const table = new Map<string, number[]>();
  for (const line of section.split('\n')) {
    const m = /^\| ((?:`[a-z_]+`(?: \/ )?)+) \| (\d{3}(?: \/ \d{3})*) \|/.exec(line);
    if (!m) continue;
    const statuses = m[2].split(' / ').map(Number);
    for (const code of m[1].match(/[a-z_]+/g)!) table.set(code, [...new Set([...(table.get(code) ?? []), ...statuses])].sort());
  }
  return table;
}

/** The codes a translation table translates (`error_<code>` keys). */
function translatedCodes(texts: object): string[] {
  return Object.keys(texts)
    .filter((k) => k.startsWith('error_'))
    .map((k) => k.slice('error_'.length));
}

describe('the error catalogue', () => {
  const catalogue = new Map(ERROR_CATALOGUE.map((e) => [e.code, e.statuses]));

  it('names every code once, each a stable snake_case word with 4xx/5xx statuses', () => {
    assert.ok(catalogue.size >= 40, `only ${catalogue.size} codes`);
    for (const [code, statuses] of catalogue) {
      assert.match(code, /^[a-z]+(_[a-z]+)*$/);
      for (const s of statuses) assert.ok(s >= 400 && s < 600, `${code}: ${s}`);
    }
  });

  it('is exactly the README error-code table, with the same statuses', () => {
    const readme = readmeTable();
    const missing = [...catalogue.keys()].filter((c) => !readme.has(c));
    const stale = [...readme.keys()].filter((c) => !catalogue.has(c));
    assert.deepEqual({ missing, stale }, { missing: [], stale: [] }, 'README table and catalogue differ');
    for (const [code, statuses] of catalogue) assert.deepEqual(readme.get(code), statuses, `README status of ${code}`);
  });

  it('has every code the widget and the checkout page translate', () => {
    const tables = [...Object.values(widgetText), ...Object.values(checkoutText)];
    for (const code of new Set(tables.flatMap(translatedCodes))) {
      if (CLIENT_ONLY.has(code)) continue;
      assert.ok(catalogue.has(code), `the browser translates '${code}', which the server never sends`);
    }
  });
});

// ErrorCode is the union of the catalogue's codes, not `string`: a misspelt code in the browser code fails to compile.
export const knownCode: ErrorCode = 'invalid_email';
// @ts-expect-error 'invalid_emial' is no code of the catalogue
export const misspeltCode: ErrorCode = 'invalid_emial';
