// Moves an existing project from one plan to another (e.g. after `add redis`) without losing the user's work.
// Both plans are rendered in memory; each file then goes the way that keeps the user's edits:
//   compose files: the model difference is applied through yaml's Document API (compose-merge.ts);
//   other text files: three-way merge (the old render is the common ancestor, the user's file is "ours");
//   new files are created; a file the user deleted stays deleted.
// Where a merge cannot place a change, the exact hunk is reported for the user to apply by hand.
import { randomBytes } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import { merge } from 'node-diff3';
import { parse } from 'yaml';
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

/** A text file whose edits and the generator's change overlap. */
export interface TextConflict {
  file: string;
  /** The generator's change, as a unified diff of its two renders. */
  hunk: string;
  /** The person's file with the overlapping places in conflict markers (theirs first, the generator's after). */
  markers: string;
  /** The generator's new render of the file. */
  next: RenderedFile;
}

export interface MergeResult {
  writes: RenderedFile[];
  /** Compose values the person changed where the generator's change goes (the rest of the change is applied). */
  composeConflicts: ManualStep[];
  conflicts: TextConflict[];
  /** Files the person deleted that the change would have edited: they stay deleted. */
  deletedByYou: ManualStep[];
  /** Files the new render no longer has, unchanged by the person: to remove. */
  removes: string[];
  /** Files the new render no longer has, changed by the person: kept. */
  keptDropped: string[];
}

type ComposeModels = Partial<Record<'dev' | 'prod', { before: Record<string, unknown>; after: Record<string, unknown> }>>;

/**
 * Moves the person's files from one render (`base`) to another (`next`), keeping their edits: compose files
 * through the YAML document (models from `compose`, or parsed from the two renders), other files three ways.
 */
export function mergeRenders(
  base: RenderedFile[],
  next: RenderedFile[],
  read: (path: string) => string | undefined,
  options: { compose?: ComposeModels; label?: string } = {},
): MergeResult {
  const old = new Map(base.map((f) => [f.path, f]));
  const result: MergeResult = { writes: [], composeConflicts: [], conflicts: [], deletedByYou: [], removes: [], keptDropped: [] };
  const nextPaths = new Set(next.map((f) => f.path));
  for (const f of base) {
    if (nextPaths.has(f.path)) continue;
    const yours = read(f.path);
    if (yours === undefined) continue;
    if (yours === f.content) result.removes.push(f.path);
    else result.keptDropped.push(f.path);
  }

  for (const file of next) {
    const was = old.get(file.path);
    const yours = read(file.path);
    if (was?.content === file.content) continue; // unchanged by this move
    if (yours === undefined) {
      // A new file is created; one the person deleted is left deleted.
      if (was === undefined) result.writes.push(file);
      else
        result.deletedByYou.push({
          file: file.path,
          instructions: `you deleted ${file.path}; the change would have edited it:\n${patch(file.path, was.content, file.content)}`,
        });
      continue;
    }
    if (yours === file.content) continue;

    const mode = COMPOSE[file.path as keyof typeof COMPOSE];
    if (mode && was) {
      const models = options.compose?.[mode] ?? {
        before: parse(was.content) as Record<string, unknown>,
        after: parse(file.content) as Record<string, unknown>,
      };
      const doc = parseCompose(file.path, yours);
      const conflicts = applyComposeChange(doc, { ...models.before }, { ...models.after });
      const content = doc.toString(COMPOSE_STRINGIFY);
      if (content !== yours) result.writes.push({ path: file.path, content });
      if (conflicts.length > 0)
        result.composeConflicts.push({ file: file.path, instructions: `keep or change by hand:\n${describeComposeConflicts(file.path, conflicts)}` });
      continue;
    }

    const merged = merge(lines(yours), lines(was?.content ?? ''), lines(file.content), {
      // Labels are in node-diff3's merge, not in its types.
      label: { a: 'yours', b: options.label ?? 'generator' },
    } as unknown as Parameters<typeof merge>[3]);
    if (merged.conflict) {
      result.conflicts.push({ file: file.path, hunk: patch(file.path, was?.content ?? '', file.content), markers: merged.result.join('\n'), next: file });
      continue;
    }
    const content = merged.result.join('\n');
    if (content !== yours) result.writes.push({ ...file, content });
  }
  return result;
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
  const compose = {
    dev: { before: { ...before.compose.dev }, after: { ...after.compose.dev } },
    prod: { before: { ...before.compose.prod }, after: { ...after.compose.prod } },
  };
  const r = mergeRenders(render(before, renderOptions), render(after, renderOptions), read, { compose });
  const overlapping = r.conflicts.map((c) => ({
    file: c.file,
    instructions: `your changes to ${c.file} overlap the place the change goes; apply this by hand:\n${c.hunk}`,
  }));
  return { writes: r.writes, manual: [...r.deletedByYou, ...r.composeConflicts, ...overlapping] };
}

export function patch(path: string, from: string, to: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, from, to, '', '', { context: 3 })
    .split('\n')
    .slice(2) // the header lines repeat what the message says
    .join('\n');
}
