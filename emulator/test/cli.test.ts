import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import Stripe from 'stripe';

describe('stripe emulator: npm run stripe-emulator', () => {
  it("starts on the given port, prints the URL and a ready account's keys, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/src/cli.ts', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/live secret/.test(out)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      });
      const url = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      const secret = /test secret\s+(sk_test_\S+)/.exec(out)?.[1];
      assert.ok(url && secret, out);
      assert.match(out, /^STRIPE_API_URL=http:\/\/127\.0\.0\.1:\d+$/m);
      assert.match(out, /test publishable\s+pk_test_/);
      const stripe = new Stripe(secret, { host: '127.0.0.1', port: Number(url[2]), protocol: 'http' });
      const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
      assert.equal(pi.status, 'succeeded');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
