// Tier 3's Docker engine: Debian's dockerd (20.10, package docker.io) started inside a live sandbox (its own
// network, mount and PID namespaces: sandbox.ts), never on this machine's network. Inside, the only ways out are
// the sandbox's forwarders: one to each real server the app uses (db:5432, cache:6379, ... as compose names
// them) and one to the egress proxy (egress-proxy.ts) that lets builds reach Debian's archive and PyPI.
// The daemon runs without iptables, without a default bridge and without IP forwarding: containers use the
// namespace's network (`--network host` there), which is the sandbox, not the machine. Started with `networks`
// it adds iptables rules and forwarding (still only in the sandbox's namespace) so compose networks work.
// Its data root is a cache kept between runs (images, BuildKit's layer cache); one daemon uses it at a time.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, type Dependency, type SandboxProcess } from '../live/sandbox.js';
import { shortTemp } from '../live/paths.js';
import { isAlive, runCommand, waitFor } from '../live/proc.js';
import { EgressProxy } from './egress-proxy.js';
import { requireTool } from '../tools/common.js';

/** Where tier 3 keeps what is slow to make: the stand-in base images and the daemon's data root. */
export const ENGINE_CACHE = process.env.PYDOCKER_ENGINE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'pydocker-e2e');

export const EGRESS_PORT = 3128;

/** Debian's docker client speaks to its daemon with BuildKit built in (a newer client would want buildx). */
export function dockerClient(): string {
  return existsSync('/usr/bin/docker') ? '/usr/bin/docker' : requireTool('docker');
}

export interface EngineOptions {
  logDir: string;
  /** The real servers, by compose service name and port. */
  dependencies: Dependency[];
  /** Ports inside the test reaches (the app's). */
  inboundPorts: number[];
  /**
   * Compose's networks for real: the engine's iptables rules and IP forwarding, inside the sandbox's network
   * namespace (they never touch the machine's). Off by default: the stacks run on the namespace's network.
   */
  networks?: boolean;
}

export class Engine {
  private daemon: SandboxProcess | undefined;
  private lock = '';
  readonly socket: string;

  private constructor(
    readonly sandbox: Sandbox,
    readonly proxy: EgressProxy,
    private readonly runDir: string,
  ) {
    this.socket = join(runDir, 'docker.sock');
  }

  static async start(options: EngineOptions): Promise<Engine> {
    const dataRoot = join(ENGINE_CACHE, 'data');
    mkdirSync(dataRoot, { recursive: true });
    const lock = join(ENGINE_CACHE, 'engine.pid');
    if (existsSync(lock)) {
      const holder = Number(readFileSync(lock, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(`another tier-3 run (PID ${holder}) uses ${dataRoot}; wait for it, or set PYDOCKER_ENGINE_CACHE to a folder of your own`);
      }
    }
    writeFileSync(lock, String(process.pid));
    const proxy = await new EgressProxy().start();
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await Sandbox.create({
        name: 'engine',
        hostNames: options.dependencies.map((d) => d.service),
        inboundPorts: options.inboundPorts,
        dependencies: [...options.dependencies, { service: 'egress', port: EGRESS_PORT, target: { host: '127.0.0.1', port: proxy.port } }],
        logDir: options.logDir,
      });
      const engine = new Engine(sandbox, proxy, shortTemp('eng'));
      engine.lock = lock;
      await engine.boot(dataRoot, join(options.logDir, 'dockerd.log'), options.networks ?? false);
      return engine;
    } catch (err) {
      await sandbox?.close();
      await proxy.close();
      rmSync(lock, { force: true });
      throw err;
    }
  }

  private async boot(dataRoot: string, log: string, networks: boolean) {
    const execRoot = join(this.runDir, 'exec');
    mkdirSync(execRoot, { recursive: true });
    // Touch the log first: dockerd's own output goes there.
    closeSync(openSync(log, 'a'));
    this.daemon = await this.sandbox.exec(
      [
        requireTool('dockerd'),
        `--data-root=${dataRoot}`,
        `--exec-root=${execRoot}`,
        `--pidfile=${join(this.runDir, 'docker.pid')}`,
        `--host=unix://${this.socket}`,
        // With networks: the bridges compose creates, isolated from each other by the engine's own rules.
        `--iptables=${networks}`,
        '--ip6tables=false',
        `--ip-forward=${networks}`,
        '--ip-masq=false',
        '--bridge=none',
        '--userland-proxy=false',
        '--storage-driver=overlay2',
      ],
      { env: { ...process.env, PATH: `/usr/sbin:/usr/bin:/sbin:/bin` }, cwd: this.runDir, log },
    );
    await waitFor(
      'dockerd to answer',
      60_000,
      async () => {
        if (!this.daemon?.running()) throw new Error(`dockerd exited ${await this.daemon?.exited}; see ${log}`);
        const r = await this.docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5_000 });
        return r.code === 0 ? r.output.trim() : undefined;
      },
      500,
    );
    // The data root is kept between runs: drop what earlier runs left (stopped containers, untagged images) and
    // keep BuildKit's cache bounded; the stand-in base images and recent layers stay.
    for (const args of [
      ['container', 'prune', '--force'],
      ['image', 'prune', '--force'],
      ['builder', 'prune', '--force', '--keep-storage', '4GB'],
    ]) {
      const r = await this.docker(args, { timeoutMs: 120_000 });
      if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.output}`);
    }
  }

  /** A docker command against this engine; BuildKit on. */
  docker(args: string[], options: { timeoutMs?: number; input?: string; cwd?: string } = {}) {
    return runCommand(dockerClient(), args, {
      cwd: options.cwd,
      input: options.input,
      timeoutMs: options.timeoutMs ?? 120_000,
      env: { ...process.env, DOCKER_HOST: `unix://${this.socket}`, DOCKER_BUILDKIT: '1', DOCKER_CLI_HINTS: 'false' },
    });
  }

  /** Build args that route a build's downloads through the egress proxy (never stored in the image). */
  get proxyBuildArgs(): string[] {
    const url = `http://127.0.0.1:${EGRESS_PORT}`;
    return ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].flatMap((k) => ['--build-arg', `${k}=${url}`]);
  }

  async close(): Promise<void> {
    if (this.daemon?.running()) await this.sandbox.stopProcess(this.daemon, 'SIGTERM', 20_000);
    await this.sandbox.close();
    await this.proxy.close();
    rmSync(this.runDir, { recursive: true, force: true });
    if (this.lock) rmSync(this.lock, { force: true });
  }
}
