// Golden renders: a hash of every file of every matrix combination, taken before the component restructuring,
// so the move is proven not to change one byte of what existing choices generate. `node --import tsx/esm
// test/golden/golden.ts --write` records them (only ever from a commit whose output is the reference).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { combinations } from '../../src/answers/combinations.js';
import type { Answers } from '../../src/answers/options.js';
import { plan } from '../../src/plan/plan.js';
import { render } from '../../src/render/render.js';

export const GOLDEN_FILE = fileURLToPath(new URL('./renders.json', import.meta.url));
const KEYS = [
  'name',
  'description',
  'framework',
  'database',
  'cache',
  'proxy',
  'observability',
  'extras',
  'broker',
  'python',
  'port',
  'registry',
  'packaging',
] as const;

type Row = (string | number)[];
export interface Golden {
  projects: [Row, string][];
  /** Per-file hashes of the default project, to point at the file when its hash moves. */
  defaultFiles: Record<string, string>;
}

const pack = (a: Answers): Row => KEYS.map((k) => (Array.isArray(a[k]) ? (a[k] as string[]).join('+') : (a[k] as string | number)));
export const unpack = (row: Row): Answers =>
  Object.fromEntries(
    KEYS.map((k, i) => [k, k === 'observability' || k === 'extras' ? (row[i] ? String(row[i]).split('+') : []) : row[i]]),
  ) as unknown as Answers;

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);

/** Every file of the project with stable secrets, as path → hash of mode and content. */
export function fileHashes(a: Answers): Record<string, string> {
  const files = render(plan(a), { secret: (name) => `golden-${name}` });
  return Object.fromEntries(files.map((f) => [f.path, sha(`${f.executable ? 'x' : '-'}${f.secret ? 's' : '-'}\0${f.content}`)]));
}

export function projectHash(a: Answers): string {
  return sha(
    Object.entries(fileHashes(a))
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([p, h]) => `${p} ${h}`)
      .join('\n'),
  );
}

export function readGolden(): Golden {
  return JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Golden;
}

if (process.argv.includes('--write')) {
  // Every other matrix combination (each value of each choice still occurs), at half the time of all of them.
  const all = combinations().filter((_, i) => i % 2 === 0);
  const golden: Golden = { projects: all.map((a) => [pack(a), projectHash(a)]), defaultFiles: fileHashes(all[0]!) };
  writeFileSync(GOLDEN_FILE, `${JSON.stringify(golden).replace(/\],\[/g, '],\n[')}\n`);
  console.log(`recorded ${golden.projects.length} projects`);
}
