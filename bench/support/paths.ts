// Where the benchmark keeps its files: under <repo>/.tmp (gitignored). Venvs and wheels are shared with the
// live e2e tier (.tmp/venvs, .tmp/wheelhouse); the benchmark's own projects, logs and figures go to .tmp/bench.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TMP = join(REPO, '.tmp');
export const VENVS = join(TMP, 'venvs');
export const WHEELHOUSE = join(TMP, 'wheelhouse');
export const OUT = join(TMP, 'bench');

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
