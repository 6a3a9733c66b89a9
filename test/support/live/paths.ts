// Where the live tier keeps its files: everything under <repo>/.tmp (gitignored), reports under <repo>/reports.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const TMP = join(REPO, '.tmp');
export const VENVS = join(TMP, 'venvs');
export const WHEELHOUSE = join(TMP, 'wheelhouse');
export const E2E = join(TMP, 'e2e');
/** This run's projects and logs: runs in the same checkout at once (several engineers) do not collide. */
export const RUN_DIR = join(E2E, `run-${process.pid}`);
export const REPORTS = join(REPO, 'reports');
export const AGENT = join(dirname(fileURLToPath(import.meta.url)), 'agent.mjs');

/** Removes the folders of earlier runs whose process is gone (the newest finished run's are kept for reading). */
export function pruneRunDirs(isAlive: (pid: number) => boolean): void {
  if (!existsSync(E2E)) return;
  const runs = readdirSync(E2E)
    .map((name) => ({ name, pid: Number(/^run-(\d+)$/.exec(name)?.[1] ?? NaN) }))
    .filter((r) => Number.isFinite(r.pid) && r.pid !== process.pid && !isAlive(r.pid))
    .map((r) => ({ ...r, mtime: statSync(join(E2E, r.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const r of runs.slice(1)) rmSync(join(E2E, r.name), { recursive: true, force: true });
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A short folder under the system temp dir: Unix socket paths must stay under 108 bytes. */
export function shortTemp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pd-${prefix}-`));
}
