// A generated project as the validators see it: the answers it was made from and its files, in memory.
import { existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Answers } from '../../src/answers/options.js';
import { plan } from '../../src/plan/plan.js';
import { render, type RenderedFile, TemplateError } from '../../src/render/render.js';
import type { CheckId } from './checks.js';

export interface Project {
  answers: Answers;
  /** Project-relative path (no leading ./) -> content. */
  files: Map<string, string>;
  /** Paths rendered with the executable bit. */
  executable: Set<string>;
}

export interface Problem {
  /** Project-relative path the problem is in (or about). */
  file: string;
  check: CheckId;
  message: string;
}

/** Deterministic secrets, so the same answers always give the same project. */
export const testSecret = (name: string): string => `test-${name.toLowerCase().replace(/_/g, '-')}-0123456789abcdef`;

export function projectFrom(answers: Answers, rendered: RenderedFile[]): Project {
  return {
    answers,
    files: new Map(rendered.map((f) => [f.path, f.content])),
    executable: new Set(rendered.filter((f) => f.executable).map((f) => f.path)),
  };
}

/** The full project, exactly as the generator would write it. */
export function renderedProject(answers: Answers): Project {
  return projectFrom(answers, render(plan(answers), { secret: testSecret }));
}

/**
 * Renders what can be rendered: a template that is missing or fails is left out and reported, so the rest
 * of the project can still be checked. `failures` lists template -> message.
 */
export function renderTolerant(answers: Answers): { project: Project; failures: Map<string, string> } {
  const planned = plan(answers);
  const failures = new Map<string, string>();
  let files = planned.files.filter((f) => {
    if (existsSync(f.source)) return true;
    failures.set(f.to, `template ${f.template} is missing`);
    return false;
  });
  for (;;) {
    try {
      return { project: projectFrom(answers, render({ ...planned, files }, { secret: testSecret })), failures };
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      const bad = files.find((f) => f.template === err.template);
      if (!bad) throw err;
      failures.set(bad.to, err.message);
      files = files.filter((f) => f !== bad);
    }
  }
}

/** A copy whose files can be changed without touching the original. */
export function cloneProject(p: Project): Project {
  return { answers: { ...p.answers, observability: [...p.answers.observability] }, files: new Map(p.files), executable: new Set(p.executable) };
}

/** Normalises a path as compose or a Dockerfile writes it (./a/../b/ -> b); '' is the project root. */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** Whether a path names a file of the project or a folder that holds at least one. */
export function pathExists(p: Project, path: string): boolean {
  const n = normalizePath(path);
  if (n === '') return true;
  if (p.files.has(n)) return true;
  const prefix = `${n}/`;
  for (const f of p.files.keys()) if (f.startsWith(prefix)) return true;
  return false;
}

/** Files at or below a path. */
export function filesUnder(p: Project, path: string): string[] {
  const n = normalizePath(path);
  if (n === '') return [...p.files.keys()];
  if (p.files.has(n)) return [n];
  const prefix = `${n}/`;
  return [...p.files.keys()].filter((f) => f.startsWith(prefix));
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

// Parsing is the slowest part of validating; identical files recur across combinations, so results are kept
// by content. Parsed values are shared: validators must not modify them.
const yamlCache = new Map<string, Parsed>();

/** A YAML file of the project, parsed once (strict: duplicate keys are errors). */
export function yamlOf(p: Project, path: string): Parsed | undefined {
  const text = p.files.get(path);
  if (text === undefined) return undefined;
  let result = yamlCache.get(text);
  if (!result) {
    try {
      result = { ok: true, value: parseYaml(text, { uniqueKeys: true }) };
    } catch (err) {
      result = { ok: false, error: (err as Error).message.split('\n')[0]! };
    }
    if (yamlCache.size > 4000) yamlCache.clear();
    yamlCache.set(text, result);
  }
  return result;
}

/** The services a compose file of the project defines. */
export function composeServices(p: Project, file: string): Set<string> {
  const parsed = yamlOf(p, file);
  return new Set(parsed?.ok ? Object.keys((parsed.value as any)?.services ?? {}) : []);
}
