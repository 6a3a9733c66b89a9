// Process control for the live tier and the benchmark: spawn with output to a log file, wait for exit with a
// deadline, stop by PID (SIGTERM, then SIGKILL after a grace period), free ports, polling. A server with
// workers (gunicorn, nginx) can be started as the leader of its own process group (`group`), so the whole
// group is killed by that one id. Every process started here is recorded, and whatever is still running when
// Node exits (normally, on an error or on a signal) is killed by PID. Nothing is ever stopped by name.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Started {
  /** PID of the process this module spawned (for `nsenter`, the nsenter process). */
  pid: number;
  child: ChildProcess;
  /** Exit code (or 128 + signal number); resolves once, when the process has exited. */
  exited: Promise<number>;
  /** Whether the process is still running. */
  running(): boolean;
  /** Log file that holds stdout and stderr. */
  log: string;
  /** Started as the leader of its own process group: stopping it ends the whole group. */
  group: boolean;
}

const live = new Set<Started>();
const commands = new Set<ChildProcess>();

process.on('exit', () => {
  for (const p of live) if (p.running()) killQuietly(p.group ? -p.pid : p.pid, 'SIGKILL');
  for (const c of commands) if (c.pid && c.exitCode === null && c.signalCode === null) killQuietly(c.pid, 'SIGKILL');
});
// Interrupted (Ctrl-C, CI's timeout): exit through the handler above instead of leaving children behind.
for (const [signal, n] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
] as const) {
  process.once(signal, () => process.exit(128 + n));
}

export function killQuietly(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGABRT: 6 };

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** File that receives stdout and stderr (appended). */
  log: string;
  /** Keep stdin open as a pipe (closed when the process is stopped). */
  stdinPipe?: boolean;
  /** Start it as the leader of a process group of its own (a server and its workers). */
  group?: boolean;
}

/** Starts a command (no shell) with stdout+stderr appended to `log`. */
export function start(cmd: string, args: string[], options: SpawnOptions): Started {
  const fd = openSync(options.log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.stdinPipe ? 'pipe' : 'ignore', fd, fd],
      detached: options.group === true,
    });
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
  if (child.pid === undefined) {
    // spawn failed (e.g. ENOENT): `exited` resolves with 127 through the error event.
  }
  const started: Started = {
    pid: child.pid ?? -1,
    child,
    exited,
    running: () => child.exitCode === null && child.signalCode === null && child.pid !== undefined,
    log: options.log,
    group: options.group === true,
  };
  if (child.pid !== undefined) live.add(started);
  return started;
}

/** Resolves with the exit code, or with undefined when `ms` passed first. */
export async function waitExit(p: Started, ms: number): Promise<number | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops a process: `signal` to `targetPid` (default: the spawned PID), then SIGKILL to both after `graceMs`.
 * Returns the exit code and whether it exited within the grace period.
 */
export async function stop(
  p: Started,
  options: { targetPid?: number; signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<{ code: number; graceful: boolean; ms: number }> {
  const started = Date.now();
  if (!p.running()) return { code: await p.exited, graceful: true, ms: 0 };
  killQuietly(options.targetPid ?? p.pid, options.signal ?? 'SIGTERM');
  const code = await waitExit(p, options.graceMs ?? 10_000);
  // A group's workers that outlived their leader go too.
  if (p.group) killQuietly(-p.pid, 'SIGKILL');
  if (code !== undefined) return { code, graceful: true, ms: Date.now() - started };
  if (options.targetPid) killQuietly(options.targetPid, 'SIGKILL');
  killQuietly(p.group ? -p.pid : p.pid, 'SIGKILL');
  return { code: await p.exited, graceful: false, ms: Date.now() - started };
}

/** Runs a command to completion (no shell), bounded in time; output (stdout+stderr) is returned. */
export async function runCommand(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<{ code: number; output: string; ms: number; timedOut: boolean }> {
  const started = Date.now();
  const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  commands.add(child);
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d));
  child.stdin!.on('error', () => {});
  child.stdin!.end(options.input ?? '');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) killQuietly(child.pid, 'SIGKILL');
  }, options.timeoutMs ?? 120_000);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (err) => {
      chunks.push(Buffer.from(`${cmd}: ${err.message}\n`));
      resolve(127);
    });
    child.once('close', (c, signal) => resolve(c ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0)));
  });
  clearTimeout(timer);
  commands.delete(child);
  const output = Buffer.concat(chunks).toString('utf8');
  return { code, output: timedOut ? `${output}\n(killed after ${options.timeoutMs ?? 120_000} ms)` : output, ms: Date.now() - started, timedOut };
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

/** Polls `probe` until it returns a value other than undefined, or throws after `ms` with the last error. */
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
    if (Date.now() > deadline) {
      const why = last instanceof Error ? last.message : last !== undefined ? String(last) : 'no answer';
      throw new Error(`timed out after ${ms} ms waiting for ${what} (${why})`);
    }
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

/** Every descendant of `pid`, depth first. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  for (const c of childrenOf(pid)) out.push(c, ...descendantsOf(c));
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still "exists" for kill(0); /proc tells.
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
