// Where the live tier keeps its files: everything under <repo>/.tmp (gitignored), reports under <repo>/reports.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const TMP = join(REPO, '.tmp');
export const VENVS = join(TMP, 'venvs');
export const WHEELHOUSE = join(TMP, 'wheelhouse');
export const E2E = join(TMP, 'e2e');
export const REPORTS = join(REPO, 'reports');
export const AGENT = join(dirname(fileURLToPath(import.meta.url)), 'agent.mjs');

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A short folder under the system temp dir: Unix socket paths must stay under 108 bytes. */
export function shortTemp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pd-${prefix}-`));
}
