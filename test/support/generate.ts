// Generates a project straight from plan + render (no Yeoman), for checks that need many projects fast.
// Usage as a script: node --import tsx/esm test/support/generate.ts <dir> [--framework flask ...]
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { parseArgs } from 'node:util';
import { type Answers, OPTIONS, defaultsFor } from '../../src/answers/options.js';
import { parsePartial, AnswerError } from '../../src/answers/validate.js';
import { plan } from '../../src/plan/plan.js';
import { render, type RenderedFile } from '../../src/render/render.js';

let counter = 0;
/** A deterministic secret source, so generated projects are reproducible in tests. */
export const fakeSecret = () => `s3cr3t${(++counter).toString(16).padStart(10, '0')}`;

export function answersFor(name: string, overrides: Partial<Answers> = {}): Answers {
  return { ...defaultsFor(name), ...overrides };
}

export function renderProject(answers: Answers): RenderedFile[] {
  return render(plan(answers), { secret: fakeSecret });
}

export function writeProject(dir: string, files: RenderedFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    if (f.executable) chmodSync(path, 0o755);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const options = Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: 'string' as const }]));
  const { values, positionals } = parseArgs({ options, allowPositionals: true });
  const dir = resolve(positionals[0] ?? 'generated');
  const problems: string[] = [];
  const given = parsePartial(values as Record<string, unknown>, 'flags', problems);
  if (problems.length) throw new AnswerError(problems);
  writeProject(dir, renderProject(answersFor(basename(dir), given)));
  console.log(`generated ${dir}`);
}
