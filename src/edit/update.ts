// Moves an existing project from one plan to another (e.g. after `add redis`) without losing the user's work.
// Both plans are rendered in memory; each file then goes the way that keeps the user's edits:
//   compose files: the model difference is applied through yaml's Document API (compose-merge.ts);
//   other text files: three-way merge (the old render is the common ancestor, the user's file is "ours");
//   new files are created; a file the user deleted stays deleted.
// Where a merge cannot place a change, the exact hunk is reported for the user to apply by hand.
import { randomBytes } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import { merge } from 'node-diff3';
import type { StackPlan } from '../plan/types.js';
import { COMPOSE_STRINGIFY } from '../render/compose-file.js';
import { parseEnvFile } from '../render/env-files.js';
import { render, type RenderedFile } from '../render/render.js';
import { applyComposeChange, type ComposeConflict, parseCompose } from './compose-merge.js';

export interface ManualStep {
  file: string;
  /** What to do, with the exact lines (a unified diff or the YAML values). */
  instructions: string;
}

export interface ProjectUpdate {
  /** Files to create or change, with their full new content. */
  writes: RenderedFile[];
  manual: ManualStep[];
}

const COMPOSE = { 'compose.yaml': 'dev', 'compose.prod.yaml': 'prod' } as const;

function lines(text: string): string[] {
  return text.split('\n');
}

function describeComposeConflicts(file: string, conflicts: ComposeConflict[]): string {
  return conflicts
    .map((c) =>
      c.yours === undefined
        ? `- ${c.path} is missing in ${file} (renamed or removed?); it should become:\n${indent(JSON.stringify(c.wanted, null, 2))}`
        : c.wanted === undefined
          ? `- ${c.path}: you have ${JSON.stringify(c.yours)}; the new service needs it removed`
          : `- ${c.path}: you have ${JSON.stringify(c.yours)}; the new service needs ${JSON.stringify(c.wanted)}`,
    )
    .join('\n');
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}

export function updateProject(
  before: StackPlan,
  after: StackPlan,
  read: (path: string) => string | undefined,
  options: { overlay?: string } = {},
): ProjectUpdate {
  // One secret per variable for this update, shared by both renders, so only new variables differ.
  const secrets = new Map<string, string>();
  const secret = (name: string) => {
    if (!secrets.has(name)) secrets.set(name, randomBytes(24).toString('hex'));
    return secrets.get(name)!;
  };
  const existingEnv = parseEnvFile(read('.env') ?? '');
  const renderOptions = { overlay: options.overlay, secret, existingEnv };
  const old = new Map(render(before, renderOptions).map((f) => [f.path, f]));
  const writes: RenderedFile[] = [];
  const manual: ManualStep[] = [];

  for (const file of render(after, renderOptions)) {
    const base = old.get(file.path);
    const yours = read(file.path);
    if (base?.content === file.content) continue; // unchanged by this update
    if (yours === undefined) {
      // A new file is created; one the user deleted is left deleted.
      if (base === undefined) writes.push(file);
      else
        manual.push({
          file: file.path,
          instructions: `you deleted ${file.path}; the change would have edited it:\n${patch(file.path, base.content, file.content)}`,
        });
      continue;
    }
    if (yours === file.content) continue;

    const mode = COMPOSE[file.path as keyof typeof COMPOSE];
    if (mode) {
      const doc = parseCompose(file.path, yours);
      const conflicts = applyComposeChange(doc, { ...before.compose[mode] }, { ...after.compose[mode] });
      const content = doc.toString(COMPOSE_STRINGIFY);
      if (content !== yours) writes.push({ path: file.path, content });
      if (conflicts.length > 0) manual.push({ file: file.path, instructions: `keep or change by hand:\n${describeComposeConflicts(file.path, conflicts)}` });
      continue;
    }

    const result = merge(lines(yours), lines(base?.content ?? ''), lines(file.content));
    if (result.conflict) {
      manual.push({
        file: file.path,
        instructions: `your changes to ${file.path} overlap the place the change goes; apply this by hand:\n${patch(file.path, base?.content ?? '', file.content)}`,
      });
      continue;
    }
    const content = result.result.join('\n');
    if (content !== yours) writes.push({ ...file, content });
  }
  return { writes, manual };
}

function patch(path: string, from: string, to: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, from, to, '', '', { context: 3 })
    .split('\n')
    .slice(2) // the header lines repeat what the message says
    .join('\n');
}
