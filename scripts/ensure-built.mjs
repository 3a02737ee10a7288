// `npm start` runs the built server: build first when a bundle is missing or older than any source it is made
// from (a fresh clone, a `git pull`), so the quick start stays `npm install && npm start` and never runs stale code.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const OUTPUTS = ['dist/server.mjs', 'dist/widget.js', 'dist/checkout.js'];
const SOURCES = ['server/src', 'widget/src', 'package-lock.json', 'rollup.config.mjs', 'scripts/build-server.mjs'];

const newest = (path) => (statSync(path).isDirectory() ? Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n)))) : statSync(path).mtimeMs);

const oldestOutput = Math.min(...OUTPUTS.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
if (oldestOutput < Math.max(...SOURCES.map(newest))) {
  process.stderr.write('checkout-best: building (dist/ is missing or older than the sources)\n');
  execSync('npm run build', { stdio: 'inherit' });
}
