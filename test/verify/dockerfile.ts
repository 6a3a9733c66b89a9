// Validates the Dockerfile: dockerfile-utils for syntax, then what it cannot know: the build context and
// .dockerignore, stages, the port, the healthcheck, the user.
import { type ValidatorSettings, ValidationSeverity, validate } from 'dockerfile-utils';
import type { CheckId } from './checks.js';
import { imageTag } from './compose.js';
import { decidingPattern, isIgnored, parseDockerignore } from './dockerignore.js';
import {
  type Dockerfile,
  type Instruction,
  type Stage,
  argPairs,
  effectiveInstructions,
  expand,
  flagsAndArgs,
  parseDockerfile,
  splitWords,
} from './dockerfile-parse.js';
import { type Problem, type Project, filesUnder, normalizePath, pathExists, yamlOf } from './project.js';

type Json = any;

const FILE = 'Dockerfile';

// Every rule is an error: a generated Dockerfile has no excuse for a warning either.
const LINT_SETTINGS: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

const lintCache = new Map<string, string[]>();
export function lintDockerfile(text: string): string[] {
  let messages = lintCache.get(text);
  if (!messages) {
    messages = validate(text, LINT_SETTINGS).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    if (lintCache.size > 2000) lintCache.clear();
    lintCache.set(text, messages);
  }
  return messages;
}

/** Targets named in scripts, CI and the Makefile (`--target x`, `target: x`). */
export function buildTargets(p: Project): Map<string, string> {
  const targets = new Map<string, string>();
  for (const file of ['scripts/deploy.sh', '.github/workflows/ci.yml', 'Makefile', 'scripts/build.sh']) {
    const text = p.files.get(file);
    if (!text) continue;
    for (const m of text.matchAll(/--target[= ]["']?([A-Za-z0-9_.-]+)/g)) targets.set(m[1]!.toLowerCase(), file);
    if (file.endsWith('.yml')) for (const m of text.matchAll(/^\s*target:\s*["']?([A-Za-z0-9_.-]+)/gm)) targets.set(m[1]!.toLowerCase(), file);
  }
  return targets;
}

/** The stage production runs: the non-dev target scripts build, else the last stage. */
export function productionStage(df: Dockerfile, p: Project): Stage | undefined {
  const named = [...buildTargets(p).keys()].filter((t) => t !== 'dev');
  for (const t of named) {
    const s = df.stages.find((st) => st.name === t);
    if (s) return s;
  }
  return df.stages[df.stages.length - 1];
}

function variables(df: Dockerfile, stage: Stage): Map<string, string> {
  const vars = new Map(df.globalArgs);
  for (const ins of effectiveInstructions(df, stage)) {
    if (ins.keyword === 'ARG' || ins.keyword === 'ENV') {
      for (const [k, v] of argPairs(ins.args)) if (v !== '' || !vars.has(k)) vars.set(k, expand(v, vars));
    }
  }
  return vars;
}

/** The argv of a HEALTHCHECK (undefined for NONE). */
function healthcheckArgv(ins: Instruction): string[] | undefined {
  const { rest } = flagsAndArgs(ins.args);
  if (rest[0]?.toUpperCase() === 'NONE') return undefined;
  const afterCmd = ins.args.replace(/^(?:--\S+\s+)*/, '').replace(/^CMD\s+/i, '');
  return flagsAndArgs(afterCmd).rest;
}

/**
 * What a healthcheck command runs, checked against the project: a Python module or file that exists,
 * or an HTTP client that the image has, on the app's port. Returns problems as messages.
 */
export function checkHealthCommand(p: Project, argv: string[], tools: (tool: string) => boolean): string[] {
  const words = argv.length === 1 ? splitWords(argv[0]!) : argv;
  const exe = (words[0] ?? '').split('/').pop() ?? '';
  if (/^python(3(\.\d+)?)?$/.test(exe)) {
    if (words[1] === '-m') {
      const module = words[2] ?? '';
      const base = module.replace(/\./g, '/');
      if (!module) return ['runs python -m without a module'];
      if (!p.files.has(`${base}.py`) && !p.files.has(`${base}/__main__.py`))
        return [`runs python -m ${module}, but neither ${base}.py nor ${base}/__main__.py is in the project`];
      return [];
    }
    if (words[1] === '-c') return [];
    const script = words[1] ?? '';
    if (!p.files.has(normalizePath(script.replace(/^\/app\//, '')))) return [`runs python ${script}, which is not in the project`];
    return [];
  }
  if (exe === 'curl' || exe === 'wget') {
    const problems: string[] = [];
    if (!tools(exe)) problems.push(`runs ${exe}, which the image does not install`);
    const url = words.find((w) => /^https?:\/\//.test(w));
    const port = url ? /^https?:\/\/[^/:]+(?::(\d+))?/.exec(url)?.[1] : undefined;
    if (url && Number(port ?? 80) !== p.answers.port) problems.push(`asks ${url}, but the app listens on ${p.answers.port}`);
    return problems;
  }
  return [`runs ${JSON.stringify(words.join(' '))}: not a recognisable check (python -m <module>, python <file>, curl or wget)`];
}

export function validateDockerfile(p: Project): Problem[] {
  const problems: Problem[] = [];
  const add = (check: CheckId, message: string, file = FILE) => problems.push({ file, check, message });
  const text = p.files.get(FILE);
  if (text === undefined) {
    add('dockerfile.lint', 'Dockerfile is missing');
    return problems;
  }
  for (const m of lintDockerfile(text)) add('dockerfile.lint', m);

  const df = parseDockerfile(text);
  if (df.stages.length === 0) {
    add('dockerfile.stages', 'no FROM instruction');
    return problems;
  }
  const names = df.stages.map((s) => s.name);
  const stageByRef = (ref: string, before: number): Stage | undefined =>
    df.stages.find((s, i) => i < before && (s.name === ref.toLowerCase() || String(i) === ref));

  // Base images.
  for (const stage of df.stages) {
    const base = expand(stage.base, df.globalArgs);
    if (stageByRef(base, stage.index) || base === 'scratch') continue;
    if (names.includes(base.toLowerCase())) {
      add('dockerfile.base-image', `line ${stage.line}: FROM ${base} names a stage defined later`);
      continue;
    }
    if (base.includes('$')) {
      add('dockerfile.base-image', `line ${stage.line}: FROM ${stage.base} uses a variable without a default`);
      continue;
    }
    const { repository, tag, digest } = imageTag(base);
    if (!tag && !digest) add('dockerfile.base-image', `line ${stage.line}: FROM ${base} has no tag (it means latest)`);
    else if (tag === 'latest') add('dockerfile.base-image', `line ${stage.line}: FROM ${base} uses the latest tag`);
    if (/(^|\/)python$/.test(repository) && tag && !tag.startsWith(`${p.answers.python}.`) && !tag.startsWith(`${p.answers.python}-`)) {
      add('dockerfile.base-image', `line ${stage.line}: FROM ${base}, but the chosen Python is ${p.answers.python}`);
    }
  }

  // COPY / ADD.
  const ignoreText = p.files.get('.dockerignore');
  const ignore = parseDockerignore(ignoreText ?? '');
  for (const stage of df.stages) {
    const vars = variables(df, stage);
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
      const { flags, rest } = flagsAndArgs(ins.args);
      const from = flags.get('from');
      if (from !== undefined) {
        const ref = expand(from, vars);
        if (!stageByRef(ref, stage.index)) {
          if (names.includes(ref.toLowerCase())) add('dockerfile.copy-from', `line ${ins.line}: COPY --from=${from} names a stage defined later`);
          else if (!/[:/@]/.test(ref))
            add(
              'dockerfile.copy-from',
              `line ${ins.line}: COPY --from=${from} names no stage (stages: ${names.filter(Boolean).join(', ')}); Docker would pull an image of that name`,
            );
          else {
            const { tag, digest } = imageTag(ref);
            if (!digest && (!tag || tag === 'latest')) add('dockerfile.base-image', `line ${ins.line}: COPY --from=${ref} is not pinned to a tag`);
          }
        }
        continue;
      }
      const sources = rest.slice(0, -1);
      if (rest.length < 2) continue; // dockerfile-utils reports it
      for (const raw of sources) {
        if (raw.startsWith('<<') || /^(https?|git):\/\//.test(raw) || raw.startsWith('git@')) continue;
        const source = expand(raw, vars);
        if (source.includes('$')) continue;
        let files: string[];
        if (/[*?[]/.test(source)) {
          const re = globRegex(normalizePath(source));
          files = [...p.files.keys()].filter((f) => re.test(f));
          if (files.length === 0) {
            add('dockerfile.copy-source', `line ${ins.line}: ${ins.keyword} ${raw} matches no file of the project`);
            continue;
          }
          files = files.flatMap((f) => filesUnder(p, f));
        } else {
          if (!pathExists(p, source)) {
            add('dockerfile.copy-source', `line ${ins.line}: ${ins.keyword} ${raw}: not in the project`);
            continue;
          }
          files = filesUnder(p, source);
        }
        const kept = files.filter((f) => !isIgnored(ignore, f));
        if (kept.length === 0) {
          const pattern = decidingPattern(ignore, files[0]!);
          add('dockerfile.dockerignore', `line ${ins.line}: ${ins.keyword} ${raw}, but .dockerignore excludes it${pattern ? ` (pattern "${pattern}")` : ''}`);
        }
        // Copying the whole project must not put secrets into the image.
        if (normalizePath(source) === '') {
          for (const secret of ['.env', '.env.prod', '.git/config']) {
            if (!isIgnored(ignore, secret))
              add('dockerfile.dockerignore', `line ${ins.line}: ${ins.keyword} ${raw} would copy ${secret} into the image; .dockerignore must exclude it`);
          }
        }
      }
    }
  }

  // Stages.
  const prod = productionStage(df, p);
  if (!names.includes('dev')) add('dockerfile.stages', 'no stage named dev (compose builds target dev)');
  const targets = buildTargets(p);
  for (const [target, file] of targets) if (!names.includes(target)) add('dockerfile.stages', `${file} builds --target ${target}, which is not a stage`);
  for (const composeFile of ['compose.yaml', 'compose.prod.yaml']) {
    const parsed = yamlOf(p, composeFile);
    if (!parsed?.ok) continue;
    for (const [service, s] of Object.entries<Json>((parsed.value as Json)?.services ?? {})) {
      const target = s?.build?.target;
      if (typeof target === 'string' && !names.includes(target.toLowerCase()))
        add('dockerfile.stages', `${composeFile}: service ${service} builds target ${target}, which is not a stage`);
    }
  }
  if (prod?.name === 'dev') add('dockerfile.stages', 'the production image would be the dev stage: put dev before the runtime stage or build --target');

  if (!prod) return problems;
  const prodIns = effectiveInstructions(df, prod);
  const prodVars = variables(df, prod);
  const prodLabel = prod.name ?? `#${prod.index}`;

  // EXPOSE: every one is the app's port, and the production stage has it.
  const port = p.answers.port;
  for (const stage of df.stages) {
    const vars = variables(df, stage);
    for (const ins of stage.instructions.filter((i) => i.keyword === 'EXPOSE')) {
      for (const word of splitWords(expand(ins.args, vars))) {
        const m = /^(\d+)(?:\/(tcp|udp))?$/.exec(word);
        if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) add('dockerfile.expose', `line ${ins.line}: EXPOSE ${word} is not a port`);
        else if (Number(m[1]) !== port) add('dockerfile.expose', `line ${ins.line}: EXPOSE ${word}, but the app listens on ${port}`);
      }
    }
  }
  const exposed = prodIns.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => splitWords(expand(i.args, prodVars)));
  if (!exposed.some((w) => Number(w.split('/')[0]) === port)) add('dockerfile.expose', `the ${prodLabel} stage does not EXPOSE ${port}`);
  for (const composeFile of ['compose.yaml', 'compose.prod.yaml']) {
    const parsed = yamlOf(p, composeFile);
    if (!parsed?.ok) continue;
    const web = (parsed.value as Json)?.services?.web;
    for (const entry of Array.isArray(web?.ports) ? web.ports : []) {
      const target = typeof entry === 'object' ? Number(entry?.target) : Number(String(entry).split('/')[0]!.split(':').pop());
      if (!exposed.some((w) => Number(w.split('/')[0]) === target))
        add('dockerfile.expose', `${composeFile} publishes web's port ${target}, which the image does not EXPOSE (${exposed.join(' ') || 'nothing'})`);
    }
  }

  // HEALTHCHECK of the production image, and the one compose gives web.
  const installed = (tool: string) =>
    prodIns.some((i) => i.keyword === 'RUN' && new RegExp(`(apt-get|apt|apk)\\b[^;&|]*\\b(install|add)\\b[^;&|]*\\b${tool}\\b`).test(i.args));
  const health = [...prodIns].reverse().find((i) => i.keyword === 'HEALTHCHECK');
  if (!health) add('dockerfile.healthcheck', `the ${prodLabel} stage has no HEALTHCHECK`);
  else {
    const argv = healthcheckArgv(health);
    if (!argv) add('dockerfile.healthcheck', `line ${health.line}: HEALTHCHECK NONE in the ${prodLabel} stage`);
    else for (const m of checkHealthCommand(p, argv, installed)) add('dockerfile.healthcheck', `line ${health.line}: HEALTHCHECK ${m}`);
  }
  for (const composeFile of ['compose.yaml', 'compose.prod.yaml']) {
    const parsed = yamlOf(p, composeFile);
    if (!parsed?.ok) continue;
    const test = (parsed.value as Json)?.services?.web?.healthcheck?.test;
    if (!Array.isArray(test) || !['CMD', 'CMD-SHELL'].includes(test[0])) continue;
    for (const m of checkHealthCommand(p, test.slice(1).map(String), installed)) add('dockerfile.healthcheck', `web healthcheck ${m}`, composeFile);
  }

  // USER: not root, and a fixed UID.
  const users = prodIns.filter((i) => i.keyword === 'USER');
  const user = users[users.length - 1];
  if (!user) add('dockerfile.user', `the ${prodLabel} stage runs as root (no USER)`);
  else {
    const value = expand(user.args.trim(), prodVars);
    const name = value.split(':')[0]!;
    if (/^\d+$/.test(name)) {
      if (Number(name) === 0) add('dockerfile.user', `line ${user.line}: USER ${value} is root`);
      else {
        // A number nobody has: the files the image gives its user (--chown, install -o) would not be its own.
        const uids = prodIns
          .filter((i) => i.keyword === 'RUN')
          .flatMap((i) => [...expand(i.args, prodVars).matchAll(/\buseradd\b[^&;|]*?(?:-u|--uid)[ =](\d+)/g)].map((m) => m[1]));
        if (!uids.includes(name))
          add(
            'dockerfile.user',
            `line ${user.line}: USER ${value}, but no RUN in the ${prodLabel} stage creates a user with UID ${name} (useradd --uid ${name})`,
          );
      }
    } else if (name === 'root') {
      add('dockerfile.user', `line ${user.line}: USER root`);
    } else if (name.includes('$')) {
      add('dockerfile.user', `line ${user.line}: USER ${user.args} uses a variable without a value`);
    } else {
      const created = prodIns
        .filter((i) => i.keyword === 'RUN')
        .flatMap((i) => [i.args, ...i.heredocs].join('\n').split(/&&|\|\||;|\n/))
        .map((cmd) => expand(cmd, prodVars))
        .filter((cmd) => /\b(useradd|adduser)\b/.test(cmd) && new RegExp(`(^|\\s)${name}(\\s|$)`).test(cmd));
      if (created.length === 0) add('dockerfile.user', `line ${user.line}: USER ${name}, but no RUN in the ${prodLabel} stage creates that user`);
      else {
        const uid = created.map((cmd) => /(?:-u|--uid)[ =](\d+)/.exec(cmd)?.[1]).find(Boolean);
        if (!uid)
          add(
            'dockerfile.user',
            `line ${user.line}: user ${name} is created without a fixed UID (useradd --uid N): volume ownership would vary between builds`,
          );
        else if (Number(uid) === 0) add('dockerfile.user', `line ${user.line}: user ${name} has UID 0`);
      }
    }
  }
  return problems;
}

/** A Docker COPY glob (filepath.Match: `*` and `?` do not cross `/`). */
function globRegex(pattern: string): RegExp {
  let re = '^';
  for (const ch of pattern) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[' || ch === ']') re += ch;
    else re += ch.replace(/[.+()|{}$^\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}
