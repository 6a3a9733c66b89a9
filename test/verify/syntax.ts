// File-level checks that need no knowledge of the stack: every data file parses, templates left nothing
// behind, shell scripts have a safe header. (Python and `bash -n` run in batches: see external.ts.)
import { parse as parseToml } from 'smol-toml';
import { parseAllDocuments } from 'yaml';
import { type Problem, type Project, yamlOf } from './project.js';

const tomlCache = new Map<string, string | null>();
function tomlError(text: string): string | null {
  let result = tomlCache.get(text);
  if (result === undefined) {
    try {
      parseToml(text);
      result = null;
    } catch (err) {
      result = (err as Error).message.split('\n')[0]!;
    }
    if (tomlCache.size > 2000) tomlCache.clear();
    tomlCache.set(text, result);
  }
  return result;
}

export function isShellScript(path: string, content: string): boolean {
  return path.endsWith('.sh') || /^#!.*\b(ba|da|k|z)?sh\b/.test(content.split('\n', 1)[0]!);
}

/** Problems with the header of one shell script. */
export function shellHeaderProblems(path: string, content: string, executable: boolean): string[] {
  const problems: string[] = [];
  const lines = content.split('\n');
  const shebang = lines[0] ?? '';
  if (!/^#!\s*(\/usr\/bin\/env\s+bash|\/bin\/bash|\/usr\/bin\/bash)\s*$/.test(shebang)) {
    problems.push(`${path} starts with ${JSON.stringify(shebang)}, not a bash shebang (#!/usr/bin/env bash); pipefail needs bash`);
  }
  const firstCommand = lines.slice(1).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const strict = (line: string) => {
    const m = /^\s*set\s+(.*)$/.exec(line);
    if (!m) return false;
    const args = m[1]!;
    const short = [...args.matchAll(/(?:^|\s)-([A-Za-z]+)/g)].map((x) => x[1]).join('');
    const has = (flag: string, long: string) => short.includes(flag) || new RegExp(`-o\\s+${long}\\b`).test(args);
    return has('e', 'errexit') && has('u', 'nounset') && /-[A-Za-z]*o\s+pipefail\b/.test(args);
  };
  if (!firstCommand || !strict(firstCommand)) {
    problems.push(`${path}: the first command is ${JSON.stringify(firstCommand?.trim() ?? '')}, not set -euo pipefail`);
  }
  if (!executable) problems.push(`${path} is not executable`);
  return problems;
}

/**
 * A library the scripts `source` (no shebang, not executable, e.g. `# shellcheck shell=bash`) is not run on
 * its own: it inherits the strict mode of the script that sources it, so the header rules do not apply.
 */
export function isSourcedLibrary(p: Project, file: string, content: string): boolean {
  if (content.startsWith('#!') || p.executable.has(file)) return false;
  const base = file.split('/').pop()!.replace(/[.$]/g, '\\$&');
  const sourced = new RegExp(`(?:^|[;&|\\s])(?:source|\\.)\\s+[^\\n;&|]*\\b${base}\\b`, 'm');
  for (const [other, text] of p.files) if (other !== file && isShellScript(other, text) && sourced.test(text)) return true;
  return false;
}

/** What GNU make would refuse or silently misread: space-indented recipes, recipes before a rule, phony targets without a rule. */
export function makefileProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  let inRule = false;
  let continued = false;
  let inDefine = false;
  const targets = new Set<string>();
  const phony: string[] = [];
  lines.forEach((line, i) => {
    const n = i + 1;
    const wasContinued = continued;
    continued = /\\$/.test(line);
    if (wasContinued) return;
    if (/^\s*define\b/.test(line)) inDefine = true;
    if (inDefine) {
      if (/^\s*endef\b/.test(line)) inDefine = false;
      return;
    }
    if (line.startsWith('\t')) {
      if (!inRule) problems.push(`line ${n}: recipe line before any rule`);
      return;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    if (/^ +\S/.test(line)) {
      problems.push(`line ${n}: indented with spaces; a recipe needs a tab ("missing separator")`);
      return;
    }
    const rule = /^([^:=#\t][^:=#]*?)\s*::?(?!=)\s*(.*)$/.exec(line);
    if (rule) {
      inRule = true;
      for (const t of rule[1]!.trim().split(/\s+/)) targets.add(t);
      if (rule[1]!.trim() === '.PHONY') phony.push(...rule[2]!.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean));
    } else {
      inRule = false;
    }
  });
  for (const t of phony) if (!targets.has(t)) problems.push(`.PHONY names ${t}, which has no rule`);
  return problems;
}

const LEFTOVERS: [RegExp, string][] = [
  [/<%|%>/, 'EJS tags left in the output'],
  [/\[object Object\]/, '"[object Object]" in the output'],
];

export function validateSyntax(p: Project): Problem[] {
  const problems: Problem[] = [];
  for (const [file, content] of p.files) {
    if (file.endsWith('.ejs')) problems.push({ file, check: 'render', message: `${file} still has its template extension` });
    for (const [re, what] of LEFTOVERS) {
      const m = re.exec(content);
      if (m) problems.push({ file, check: 'render', message: `${what}, line ${content.slice(0, m.index).split('\n').length}` });
    }
    if (!file.endsWith('.md')) {
      const m = /(^|[\s=:"'(,[])(undefined|NaN)(?=[\s"',)\]]|$)/m.exec(content);
      if (m) problems.push({ file, check: 'render', message: `"${m[2]}" in the output, line ${content.slice(0, m.index + m[1]!.length).split('\n').length}` });
    }

    if (/\.ya?ml$/.test(file) && /^---$/m.test(content)) {
      // Several documents in one file (Kubernetes manifests): each must parse.
      for (const doc of parseAllDocuments(content, { uniqueKeys: true })) {
        if (doc.errors.length > 0) problems.push({ file, check: 'syntax.yaml', message: doc.errors[0]!.message.split('\n')[0]! });
      }
    } else if (/\.ya?ml$/.test(file)) {
      const parsed = yamlOf(p, file);
      if (parsed && !parsed.ok) problems.push({ file, check: 'syntax.yaml', message: parsed.error });
    } else if (file.endsWith('.json')) {
      try {
        JSON.parse(content);
      } catch (err) {
        problems.push({ file, check: 'syntax.json', message: (err as Error).message });
      }
    } else if (file.endsWith('.toml')) {
      const error = tomlError(content);
      if (error) problems.push({ file, check: 'syntax.toml', message: error });
    }

    if (file === 'Makefile' || file.endsWith('.mk')) {
      for (const message of makefileProblems(content)) problems.push({ file, check: 'syntax.makefile', message });
    }

    if (isShellScript(file, content) && !isSourcedLibrary(p, file, content)) {
      for (const message of shellHeaderProblems(file, content, p.executable.has(file))) problems.push({ file, check: 'shell.header', message });
    }
  }
  return problems;
}
