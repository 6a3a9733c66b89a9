// .dockerignore matching as Docker does it (moby/patternmatcher), not as .gitignore does:
// - patterns are relative to the context root and cleaned (`/x` == `x`, `./a/../b` == `b`);
// - `*` and `?` never cross `/`, `**` matches any number of path segments (including none);
// - a pattern also excludes everything below a folder it matches (`app` excludes `app/x.py`);
//   a pattern without `**` matches at the root only (`*.pyc` does not match `app/x.pyc`);
// - `!pattern` re-includes; the last matching line wins.
import { normalizePath } from './project.js';

export interface IgnorePattern {
  text: string;
  negate: boolean;
  regex: RegExp;
}

function toRegex(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        re += i + 1 >= pattern.length ? '.*' : '(?:.*/)?';
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '\\') {
      const next = pattern[++i];
      if (next !== undefined) re += next.replace(/[.+()|{}$^*?[\]\\]/g, '\\$&');
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) {
        re += '\\[';
      } else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else {
      re += ch.replace(/[.+()|{}$^]/g, '\\$&');
    }
  }
  return new RegExp(`${re}$`);
}

const cache = new Map<string, IgnorePattern[]>();
export function parseDockerignore(text: string): IgnorePattern[] {
  const cached = cache.get(text);
  if (cached) return cached;
  const patterns: IgnorePattern[] = [];
  if (cache.size > 1000) cache.clear();
  cache.set(text, patterns);
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    const cleaned = normalizePath(line.replace(/^\/+/, ''));
    if (cleaned === '') continue;
    patterns.push({ text: raw.trim(), negate, regex: toRegex(cleaned) });
  }
  return patterns;
}

/** Whether Docker leaves a file (project-relative path) out of the build context. */
export function isIgnored(patterns: IgnorePattern[], path: string): boolean {
  const n = normalizePath(path);
  const parts = n.split('/');
  // The path and each of its parent folders.
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const p of patterns) {
    if (candidates.some((c) => p.regex.test(c))) ignored = !p.negate;
  }
  return ignored;
}

/** The pattern that decides a path is ignored (for messages). */
export function decidingPattern(patterns: IgnorePattern[], path: string): string | undefined {
  const n = normalizePath(path);
  const parts = n.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let deciding: IgnorePattern | undefined;
  for (const p of patterns) if (candidates.some((c) => p.regex.test(c))) deciding = p;
  return deciding && !deciding.negate ? deciding.text : undefined;
}
