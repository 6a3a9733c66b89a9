// `--answers FILE`: every answer at once, for CI; `--print-answers` writes the same format.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { UsageError } from '../answers/errors.js';
import type { Answers } from '../answers/options.js';

export function readAnswersFile(path: string, cwd: string): { name: string; values: Record<string, unknown> } {
  const full = resolve(cwd, path);
  if (!existsSync(full))
    throw new UsageError(`answers file ${full} does not exist; check the path, or write one with \`pydocker new --print-answers > answers.yaml\``);
  let data: unknown;
  try {
    data = parse(readFileSync(full, 'utf8'));
  } catch (err) {
    throw new UsageError(`answers file ${full} is not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`answers file ${full} must hold a mapping of answers, e.g. "framework: flask"`);
  }
  return { name: path, values: data as Record<string, unknown> };
}

export function answersText(a: Answers): string {
  return stringify(a, { lineWidth: 0 });
}
