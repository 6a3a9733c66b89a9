// A small Dockerfile reader: instructions (continuations joined, comments dropped, heredocs kept aside),
// stages, flags and arguments. Enough for the semantic checks; syntax is dockerfile-utils' job.

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuations joined with a space. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
  /** Bodies of heredocs (`<<EOF`) the instruction carries. */
  heredocs: string[];
}

export interface Stage {
  index: number;
  name?: string;
  /** Image or stage the stage starts from, as written. */
  base: string;
  line: number;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARG instructions before the first FROM (usable in FROM lines). */
  globalArgs: Map<string, string>;
  stages: Stage[];
}

const cache = new Map<string, Dockerfile>();
/** Parses a Dockerfile (results are shared: do not modify them). */
export function parseDockerfile(text: string): Dockerfile {
  let df = cache.get(text);
  if (!df) {
    df = parse(text);
    if (cache.size > 1000) cache.clear();
    cache.set(text, df);
  }
  return df;
}

function parse(text: string): Dockerfile {
  const lines = text.split(/\r?\n/);
  let escapeChar = '\\';
  // Parser directives: only at the very top, before any other line.
  for (const line of lines) {
    const m = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!m) break;
    if (m[1]!.toLowerCase() === 'escape') escapeChar = m[2]!;
  }
  const instructions: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    if (/^\s*(#|$)/.test(first)) {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    let line = first;
    for (;;) {
      const trimmed = line.replace(/\s+$/, '');
      if (trimmed.endsWith(escapeChar)) {
        text += `${trimmed.slice(0, -escapeChar.length)} `;
        i++;
        // Comment and empty lines inside a continuation are skipped.
        while (i < lines.length && /^\s*#/.test(lines[i]!)) i++;
        if (i >= lines.length) break;
        line = lines[i]!;
      } else {
        text += trimmed;
        i++;
        break;
      }
    }
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(text)!;
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    const heredocs: string[] = [];
    if (['RUN', 'COPY', 'ADD'].includes(keyword)) {
      for (const h of args.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
        const strip = h[1] === '-';
        const end = h[3]!;
        const body: string[] = [];
        while (i < lines.length) {
          const l = lines[i++]!;
          if ((strip ? l.replace(/^\t+/, '') : l) === end) break;
          body.push(l);
        }
        heredocs.push(body.join('\n'));
      }
    }
    instructions.push({ keyword, args, line: start + 1, heredocs });
  }

  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = splitWords(ins.args).filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toLowerCase() === 'as');
      stages.push({
        index: stages.length,
        base: words[0] ?? '',
        ...(as > 0 && words[as + 1] ? { name: words[as + 1]!.toLowerCase() } : {}),
        line: ins.line,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') for (const [k, v] of argPairs(ins.args)) globalArgs.set(k, v);
    } else {
      stages[stages.length - 1]!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** Words of a shell-form argument string, honouring quotes. */
export function splitWords(args: string): string[] {
  const words: string[] = [];
  for (const m of args.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** Leading `--flag[=value]` options and the rest of an instruction's arguments (exec or shell form). */
export function flagsAndArgs(args: string): { flags: Map<string, string>; rest: string[]; json: boolean } {
  const flags = new Map<string, string>();
  let rest = args.trim();
  for (;;) {
    const m = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(rest);
    if (!m) break;
    flags.set(m[1]!, m[2] ?? 'true');
    rest = rest.slice(m[0].length);
  }
  if (rest.startsWith('[')) {
    try {
      const parsed = JSON.parse(rest) as unknown;
      if (Array.isArray(parsed)) return { flags, rest: parsed.map(String), json: true };
    } catch {
      // shell form after all
    }
  }
  return { flags, rest: splitWords(rest), json: false };
}

/** KEY=VALUE pairs of ARG/ENV (also the legacy `ENV KEY value`). */
export function argPairs(args: string): [string, string][] {
  const words = splitWords(args);
  if (words.length >= 2 && !words[0]!.includes('=')) return [[words[0]!, words.slice(1).join(' ')]];
  return words.map((w) => {
    const i = w.indexOf('=');
    return i < 0 ? [w, ''] : [w.slice(0, i), w.slice(i + 1)];
  });
}

/** Replaces $VAR / ${VAR} / ${VAR:-x} with known values; unknown variables are left as written. */
export function expand(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, a, def, b) => {
    const name = (a ?? b) as string;
    const v = vars.get(name);
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def as string;
    return all;
  });
}

/** The chain of stages a stage builds on, itself first (FROM <stage> inherits its settings). */
export function lineage(df: Dockerfile, stage: Stage): Stage[] {
  const chain: Stage[] = [stage];
  let current = stage;
  for (;;) {
    const base = current.base.toLowerCase();
    const parent = df.stages.find((s, i) => i < current.index && (s.name === base || String(i) === base));
    if (!parent || chain.includes(parent)) break;
    chain.push(parent);
    current = parent;
  }
  return chain;
}

/** Instructions of a stage including those inherited through FROM <stage>, oldest first. */
export function effectiveInstructions(df: Dockerfile, stage: Stage): Instruction[] {
  return lineage(df, stage)
    .reverse()
    .flatMap((s) => s.instructions);
}
