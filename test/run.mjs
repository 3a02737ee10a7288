// Runs every *.test.ts under test/, emulator/ and examples/ with Node's own test runner (tsx loads TypeScript).
// Node 20's --test takes no globs, so the files are listed here. A full run (no arguments) then runs the
// storage-dependent suites (test/payments, test/server, test/platform) a second time on PostgreSQL (TEST_DATABASE=postgres,
// each test server on a throw-away database at 127.0.0.1:5432); that pass is skipped loudly when nothing
// answers there, and fails the run instead when CI=true. With file arguments the files run once, on the
// engine TEST_DATABASE names (SQLite by default).
import { readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

function runTests(files, env) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
    stdio: 'inherit',
    env,
  });
  return result.status ?? 1;
}

/** True when something accepts TCP connections at 127.0.0.1:5432 within 2 s. */
function postgresAnswers() {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 5432 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const only = process.argv.slice(2);
if (only.length) process.exit(runTests(only, process.env));

const files = [...findTests('test'), ...findTests('emulator'), ...findTests('examples')].sort();
const first = runTests(files, { ...process.env, TEST_DATABASE: 'sqlite' });

const storageSuites = [...findTests(join('test', 'payments')), ...findTests(join('test', 'server')), ...findTests(join('test', 'platform'))].sort();
let second = 0;
if (await postgresAnswers()) {
  process.stdout.write(`\n# PostgreSQL pass: ${storageSuites.length} files of test/payments, test/server and test/platform with TEST_DATABASE=postgres\n`);
  second = runTests(storageSuites, { ...process.env, TEST_DATABASE: 'postgres' });
} else if (process.env.CI === 'true') {
  process.stderr.write('\nPostgreSQL pass FAILED: nothing answers on 127.0.0.1:5432 (CI=true requires it; see .ci/run)\n');
  second = 1;
} else {
  process.stderr.write('\n########\n# PostgreSQL pass SKIPPED: nothing answers on 127.0.0.1:5432\n########\n');
}
process.exit(first || second);
