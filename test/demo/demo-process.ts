// Runs `npm run demo` (the same command line, without npm in between) in a child process with its own data
// folder and free ports, and reads the URLs it prints. Used by the demo test and `npm run screenshots`.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The URLs the demo printed, by their label. */
export interface DemoUrls {
  storefront: string;
  apiPage: string;
  server: string;
  connectLink: string;
  emulator: string;
  storeId: string;
}

/** A running demo. */
export interface DemoProcess {
  urls: DemoUrls;
  child: ChildProcess;
  /** Everything the demo printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code; kills it if it does not stop within `ms`. */
  interrupt(ms?: number): Promise<number | null>;
}

function pick(output: string, label: string): string {
  const value = new RegExp(`^  ${label}\\s+(\\S+)`, 'm').exec(output)?.[1];
  if (!value) throw new Error(`The demo did not print "${label}":\n${output}`);
  return value.replace(/\/$/, '');
}

/** Starts the demo with `dataDir` and waits (up to `timeoutMs`) until it prints that it is running. */
export function startDemo(dataDir: string, timeoutMs = 90_000): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
    cwd: ROOT,
    env: { ...process.env, DEMO_DATA_DIR: dataDir, DEMO_SERVER_PORT: '0', DEMO_STOREFRONT_PORT: '0', DEMO_EMULATOR_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const interrupt = async (ms = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolveDemo, reject) => {
    const timer = setTimeout(() => {
      void interrupt(1000);
      reject(new Error(`The demo did not start within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Press Ctrl-C to stop everything.')) return;
      clearTimeout(timer);
      try {
        const connectLink = pick(output, 'Connect link');
        const urls: DemoUrls = {
          storefront: pick(output, 'Storefront'),
          apiPage: pick(output, 'JavaScript API page'),
          server: pick(output, 'Checkout server'),
          connectLink,
          emulator: pick(output, 'Stripe emulator'),
          storeId: new URL(connectLink).searchParams.get('store_id') ?? '',
        };
        resolveDemo({ urls, child, output: () => output, interrupt });
      } catch (err) {
        void interrupt(1000);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with code ${code} before it was ready:\n${output}`));
    });
  });
}
