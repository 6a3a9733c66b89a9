// A live sandbox: what compose would give a stack, built from Linux namespaces on this machine.
//   unshare --mount --net --pid --fork --kill-child --mount-proc
//     - a network namespace with only loopback: the app, the proxy and Prometheus listen on their compose
//       ports (8000, 80, 443, 9090) without clashing with anything else on the machine or with another sandbox;
//     - a mount namespace whose /etc/hosts maps every compose service name (web, db, cache, ...) to 127.0.0.1;
//     - a PID namespace: when its first process ends, the kernel kills every process in it, so nothing a test
//       started inside can survive the test (the agent inside exits when the test process goes away).
// agent.mjs inside bridges the namespace and the test process through Unix sockets: inbound sockets reach the
// ports inside; the dependencies' ports inside (db:5432, cache:6379, ...) lead to the test's forwarders
// (forwarder.ts) outside, in front of the real servers, which the test pauses to break one dependency.
// Commands run inside with `nsenter --mount --net --pid`; `SandboxProcess.innerPid` is the command's own PID
// (nsenter forks it into the PID namespace), the one to signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { requireTool } from '../tools/common.js';
import { Forwarder } from './forwarder.js';
import { AGENT, shortTemp } from './paths.js';
import { type Started, childrenOf, isAlive, killQuietly, runCommand, start, stop, waitFor } from './proc.js';

export interface Dependency {
  /** Compose service name the app uses (db, cache). */
  service: string;
  /** Port inside the sandbox (the compose port: 5432, 3306, 6379, 11211). */
  port: number;
  /** The real server on this machine. */
  target: { host: string; port: number };
}

export interface SandboxOptions {
  name: string;
  /** Names that resolve to 127.0.0.1 inside (compose service names). */
  hostNames: string[];
  /** Ports inside the test reaches (app, proxy, Prometheus). */
  inboundPorts: number[];
  dependencies: Dependency[];
  /** Port of a stand-in OTLP/HTTP collector inside (4318), when the app exports traces. */
  otlpPort?: number;
  /** Folders mounted read-only inside (as compose's read_only: true makes the image's files). */
  readOnly?: string[];
  /** Folder for the sandbox's own log. */
  logDir: string;
}

export interface SandboxProcess extends Started {
  /** PID (in this machine's PID namespace) of the command itself, inside the sandbox. */
  innerPid: number;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  ms: number;
}

export interface RequestOptions {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  tls?: boolean;
  timeoutMs?: number;
}

/** Every process (host PIDs) in the PID namespace of `pid`. */
export function processesInPidNamespace(pid: number): number[] {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/pid`) === ns) out.push(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

const sandboxes = new Set<Sandbox>();
process.on('exit', () => {
  for (const s of sandboxes) s.killNow();
});

export class Sandbox {
  readonly forwarders = new Map<string, Forwarder>();
  private init!: ChildProcess;
  /** Host PID of the namespace's first process (sh, the agent's parent). */
  initPid = -1;
  readonly dir: string;
  readonly otlpLog: string;
  private readonly log: string;

  private constructor(readonly options: SandboxOptions) {
    this.dir = shortTemp('sbx');
    this.otlpLog = join(this.dir, 'otlp.jsonl');
    this.log = join(options.logDir, 'sandbox.log');
  }

  static async create(options: SandboxOptions): Promise<Sandbox> {
    const sb = new Sandbox(options);
    sandboxes.add(sb);
    try {
      await sb.boot();
    } catch (err) {
      await sb.close();
      throw err;
    }
    return sb;
  }

  socketFor(port: number): string {
    return join(this.dir, `in-${port}.sock`);
  }

  private async boot(): Promise<void> {
    const { options, dir } = this;
    for (const d of options.dependencies) {
      const fw = new Forwarder(d.service, { path: join(dir, `out-${d.service}.sock`) }, d.target);
      await fw.start();
      this.forwarders.set(d.service, fw);
    }
    const config = {
      inbound: options.inboundPorts.map((port) => ({ port, path: this.socketFor(port) })),
      outbound: options.dependencies.map((d) => ({ port: d.port, path: join(dir, `out-${d.service}.sock`) })),
      ...(options.otlpPort ? { otlp: { port: options.otlpPort, log: this.otlpLog } } : {}),
    };
    writeFileSync(join(dir, 'agent.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'hosts'), `127.0.0.1\tlocalhost ${[...new Set(options.hostNames)].sort().join(' ')}\n::1\tlocalhost\n`);
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // sh stays the namespace's first process (it reaps orphans); the agent is its child.
    const script = [
      'set -e',
      `${q(requireTool('ip'))} link set lo up`,
      `mount --bind ${q(join(dir, 'hosts'))} /etc/hosts`,
      ...(options.readOnly ?? []).map((d) => `mount --bind ${q(d)} ${q(d)} && mount -o remount,bind,ro ${q(d)}`),
      `${q(process.execPath)} ${q(AGENT)} ${q(join(dir, 'agent.json'))}`,
    ].join('\n');
    const errFd = openSync(this.log, 'a');
    try {
      this.init = spawn(
        requireTool('unshare'),
        ['--mount', '--net', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private', 'sh', '-c', script],
        { stdio: ['pipe', 'pipe', errFd] },
      );
    } finally {
      closeSync(errFd);
    }
    const init = this.init;
    init.stdin!.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`sandbox did not start in 10 s: ${out}`)), 10_000);
      init.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      init.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sandbox exited ${code} while starting (see ${this.log})`));
      });
    });
    this.initPid = await waitFor('the sandbox init process', 5_000, async () => childrenOf(init.pid!)[0]);
  }

  /** Starts a long-running command inside (stdout+stderr to `log`). */
  async exec(argv: string[], options: { env: NodeJS.ProcessEnv; cwd: string; log: string }): Promise<SandboxProcess> {
    const p = start(requireTool('nsenter'), this.nsenterArgs(options.cwd, argv), { env: options.env, log: options.log });
    const innerPid = await waitFor(
      `${argv[0]} to start inside the sandbox`,
      5_000,
      async () => {
        if (!p.running()) throw new Error(`exited at once with ${await p.exited}`);
        return childrenOf(p.pid)[0];
      },
      20,
    ).catch(async (err) => {
      await stop(p, { graceMs: 1000 });
      throw err;
    });
    return { ...p, innerPid };
  }

  /** Runs a command inside to completion. */
  run(argv: string[], options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number }) {
    return runCommand(requireTool('nsenter'), this.nsenterArgs(options.cwd, argv), { env: options.env, timeoutMs: options.timeoutMs });
  }

  private nsenterArgs(cwd: string, argv: string[]): string[] {
    return ['--target', String(this.initPid), '--mount', '--net', '--pid', `--wd=${cwd}`, '--', ...argv];
  }

  /** Stops a process started with exec: `signal` to the command itself, SIGKILL after `graceMs`. */
  stopProcess(p: SandboxProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000) {
    return stop(p, { targetPid: p.innerPid, signal, graceMs });
  }

  /** Processes still running in the sandbox's PID namespace besides its own (init and agent). */
  strays(): number[] {
    const own = new Set([this.initPid, ...childrenOf(this.initPid).slice(0, 1)]);
    return processesInPidNamespace(this.initPid).filter((pid) => !own.has(pid) && isAlive(pid));
  }

  /** One HTTP(S) request to a port inside, through the agent's inbound socket. */
  request(port: number, options: RequestOptions): Promise<HttpResult> {
    const started = Date.now();
    const send = options.tls ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        {
          socketPath: this.socketFor(port),
          path: options.path,
          method: options.method ?? 'GET',
          headers: { Host: 'localhost', Connection: 'close', ...options.headers },
          agent: false,
          timeout: options.timeoutMs ?? 10_000,
          ...(options.tls ? { rejectUnauthorized: false, servername: 'localhost' } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from port ${port} ${options.path} in ${options.timeoutMs ?? 10_000} ms`)));
      req.on('error', reject);
      req.end(options.body);
    });
  }

  /** A raw connection to a port inside (for requests written byte by byte). */
  rawConnection(port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = connect(this.socketFor(port));
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
  }

  note(line: string) {
    appendFileSync(this.log, `${line}\n`);
  }

  /** Synchronous last resort (process exit): kill the namespace's first process, which ends all inside. */
  killNow() {
    if (this.initPid > 0) killQuietly(this.initPid, 'SIGKILL');
    if (this.init?.pid) killQuietly(this.init.pid, 'SIGKILL');
  }

  async close(): Promise<void> {
    sandboxes.delete(this);
    if (this.init && this.init.exitCode === null && this.init.signalCode === null) {
      const exited = new Promise<void>((r) => this.init.once('exit', () => r()));
      this.init.stdin?.end(); // the agent exits, sh exits, the kernel ends the namespace
      const t = setTimeout(() => this.killNow(), 3_000);
      await exited;
      clearTimeout(t);
    }
    for (const fw of this.forwarders.values()) await fw.close();
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}
