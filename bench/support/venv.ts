// The runtime venv of a generated project for the service benchmark: Python 3.11 with requirements.txt only
// (what the production image installs; no test or lint tools). Cached in .tmp/venvs/<sha of the Python
// version and requirements.txt>, built at most once per requirements file; wheels come from .tmp/wheelhouse
// (shared with the live e2e tier) and PyPI fills in what is missing. Bytecode is compiled at install, as
// `pip install` does in the image's builder stage.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VENVS, WHEELHOUSE, ensureDir } from './paths.js';
import { isAlive, runCommand, sleep } from './proc.js';

export interface Venv {
  dir: string;
  python: string;
  bin(name: string): string;
  /** Environment that runs the venv's tools: its bin first on PATH, nothing of the caller's Python setup. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  built: boolean;
  ms: number;
}

export interface Python {
  path: string;
  version: string;
}

/** The Python venvs are made with: $BENCH_PYTHON, else python3.11 on PATH; must be 3.11. */
export async function findPython(): Promise<Python> {
  const path = process.env.BENCH_PYTHON || 'python3.11';
  const r = await runCommand(path, ['-c', 'import sys, venv; print("%d.%d.%d" % sys.version_info[:3])'], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`${path} cannot make venvs (install Python 3.11 with venv, or set BENCH_PYTHON): ${r.output.trim()}`);
  const version = r.output.trim();
  if (!version.startsWith('3.11.')) throw new Error(`${path} is Python ${version}; the benchmark uses 3.11 (set BENCH_PYTHON)`);
  return { path, version };
}

export function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    // pip settings of this machine (index mirrors, certificates) stay in effect.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PIP_') || k === 'SSL_CERT_FILE' || k === 'REQUESTS_CA_BUNDLE')),
  };
}

function handle(dir: string, built: boolean, ms: number): Venv {
  const bin = (name: string) => join(dir, 'bin', name);
  return {
    dir,
    python: bin('python'),
    bin,
    built,
    ms,
    env: (extra = {}) => {
      const base = baseEnv();
      return { ...base, PATH: `${join(dir, 'bin')}:${base.PATH}`, VIRTUAL_ENV: dir, ...extra };
    },
  };
}

export function venvKey(python: Python, requirements: string): string {
  return createHash('sha256').update(`python ${python.version}\nrequirements.txt (runtime only)\n${requirements}`).digest('hex').slice(0, 16);
}

/** The runtime venv of `projectDir` (built, or reused from .tmp/venvs). */
export async function runtimeVenv(projectDir: string, python: Python): Promise<Venv> {
  const started = Date.now();
  const requirementsFile = join(projectDir, 'requirements.txt');
  const requirements = readFileSync(requirementsFile, 'utf8');
  const dir = join(ensureDir(VENVS), venvKey(python, requirements));
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return handle(dir, false, Date.now() - started);
  // Another process building the same venv: wait for it (its lock names its PID).
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
      if (existsSync(marker)) return handle(dir, false, Date.now() - started);
    }
  }
  try {
    rmSync(dir, { recursive: true, force: true });
    ensureDir(WHEELHOUSE);
    const env = baseEnv();
    const mk = await runCommand(python.path, ['-m', 'venv', dir], { env, timeoutMs: 120_000 });
    if (mk.code !== 0) throw new Error(`python -m venv failed:\n${mk.output}`);
    const pip = join(dir, 'bin', 'pip');
    const quiet = ['--disable-pip-version-check', '-q'];
    const install = () =>
      runCommand(pip, ['install', ...quiet, '--no-index', '--find-links', WHEELHOUSE, '-r', requirementsFile], { cwd: projectDir, env, timeoutMs: 300_000 });
    let r = await install();
    if (r.code !== 0) {
      const wheel = await runCommand(pip, ['wheel', ...quiet, '--wheel-dir', WHEELHOUSE, '--find-links', WHEELHOUSE, '-r', requirementsFile], {
        cwd: projectDir,
        env,
        timeoutMs: 900_000,
      });
      if (wheel.code !== 0) throw new Error(`pip wheel -r requirements.txt failed:\n${wheel.output.trim()}`);
      r = await install();
      if (r.code !== 0) throw new Error(`pip install -r requirements.txt failed:\n${r.output.trim()}`);
    }
    writeFileSync(join(dir, 'requirements.txt.lock'), requirements);
    writeFileSync(marker, new Date().toISOString());
    return handle(dir, true, Date.now() - started);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
