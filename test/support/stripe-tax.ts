// Helpers for the Stripe Tax tests: an emulator account whose Stripe Tax is active.
import assert from 'node:assert/strict';
import type { StripeEmulator } from '../../emulator/src/index';

/** Sets a head office on the emulator account, which makes its Stripe Tax active. */
export async function activateStripeTax(emu: StripeEmulator, secretKey: string, country = 'DE'): Promise<void> {
  const res = await fetch(`${emu.url}/v1/tax/settings`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ 'head_office[address][country]': country }).toString(),
  });
  assert.equal(res.status, 200, await res.text());
}
