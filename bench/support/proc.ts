// Process control for the benchmark. Every server is spawned as the leader of its own process group, so it
// and its workers (gunicorn's, nginx's) are stopped by that one id: the signal to the leader first (graceful),
// then SIGKILL to the group. Whatever is still running when Node exits, even on an error, is killed the same
// way. Nothing is ever stopped by name.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Started {
  pid: number;
  child: ChildProcess;
  exited: Promise<number>;
  running(): boolean;
  log: string;
}

const live = new Set<Started>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

process.on('exit', () => {
  for (const p of live) if (p.running()) killGroup(p.pid, 'SIGKILL');
});

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/** Starts a server (no shell) in its own process group, stdout and stderr appended to `log`. */
export function start(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; log: string }): Started {
  const fd = openSync(options.log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<number>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      live.delete(started);
      resolve(code ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0));
    };
    child.once('exit', done);
    child.once('error', () => done(127, null));
  });
  const started: Started = {
    pid: child.pid ?? -1,
    child,
    exited,
    running: () => child.pid !== undefined && child.exitCode === null && child.signalCode === null,
    log: options.log,
  };
  if (child.pid !== undefined) live.add(started);
  return started;
}

/** `signal` to the process, SIGKILL to its whole group after `graceMs`; then whatever is left of the group too. */
export async function stop(p: Started, options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<number> {
  if (p.running()) {
    try {
      process.kill(p.pid, options.signal ?? 'SIGTERM');
    } catch {
      /* gone */
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), options.graceMs ?? 10_000)));
    const code = await Promise.race([p.exited, timeout]);
    clearTimeout(timer);
    if (code !== undefined) {
      killGroup(p.pid, 'SIGKILL'); // workers that outlived their master, if any
      return code;
    }
  }
  killGroup(p.pid, 'SIGKILL');
  return p.exited;
}

/** Runs a command to completion (no shell), bounded in time; stdout+stderr returned. */
export async function runCommand(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d));
  const limit = options.timeoutMs ?? 120_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, limit);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (err) => {
      chunks.push(Buffer.from(`${cmd}: ${err.message}\n`));
      resolve(127);
    });
    child.once('close', (c, signal) => resolve(c ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0)));
  });
  clearTimeout(timer);
  const output = Buffer.concat(chunks).toString('utf8');
  return { code, output: timedOut ? `${output}\n(killed after ${limit} ms)` : output, ms: Date.now() - started };
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined; throws after `ms` with the last error. */
export async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`);
    await sleep(intervalMs);
  }
}

/** PIDs of the direct children of `pid` (Linux /proc). */
export function childrenOf(pid: number): number[] {
  const path = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(path)) return [];
  try {
    return readFileSync(path, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The last `n` lines of a log file (for failure messages). */
export function tail(path: string, n = 30): string {
  if (!existsSync(path)) return '';
  const lines = readFileSync(path, 'utf8').split('\n');
  return lines
    .slice(Math.max(0, lines.length - n - 1))
    .join('\n')
    .trimEnd();
}
