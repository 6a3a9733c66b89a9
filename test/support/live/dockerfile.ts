// What the production image runs: the final stage's CMD, ENTRYPOINT, ENV, WORKDIR and EXPOSE, following
// FROM <stage> to the stages it inherits from. The Dockerfile reader is tier 1's (test/verify).
import { type Dockerfile, effectiveInstructions, expand, flagsAndArgs, parseDockerfile } from '../../verify/dockerfile-parse.js';

export { parseDockerfile };

export interface ImageCommand {
  /** Name (or index) of the final stage: what a plain `docker build .` produces. */
  stage: string;
  cmd: string[];
  entrypoint: string[];
  env: Record<string, string>;
  workdir: string;
  exposes: string[];
}

/** KEY=VALUE pairs of ENV, values quoted or not (`A="two words" B=x`), or the legacy `ENV KEY value words`. */
export function envPairs(args: string): [string, string][] {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(args.trim());
  if (legacy) return [[legacy[1]!, legacy[2]!.trim()]];
  const out: [string, string][] = [];
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))/g)) {
    const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? m[5] ?? '');
    out.push([m[1]!, value]);
  }
  return out;
}

function execOrShell(args: string): string[] {
  const { rest, json } = flagsAndArgs(args);
  return json ? rest : ['/bin/sh', '-c', args];
}

export function dockerCommand(df: Dockerfile): ImageCommand {
  const final = df.stages[df.stages.length - 1];
  if (!final) throw new Error('the Dockerfile has no FROM');
  const vars = new Map<string, string>();
  const out: ImageCommand = { stage: final.name ?? String(final.index), cmd: [], entrypoint: [], env: {}, workdir: '/', exposes: [] };
  for (const ins of effectiveInstructions(df, final)) {
    switch (ins.keyword) {
      case 'ENV':
        for (const [k, v] of envPairs(ins.args)) {
          const value = expand(v, vars);
          vars.set(k, value);
          out.env[k] = value;
        }
        break;
      case 'CMD':
        out.cmd = execOrShell(ins.args);
        break;
      case 'ENTRYPOINT':
        out.entrypoint = execOrShell(ins.args);
        out.cmd = []; // ENTRYPOINT resets an inherited CMD
        break;
      case 'WORKDIR':
        out.workdir = expand(ins.args, vars);
        break;
      case 'EXPOSE':
        out.exposes.push(...ins.args.split(/\s+/).filter(Boolean));
        break;
    }
  }
  return out;
}
