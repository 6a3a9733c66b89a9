// Turning raw input (flags, stored answers, preset values, typed answers) into typed, checked Answers.
// Every problem is collected, so a person sees all of them at once, each with what would be accepted.
import { ruleProblems } from '../components/choices.js';
import { UsageError } from './errors.js';
import { type Answers, type AnswerKey, type OptionSpec, OPTIONS } from './options.js';

/** Answers that cannot be used; a usage error (exit 2) listing every problem. */
export class AnswerError extends UsageError {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AnswerError';
  }
}

const NAME_RE = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
// A Docker image repository without tag: optional registry host[:port], then lowercase path components.
const REPOSITORY_RE =
  /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function checkName(value: string): string | undefined {
  if (!value) return 'name is empty: give one with --name or as the target folder, e.g. `pydocker new my-service`';
  if (value.length > 63) return `name "${value}" is longer than 63 characters: choose a shorter one`;
  if (!NAME_RE.test(value)) {
    return (
      `name "${value}" is not valid: use lowercase letters, digits and single "-" or "_" between them, ` +
      `starting with a letter (it becomes the Python distribution, the compose project and the image name), e.g. my-service`
    );
  }
  return undefined;
}

export function checkRegistry(value: string): string | undefined {
  if (!REPOSITORY_RE.test(value)) {
    return `registry "${value}" is not a valid image repository: use e.g. ghcr.io/acme/my-service or registry.example.com:5000/team/app (lowercase, no tag)`;
  }
  return undefined;
}

export function checkPort(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 1024 || value > 65535) {
    return `port "${value}" is not valid: use a whole number from 1024 to 65535 (the app runs as a non-root user)`;
  }
  return undefined;
}

function listChoices(spec: OptionSpec): string {
  return 'choices' in spec ? spec.choices.join(', ') : '';
}

/** Parses one raw value (a flag string, or a value read from YAML/JSON) for an option. */
export function parseValue(spec: OptionSpec, raw: unknown, problems: string[], origin = 'flags'): unknown {
  // Flags are named as typed; a value read from a file is named by the file and its key.
  const where = origin === 'flags' ? `--${spec.flag}` : `${origin}: ${spec.key}`;
  switch (spec.kind) {
    case 'text':
      if (typeof raw !== 'string' && typeof raw !== 'number') {
        problems.push(`${where}: expected text, got ${JSON.stringify(raw)}`);
        return undefined;
      }
      return String(raw).trim();
    case 'number': {
      const n = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
      if (Number.isNaN(n)) {
        problems.push(`${where}: "${String(raw)}" is not a number; give a whole number, e.g. ${spec.key === 'port' ? '8000' : '1'}`);
        return undefined;
      }
      return n;
    }
    case 'select': {
      const v = String(raw).trim().toLowerCase();
      if (!spec.choices.includes(v)) {
        problems.push(`${where}: unknown value "${String(raw)}"; valid values: ${listChoices(spec)}`);
        return undefined;
      }
      return v;
    }
    case 'multi': {
      const items = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean);
      if (items.length === 1 && items[0] === 'none') return [];
      const bad = items.filter((v) => !spec.choices.includes(v));
      if (bad.length > 0) {
        problems.push(`${where}: unknown value${bad.length > 1 ? 's' : ''} "${bad.join(', ')}"; valid values: ${listChoices(spec)}, or none`);
        return undefined;
      }
      // Keep the canonical order so the same choice always plans the same project.
      return spec.choices.filter((c) => items.includes(c));
    }
  }
}

/** Parses a partial record of raw values; unknown keys are reported. */
export function parsePartial(raw: Record<string, unknown>, origin: string, problems: string[]): Partial<Answers> {
  const out: Partial<Record<AnswerKey, unknown>> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const spec = OPTIONS.find((o) => o.key === key);
    if (!spec) {
      problems.push(`${origin}: unknown answer "${key}"; known answers: ${OPTIONS.map((o) => o.key).join(', ')}`);
      continue;
    }
    const parsed = parseValue(spec, value, problems, origin);
    if (parsed !== undefined) out[spec.key] = parsed;
  }
  return out as Partial<Answers>;
}

// Answers already checked in this run: the planner does not check them again (one validation per run).
const checked = new WeakSet<Answers>();

/** Checks a complete set of answers once: every problem, or none (and remembers that these passed). */
export function validateOnce(a: Answers): string[] {
  if (checked.has(a)) return [];
  const problems = checkAnswers(a);
  if (problems.length === 0) checked.add(a);
  return problems;
}

/** Checks a complete set of answers, including rules between answers. */
export function checkAnswers(a: Answers): string[] {
  const problems: string[] = [];
  const push = (p: string | undefined) => p && problems.push(p);
  push(checkName(a.name));
  push(checkRegistry(a.registry));
  push(checkPort(a.port));
  if (a.description.length > 100 || /[\r\n]/.test(a.description)) {
    problems.push(`--description: keep it to one line of at most 100 characters (it has ${a.description.length}); the README is the place for more`);
  }
  // Rules between choices are stated by the components they belong to (grafana needs prometheus, …).
  problems.push(...ruleProblems(a));
  return problems;
}
