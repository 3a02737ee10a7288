// The bench's child processes: every server it measures runs in a process of its own, so its CPU time and
// memory can be read from /proc and none of them shares an event loop with autocannon. Every child started
// here is killed (SIGKILL) if the bench exits without stopping it, so a failed run leaves no orphans.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A child process of the bench. */
export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const children = new Set<ChildProcess>();
const killAll = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
};
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Starts `node ...args` with `env` (the parent's environment is NOT inherited), its output going to `logPath`. */
export function spawnNode(name: string, args: string[], env: Record<string, string>, logPath: string, stdoutPipe = false): Child {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const log = createWriteStream(logPath, { flags: 'a' });
  if (!stdoutPipe) child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      log.end();
      resolve();
    }),
  );
  return {
    name,
    pid: child.pid!,
    process: child,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Starts a bench script (test/bench/*.ts) that prints one JSON line when it is ready; answers the child and that line. */
export async function startScript<T>(name: string, script: string, env: Record<string, string>, logPath: string): Promise<{ child: Child; ready: T }> {
  const child = spawnNode(name, ['--import', 'tsx', script], env, logPath, true);
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.process.stdout! }).once('line', resolve);
      child.process.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready; see ${logPath}`)));
    });
    return { child, ready: JSON.parse(line) as T };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** Waits until `url`/healthz answers 200, or throws (with the log's tail) when the process exits or 60 s pass. */
export async function waitForHealth(child: Child, url: string, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) break;
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  await child.stop();
  const tail = readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n');
  throw new Error(`${child.name} did not become healthy at ${url}:\n${tail}`);
}

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on every Linux this runs on). */
const USER_HZ = 100;

/** CPU time (user + system) a process has used so far, in µs, from /proc/PID/stat. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / USER_HZ;
}

/** Resident set size of a process, in MB, from /proc/PID/status. */
export function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return kb / 1024;
}
