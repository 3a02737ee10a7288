// `npm run size`: raw and gzip sizes of what a storefront downloads, failing over budget.
// Stripe.js is not ours and not counted (the checkout page loads it at run time from js.stripe.com).
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const KB = 1024;
/** Budgets in gzip bytes, what a storefront downloads: widget.js ≤ 12 KB, checkout.js ≤ 15 KB; CSS kept in check too. */
const BUDGETS: Array<[file: string, gzipBudget: number]> = [
  ['dist/widget.js', 12 * KB],
  ['dist/widget.css', 3 * KB],
  ['dist/widget.mjs', 12 * KB],
  ['dist/checkout.js', 15 * KB],
  ['dist/checkout.css', 3 * KB],
];

let failed = false;
const rows: string[] = [];
const pad = (s: string | number, n: number) => String(s).padStart(n);
rows.push(`${'file'.padEnd(20)}${pad('raw', 9)}${pad('gzip', 9)}${pad('budget', 9)}`);
for (const [file, budget] of BUDGETS) {
  if (!existsSync(file)) {
    rows.push(`${file.padEnd(20)}  missing: run npm run build`);
    failed = true;
    continue;
  }
  const body = readFileSync(file);
  const gz = gzipSync(body, { level: 9 }).length;
  const over = gz > budget;
  failed ||= over;
  rows.push(`${file.padEnd(20)}${pad(body.length, 9)}${pad(gz, 9)}${pad(budget, 9)}${over ? '  OVER BUDGET' : ''}`);
}
console.log(rows.join('\n'));
console.log('(bytes; gzip -9. What the script tag costs a storefront on first load: widget.js + widget.css.)');
if (failed) process.exit(1);
