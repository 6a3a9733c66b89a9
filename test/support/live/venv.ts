// Python virtual environments for generated projects: Python 3.11 (the oldest the projects support) with exactly
// what the project locks, installed the way its Makefile and CI install it: `uv sync --locked` for uv projects,
// `pip install --require-hashes --no-deps` of the hashed requirements files for pip projects. `dev` is the whole
// lock (tests and tools too); `runtime`, for the benchmark, the production set with bytecode compiled at install
// (what the image's builder stage does). Cached under .tmp/venvs/<sha of the Python version and the lock files>,
// so projects that share a lock share a venv, and a second run installs nothing; uv's and pip's download caches
// (.tmp/uv-cache, .tmp/pip-cache) make a new venv of known packages quick.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TMP, VENVS, ensureDir } from './paths.js';
import { UV } from '../../../tools/pins.js';
import { requireTool } from '../tools/common.js';
import { isAlive, runCommand, sleep } from './proc.js';

/** Which requirements: `dev` (tests and tools too) or `runtime` (the image's). */
export type RequirementSet = 'dev' | 'runtime';

export interface Venv {
  dir: string;
  key: string;
  python: string;
  bin(name: string): string;
  /** Environment for running the project's tools: the venv first on PATH, nothing of the caller's Python setup. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Whether this call built it (false: reused from the cache). */
  built: boolean;
  ms: number;
}

const PIP_QUIET = ['--disable-pip-version-check', '-q'];

let pythonChecked: Promise<{ path: string; version: string }> | undefined;

/** The Python the venvs are made with: $E2E_PYTHON (or $BENCH_PYTHON), else python3.11 on PATH. */
export function python(): Promise<{ path: string; version: string }> {
  pythonChecked ??= (async () => {
    const path = process.env.E2E_PYTHON || process.env.BENCH_PYTHON || 'python3.11';
    const r = await runCommand(path, ['-c', 'import sys, venv; print("%d.%d.%d" % sys.version_info[:3])'], { timeoutMs: 20_000 });
    if (r.code !== 0) throw new Error(`${path} cannot make venvs (apt-get install python3-venv, or set E2E_PYTHON): ${r.output.trim()}`);
    const version = r.output.trim();
    if (!version.startsWith('3.11.')) throw new Error(`${path} is Python ${version}; the live tier uses 3.11 (set E2E_PYTHON)`);
    return { path, version };
  })();
  return pythonChecked;
}

export function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env.HOME ?? homedir(),
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    // pip settings of this machine (index mirrors, certificates) stay in effect.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PIP_') || k === 'SSL_CERT_FILE' || k === 'REQUESTS_CA_BUNDLE')),
  };
}

/** How the project installs its dependencies: uv when it has a uv.lock, else pip. */
const packagingOf = (projectDir: string): 'uv' | 'pip' => (existsSync(join(projectDir, 'uv.lock')) ? 'uv' : 'pip');

const FILES: Record<'uv' | 'pip', Record<RequirementSet, string[]>> = {
  uv: { dev: ['pyproject.toml', 'uv.lock'], runtime: ['pyproject.toml', 'uv.lock'] },
  pip: { dev: ['requirements-dev.txt'], runtime: ['requirements.txt'] },
};

function requirementsText(projectDir: string, set: RequirementSet): string {
  const read = (f: string) => (existsSync(join(projectDir, f)) ? readFileSync(join(projectDir, f), 'utf8') : '');
  const packaging = packagingOf(projectDir);
  const text = FILES[packaging][set].map((f) => `${f}\n${read(f)}`).join('\n');
  return `${packaging} ${set}\n${text}`;
}

export async function venvKey(projectDir: string, set: RequirementSet = 'dev'): Promise<string> {
  const py = await python();
  return createHash('sha256')
    .update(`python ${py.version}\n${requirementsText(projectDir, set)}`)
    .digest('hex')
    .slice(0, 16);
}

function handle(dir: string, key: string, built: boolean, ms: number): Venv {
  const bin = (name: string) => join(dir, 'bin', name);
  return {
    dir,
    key,
    python: bin('python'),
    built,
    ms,
    bin,
    env: (extra = {}) => {
      const base = baseEnv();
      // Bytecode is written (the venvs are made with --no-compile): the first run of a tool fills the cache
      // for every later run, including the app's, whose folders are mounted read-only.
      return { ...base, PATH: `${join(dir, 'bin')}:${base.PATH}`, VIRTUAL_ENV: dir, ...extra };
    },
  };
}

// One build at a time in this process (pip runs share the wheelhouse); the same key is built once.
const inFlight = new Map<string, Promise<Venv>>();
let queue: Promise<unknown> = Promise.resolve();

/** The venv of a generated project (built, or reused from .tmp/venvs). */
export function venvFor(projectDir: string, set: RequirementSet = 'dev'): Promise<Venv> {
  return venvKey(projectDir, set).then((key) => {
    let p = inFlight.get(key);
    if (!p) {
      const job = queue.then(() => buildVenv(projectDir, key, set));
      queue = job.catch(() => undefined);
      p = job;
      inFlight.set(key, p);
      p.catch(() => inFlight.delete(key));
    }
    return p;
  });
}

async function buildVenv(projectDir: string, key: string, set: RequirementSet): Promise<Venv> {
  const started = Date.now();
  const dir = join(ensureDir(VENVS), key);
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return handle(dir, key, false, Date.now() - started);
  // Another test process building the same venv: wait for it (its lock names its PID).
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const owner = Number(existsSync(join(lock, 'pid')) ? readFileSync(join(lock, 'pid'), 'utf8') : 0);
      if (owner && !isAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else await sleep(1000);
      if (existsSync(marker)) return handle(dir, key, false, Date.now() - started);
    }
  }
  try {
    return await buildLocked(projectDir, key, set, dir, marker, started);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function buildLocked(projectDir: string, key: string, set: RequirementSet, dir: string, marker: string, started: number): Promise<Venv> {
  rmSync(dir, { recursive: true, force: true });
  const py = await python();
  const env = baseEnv();
  const mk = await runCommand(py.path, ['-m', 'venv', dir], { env, timeoutMs: 120_000 });
  if (mk.code !== 0) throw new Error(`python -m venv failed:\n${mk.output}`);
  const packaging = packagingOf(projectDir);
  // runtime: compiled at install, as the image's builder stage does; dev: bytecode is written on first import
  // instead (much faster for large packages like mypy).
  const r =
    packaging === 'uv'
      ? await runCommand(
          requireTool('uv', UV),
          ['sync', '--locked', '--no-install-project', ...(set === 'runtime' ? ['--no-dev'] : []), '--python', join(dir, 'bin', 'python')],
          {
            cwd: projectDir,
            env: {
              ...env,
              UV_PROJECT_ENVIRONMENT: dir,
              UV_CACHE_DIR: join(TMP, 'uv-cache'),
              UV_PYTHON_DOWNLOADS: 'never',
              UV_LINK_MODE: 'copy',
              ...(set === 'runtime' ? { UV_COMPILE_BYTECODE: '1' } : {}),
            },
            timeoutMs: 900_000,
          },
        )
      : await runCommand(
          join(dir, 'bin', 'pip'),
          [
            'install',
            ...PIP_QUIET,
            '--cache-dir',
            join(TMP, 'pip-cache'),
            ...(set === 'dev' ? ['--no-compile'] : []),
            '--require-hashes',
            '--no-deps',
            '-r',
            FILES.pip[set][0]!,
          ],
          { cwd: projectDir, env, timeoutMs: 900_000 },
        );
  if (r.code !== 0) throw new Error(`installing ${FILES[packaging][set].join(' + ')} (${packaging}) failed:\n${quietPip(r.output)}`);
  writeFileSync(join(dir, 'requirements.txt.lock'), requirementsText(projectDir, set));
  writeFileSync(marker, new Date().toISOString());
  return handle(dir, key, true, Date.now() - started);
}

/** pip output without this machine's warnings about absent local index folders. */
export function quietPip(output: string): string {
  return output
    .split('\n')
    .filter((l) => !/^WARNING: Location '.*' is ignored/.test(l))
    .join('\n')
    .trim();
}

export async function runPytest(projectDir: string, venv: Venv, env: Record<string, string>, timeoutMs = 300_000) {
  return runCommand(venv.bin('pytest'), ['-q', '-p', 'no:cacheprovider'], { cwd: projectDir, env: venv.env(env), timeoutMs });
}

/** ruff as the generated CI runs it: `ruff check .` and `ruff format --check .`. */
export async function runRuff(projectDir: string, venv: Venv) {
  const env = venv.env();
  const check = await runCommand(venv.bin('ruff'), ['check', '--no-cache', '.'], { cwd: projectDir, env, timeoutMs: 120_000 });
  const format = await runCommand(venv.bin('ruff'), ['format', '--no-cache', '--check', '.'], { cwd: projectDir, env, timeoutMs: 120_000 });
  return {
    code: check.code || format.code,
    output: `$ ruff check .\n${check.output.trim()}\n$ ruff format --check .\n${format.output.trim()}`,
    ms: check.ms + format.ms,
  };
}
