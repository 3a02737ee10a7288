// The example's API types are generated from the document the server serves; this fails when the committed
// src/checkout-best-api.d.ts differs from a fresh generation (run `npm run openapi:types` and commit it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_TYPES_FILE, generateApiTypes } from './api-types';

describe("the BMOS Node example's API types", () => {
  it('are exactly what openapi-typescript makes of the current /openapi.json', async () => {
    const fresh = await generateApiTypes();
    assert.ok(fresh.includes('Order: {') && fresh.includes('upsertProducts'), 'the document names its schemas and operations');
    assert.equal(readFileSync(API_TYPES_FILE, 'utf8'), fresh, 'run npm run openapi:types and commit the result');
  });
});
