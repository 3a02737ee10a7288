import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';

/** The checkout-best server running as its own process (exactly what `npm start` runs). */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Asks the server to stop (SIGTERM) and waits for it; kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A port that is free right now: `preferred` if it is, else any. */
export function freePort(preferred: number): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' && preferred !== 0) freePort(0).then(done, fail);
      else fail(err);
    });
    probe.listen(preferred, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : preferred;
      probe.close(() => done(port));
    });
  });
}

/**
 * Starts `server/src/main.ts` with `env` on 127.0.0.1:`port`, its output going to `logPath`
 * (pino's JSON lines would bury the URLs a person needs), and waits until it answers HTTP.
 */
export async function startServerProcess(opts: { port: number; env: Record<string, string>; logPath: string; cwd: string }): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${opts.port}`;
  const log = createWriteStream(opts.logPath, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, HOST: '127.0.0.1', PORT: String(opts.port), PUBLIC_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const stop = async (graceMs = 5000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };
  try {
    await waitForHttp(url, exited, 60_000);
  } catch (err) {
    await stop();
    const tail = (await readFile(opts.logPath, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    throw new Error(`${(err as Error).message}\nLast lines of ${opts.logPath}:\n${tail}`, { cause: err });
  }
  return { url, child, stop };
}

async function waitForHttp(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`The server exited (code ${gone}) before it was ready`);
    // Any HTTP answer (a 404 included) means it is listening.
    const ok = await fetch(`${url}/healthz`).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`The server did not answer at ${url} within ${timeoutMs / 1000} s`);
}
