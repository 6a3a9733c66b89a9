// `add`, shared by the Yeoman generator and the bin: load the project, decide every edit, then write them.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../answers/errors.js';
import type { Answers } from '../answers/options.js';
import { finalizeAnswers, resolveAnswers } from '../answers/resolve.js';
import { AnswerError } from '../answers/validate.js';
import { addKind } from '../edit/add-kind.js';
import { ComposeParseError } from '../edit/compose-merge.js';
import { type ProjectUpdate, updateProject } from '../edit/update.js';
import { plan } from '../plan/plan.js';
import type { Preset } from '../preset/load.js';
import { type CommitOptions, commitFiles, plannedFile, stateFile } from './commit.js';
import { presetFor } from './preset-for.js';
import { readStoredAnswers, readStoredPreset, readStoredState } from './project-folder.js';

export interface AddContext {
  root: string;
  answers: Answers;
  /** Lines the project keeps (see StoredState). */
  hold: Record<string, string>;
  preset?: Preset;
}

export async function loadProject(root: string, warn: (m: string) => void): Promise<AddContext> {
  const stored = readStoredAnswers(root);
  if (stored === undefined) {
    throw new UsageError(
      `${root} is not a pydocker project (no .yo-rc.json with generator-pydocker answers). Run this inside a project made by \`pydocker new\`.`,
    );
  }
  let answers: Answers;
  try {
    const { proposed, missing } = resolveAnswers({ folderName: basename(root), stored });
    if (missing.length > 0) throw new UsageError(`.yo-rc.json lacks the answers ${missing.join(', ')}; run \`pydocker new\` in this folder to complete them`);
    answers = finalizeAnswers(proposed);
  } catch (err) {
    if (err instanceof AnswerError) throw new UsageError(`.yo-rc.json holds answers that are not valid: ${err.message}`);
    throw err;
  }
  // The project's preset keeps applying: its values, locks and template overlay.
  const preset = await presetFor(undefined, readStoredPreset(root), root, warn);
  return { root, answers, hold: readStoredState(root).hold, ...(preset ? { preset } : {}) };
}

export type AddPlan = { status: 'present'; message: string } | { status: 'added'; next: Answers; update: ProjectUpdate };

export function planAddition(ctx: AddContext, kind: string, options: { broker?: string } = {}): AddPlan {
  const addition = addKind(ctx.answers, kind, options);
  if (addition.status === 'present') return addition;
  const p = ctx.preset;
  if (p) {
    const changed = Object.keys(p.locked).filter(
      (k) => JSON.stringify(addition.answers[k as keyof Answers]) !== JSON.stringify(ctx.answers[k as keyof Answers]),
    );
    if (changed.length > 0) throw new UsageError(`preset "${p.name}" locks ${changed.join(', ')}; ${kind} cannot be added to this project`);
  }
  const read = (path: string) => {
    const full = join(ctx.root, path);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  };
  try {
    const presetPlan = p ? { name: p.name, version: p.version, values: p.values } : undefined;
    const options = { hold: ctx.hold };
    const update = updateProject(
      plan(ctx.answers, presetPlan, options),
      plan(addition.answers, presetPlan, options),
      read,
      p?.templatesDir ? { overlay: p.templatesDir } : {},
    );
    return { status: 'added', next: addition.answers, update };
  } catch (err) {
    if (err instanceof ComposeParseError) throw new UsageError(err.message);
    throw err;
  }
}

export function manualStepsError(update: ProjectUpdate): UsageError | undefined {
  if (update.manual.length === 0) return undefined;
  const steps = update.manual.map((m) => `\n${m.file}: ${m.instructions}`).join('\n');
  return new UsageError(`some changes could not be placed automatically; make them by hand:${steps}`);
}

/** Writes the decided edits (merges that keep the person's changes) all or nothing, `.yo-rc.json` last. */
export function writeAddition(ctx: AddContext, result: Extract<AddPlan, { status: 'added' }>, options: Omit<CommitOptions, 'force' | 'merged'>) {
  const files = result.update.writes.map(plannedFile);
  return commitFiles(ctx.root, files, stateFile(ctx.root, { answers: result.next }), { ...options, force: false, merged: true });
}

export function addedMessage(kind: string, count: number, dryRun: boolean): string {
  return dryRun ? `Dry run, nothing written: adding ${kind} would create or edit ${count} file(s).` : `Added ${kind}: ${count} file(s) created or edited.`;
}
