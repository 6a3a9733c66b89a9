// Unified diffs for --dry-run and conflict questions. Files holding secrets are diffed with every value
// masked, so a terminal, a CI log or a screen share never shows a password: `KEY=•••• (changed)`.
import { createTwoFilesPatch } from 'diff';

const ASSIGNMENT = /^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=)(.*)$/;

function values(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = ASSIGNMENT.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Masks every value; on the new side, a value that differs from the old one is marked "(changed)". */
function mask(text: string, before?: Map<string, string>): string {
  return text
    .split('\n')
    .map((line) => {
      const m = ASSIGNMENT.exec(line);
      if (!m || m[2] === '') return line;
      const changed = before?.has(m[1]!) === true && before.get(m[1]!) !== m[2];
      return `${m[1]}••••${changed ? ' (changed)' : ''}`;
    })
    .join('\n');
}

export function fileDiff(path: string, before: string, after: string, secret = false): string {
  const [a, b] = secret ? [mask(before), mask(after, values(before))] : [before, after];
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, a, b, '', '', { context: 2 });
}
