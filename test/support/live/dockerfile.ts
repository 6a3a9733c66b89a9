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
  /** USER of the final stage, as written (name or uid), and its numeric uid/gid when the Dockerfile creates it. */
  user: string;
  uid?: number;
  gid?: number;
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
  const out: ImageCommand = { stage: final.name ?? String(final.index), cmd: [], entrypoint: [], env: {}, workdir: '/', exposes: [], user: 'root' };
  const instructions = effectiveInstructions(df, final);
  for (const ins of instructions) {
    switch (ins.keyword) {
      case 'USER':
        out.user = ins.args.trim();
        break;
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
  const name = out.user.split(':')[0]!;
  if (/^\d+$/.test(name)) out.uid = Number(name);
  const group = out.user.split(':')[1];
  if (group && /^\d+$/.test(group)) out.gid = Number(group);
  for (const ins of instructions.filter((i) => i.keyword === 'RUN')) {
    const user = new RegExp(`useradd\\b[^&;|]*?--uid[= ](\\d+)[^&;|]*?\\s${name}\\b`).exec(ins.args);
    if (user) out.uid = Number(user[1]);
    const group = new RegExp(`groupadd\\b[^&;|]*?--gid[= ](\\d+)[^&;|]*?\\s${name}\\b`).exec(ins.args);
    if (group) out.gid = Number(group[1]);
  }
  if (out.uid !== undefined && out.gid === undefined) out.gid = out.uid;
  return out;
}
