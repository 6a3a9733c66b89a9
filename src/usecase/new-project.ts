// `new` (and a re-run inside a project), shared by the Yeoman generator and the bin: where the project goes,
// what is stored there, the preset, the answers file, the files to write, and writing them (commit.ts).
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UsageError } from '../answers/errors.js';
import { type Answers, type AnswerKey, OPTIONS } from '../answers/options.js';
import { type Resolution, finalizeAnswers, resolveAnswers } from '../answers/resolve.js';
import { unresolved } from '../lock/uv-lock.js';
import { plan } from '../plan/plan.js';
import { GENERATOR_VERSION } from '../version.js';
import type { StackPlan } from '../plan/types.js';
import { readAnswersFile } from '../preset/answers-file.js';
import type { Preset } from '../preset/load.js';
import { parseEnvFile } from '../render/env-files.js';
import { render, type RenderedFile } from '../render/render.js';
import { type CommitOptions, type CommitResult, commitFiles, plannedFile, stateFile } from './commit.js';
import { presetFor } from './preset-for.js';
import { checkTargetFolder, readStoredAnswers, readStoredPreset, readStoredState } from './project-folder.js';

export interface NewRequest {
  /** The folder the command runs in. */
  cwd: string;
  /** The positional folder, if given. */
  dir?: string;
  /** Raw flag values keyed by flag name (as parsed from the command line or given to the generator). */
  flags: Record<string, unknown>;
  preset?: string;
  answersFile?: string;
  force: boolean;
  /** Skip the non-empty-folder check (nothing will be written). */
  readOnly?: boolean;
  warn(message: string): void;
}

export interface NewContext {
  target: string;
  force: boolean;
  stored?: Record<string, unknown>;
  /** Lines the existing project keeps (see StoredState). */
  hold?: Record<string, string>;
  preset?: Preset;
  resolution: Resolution;
}

export async function prepareNew(req: NewRequest): Promise<NewContext> {
  if (req.dir !== undefined && req.dir.trim() === '') {
    throw new UsageError('the folder name is empty; give a folder (e.g. `pydocker new my-service`), or leave it out to generate into the current folder');
  }
  const target = req.dir ? resolve(req.cwd, req.dir) : req.cwd;
  const stored = readStoredAnswers(target);
  if (!req.readOnly) checkTargetFolder(target, stored !== undefined, req.force);
  const preset = await presetFor(req.preset, stored ? readStoredPreset(target) : undefined, req.cwd, req.warn);

  const flags: Record<string, unknown> = {};
  for (const o of OPTIONS) {
    const v = req.flags[o.flag];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isNaN(v))) flags[o.key] = v;
  }
  // The positional folder names the project, unless --name says otherwise or the project already has one.
  if (req.dir && flags.name === undefined && stored?.name === undefined) flags.name = basename(target);

  const resolution = resolveAnswers({
    folderName: basename(target),
    flags,
    ...(stored ? { stored } : {}),
    ...(req.answersFile ? { answersFile: readAnswersFile(req.answersFile, req.cwd) } : {}),
    ...(preset
      ? {
          preset: {
            name: preset.name,
            defaults: preset.defaults,
            locked: preset.locked,
            ...(preset.values.registry ? { registryPrefix: preset.values.registry } : {}),
          },
        }
      : {}),
  });
  const hold = stored ? readStoredState(target).hold : {};
  return { target, force: req.force, ...(stored ? { stored } : {}), ...(Object.keys(hold).length ? { hold } : {}), ...(preset ? { preset } : {}), resolution };
}

/** Final answers to the files of the project (secrets already in its .env are kept). */
export function buildProject(ctx: NewContext, answers: Answers): { answers: Answers; files: RenderedFile[]; notes: string[] } {
  const final = finalizeAnswers(answers);
  const envPath = resolve(ctx.target, '.env');
  const existingEnv = existsSync(envPath) ? parseEnvFile(readFileSync(envPath, 'utf8')) : {};
  const p = ctx.preset;
  const stackPlan = plan(final, p ? { name: p.name, version: p.version, values: p.values } : undefined, { hold: ctx.hold ?? {} });
  const files = render(stackPlan, { existingEnv, ...(p?.templatesDir ? { overlay: p.templatesDir } : {}) });
  return { answers: final, files, notes: lockNotes(stackPlan) };
}

/** What the person must do before the first build: lock what the generator could not lock offline. */
export function lockNotes(p: StackPlan): string[] {
  const pending = unresolved([...p.requirements, ...p.devRequirements]);
  if (pending.length === 0) return [];
  return [
    `Not locked yet: ${pending.join(', ')} (from the preset) ${pending.length === 1 ? 'is' : 'are'} outside the resolution this generator ships, ` +
      'so the lock leaves them out and builds refuse to start until you run `make lock` (it needs the network) and commit the result.',
  ];
}

/** Writes the project (re-runs compare with what is there), `.yo-rc.json` last. */
export function writeProject(ctx: NewContext, answers: Answers, files: RenderedFile[], options: CommitOptions): Promise<CommitResult> {
  return commitFiles(ctx.target, files.map(plannedFile), stateFile(ctx.target, projectState(answers, ctx.preset)), options);
}

/** What .yo-rc.json stores for the project, under the generator's key. */
export function projectState(answers: Answers, preset: Preset | undefined): Record<string, unknown> {
  return {
    answers,
    ...(preset ? { preset: { name: preset.name, version: preset.version, source: preset.source } } : {}),
    generatorVersion: GENERATOR_VERSION,
    version: 2,
  };
}

export function missingAnswersError(missing: AnswerKey[]): UsageError {
  return new UsageError(
    `no terminal to ask in, and these answers are missing: ${missing.map((k) => `--${OPTIONS.find((o) => o.key === k)?.flag ?? k}`).join(', ')}.\n` +
      'Give them as flags or in --answers FILE, or pass --yes to take the defaults (see --help).',
  );
}

export function doneMessage(a: Answers, notes: string[] = []): string {
  return (
    notes.map((n) => `\n${n}`).join('') +
    `\n${a.name} is ready (${a.framework}, ${a.database} database, ${a.cache} cache, ${a.proxy} proxy).\n` +
    'Next: cd into it and run `docker compose up --watch`; README.md explains dev, tests, deploy and rollback.'
  );
}
