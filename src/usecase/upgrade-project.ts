// `pydocker upgrade`: moves a project to this generator version, keeping every change the person made. The
// base is the project's answers rendered by the version that made it (its own `pydocker new`), "theirs" is the
// same answers rendered now; the person's files are merged three ways (compose files through the YAML
// document, as `add` does). Conflicts fail the run (nothing written) unless the person chose markers or a
// question per file. All writes go through the one writer, .yo-rc.json last; the recorded version moves only
// when everything else is in place.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../answers/errors.js';
import { type MergeResult, mergeRenders, type TextConflict } from '../edit/update.js';
import { plan } from '../plan/plan.js';
import { parseEnvFile } from '../render/env-files.js';
import { type RenderedFile, randomSecret, render } from '../render/render.js';
import { findGenerator, renderWithGenerator } from '../upgrade/base-render.js';
import { releaseNotes } from '../upgrade/changelog.js';
import { migrationsFor } from '../upgrade/migrations.js';
import { compareVersions } from '../upgrade/versions.js';
import { GENERATOR_VERSION } from '../version.js';
import { fileDiff } from '../write/diff.js';
import type { FsOps } from '../write/fs-ops.js';
import { applyWrites, type FileWrite } from '../write/transaction.js';
import { loadProject } from './add-service.js';
import { plannedFile, stateFile } from './commit.js';
import { readStoredState } from './project-folder.js';

export type ConflictMode = 'markers' | 'ask' | 'fail';
export type ConflictChoice = 'yours' | 'generator' | 'markers';

/** The answers to "what about this file?" when --conflict=ask. */
export const CONFLICT_CHOICES: { name: string; value: ConflictChoice }[] = [
  { name: 'keep mine (skip the new version’s change to this file)', value: 'yours' },
  { name: 'take the new version’s file (lose my changes to it)', value: 'generator' },
  { name: 'write both with conflict markers, to resolve by hand', value: 'markers' },
];

export interface UpgradeRequest {
  root: string;
  dryRun: boolean;
  conflict: ConflictMode;
  allowDirty: boolean;
  migratePostgres: boolean;
  baseGenerator?: string;
  log: (line: string) => void;
  warn: (message: string) => void;
  /** How to settle one conflicting file (`--conflict=ask`, in a terminal). */
  ask?: (c: TextConflict) => Promise<ConflictChoice>;
  fs?: FsOps;
}

export interface UpgradeOutcome {
  from: string;
  to: string;
  written: string[];
  removed: string[];
}

/** Refuses a git work tree with uncommitted changes: an upgrade should be one reviewable commit. */
function checkClean(root: string): void {
  const r = spawnSync('git', ['status', '--porcelain', '--untracked-files=normal', '.'], { cwd: root, encoding: 'utf8' });
  if (r.error || r.status !== 0) return; // not a git work tree (or no git): nothing to protect
  const dirty = r.stdout.split('\n').filter(Boolean);
  if (dirty.length === 0) return;
  const shown =
    dirty
      .slice(0, 8)
      .map((l) => `  ${l}`)
      .join('\n') + (dirty.length > 8 ? `\n  … ${dirty.length - 8} more` : '');
  throw new UsageError(
    `the project has uncommitted changes:\n${shown}\nCommit or stash them first, so the upgrade is one change you can review and revert; or pass --allow-dirty.`,
  );
}

/** `.env` keeps every line of the person's; variables the new version adds are appended with their new values. */
function mergeEnv(yours: string | undefined, next: RenderedFile | undefined): RenderedFile | undefined {
  if (!next || yours === undefined) return undefined;
  const have = parseEnvFile(yours);
  const added = Object.entries(parseEnvFile(next.content)).filter(([k]) => !(k in have));
  if (added.length === 0) return undefined;
  const text = `${yours.replace(/\n*$/, '\n')}\n# Added by pydocker upgrade to ${GENERATOR_VERSION}\n${added.map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
  return { ...next, content: text };
}

function conflictReport(conflicts: TextConflict[], compose: MergeResult['composeConflicts']): string {
  return [
    ...conflicts.map((c) => `\n${c.file}: your changes overlap the new version's; its change is:\n${c.hunk}`),
    ...compose.map((c) => `\n${c.file}: ${c.instructions}`),
  ].join('\n');
}

export async function upgradeProject(req: UpgradeRequest): Promise<UpgradeOutcome> {
  const ctx = await loadProject(req.root, req.warn);
  const state = readStoredState(req.root);
  const from = state.generatorVersion;
  const to = GENERATOR_VERSION;
  const order = compareVersions(from, to);
  if (order > 0) {
    throw new UsageError(
      `this project was made by generator-pydocker ${from}, newer than this one (${to}); upgrade the generator instead (npm install -g generator-pydocker@${from})`,
    );
  }
  const migrationOnly = order === 0;
  if (migrationOnly && !(req.migratePostgres && state.hold.postgres)) {
    req.log(`Already at generator-pydocker ${to}; nothing to upgrade.`);
    return { from, to, written: [], removed: [] };
  }
  if (!req.allowDirty && !req.dryRun) checkClean(req.root);

  const preset = ctx.preset;
  const presetPlan = preset ? { name: preset.name, version: preset.version, values: preset.values } : undefined;
  const read = (path: string) => {
    const full = join(req.root, path);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  };
  const existingEnv = parseEnvFile(read('.env') ?? '');
  const overlay = preset?.templatesDir ? { overlay: preset.templatesDir } : {};
  const base = migrationOnly
    ? render(plan(ctx.answers, presetPlan, { hold: state.hold }), { existingEnv, secret: randomSecret, ...overlay })
    : renderWithGenerator(findGenerator(from, req.baseGenerator), from, { ...ctx.answers }, preset?.source);
  const migration = migrationsFor(from, ctx.answers, state.hold, { migratePostgres: req.migratePostgres });
  const next = [...render(plan(ctx.answers, presetPlan, { hold: migration.hold }), { existingEnv, secret: randomSecret, ...overlay }), ...migration.files];

  const notEnv = (f: RenderedFile) => f.path !== '.env';
  const r = mergeRenders(base.filter(notEnv), next.filter(notEnv), read, { label: `pydocker ${to}` });
  const writes = [...r.writes];
  const env = mergeEnv(
    read('.env'),
    next.find((f) => f.path === '.env'),
  );
  if (env) writes.push(env);

  const conflicts = r.conflicts;
  if (conflicts.length + r.composeConflicts.length > 0) {
    const mode = req.conflict === 'ask' && !req.ask ? 'fail' : req.conflict;
    if (mode === 'fail') {
      throw new UsageError(
        `${conflicts.length + r.composeConflicts.length} file(s) have changes of yours where the new version changes them too; nothing was written.` +
          `${conflictReport(conflicts, r.composeConflicts)}\n\n` +
          'Run again with --conflict=markers to get conflict markers in those files (or --conflict=ask in a terminal), or make these changes by hand first.',
      );
    }
    for (const c of conflicts) {
      const choice: ConflictChoice = mode === 'ask' ? await req.ask!(c) : 'markers';
      if (choice === 'generator') writes.push(c.next);
      else if (choice === 'markers') writes.push({ ...c.next, content: c.markers });
    }
  }

  const files: FileWrite[] = [
    ...writes.map(plannedFile),
    ...r.removes.map((path) => ({ path, content: '', mode: 0o644, remove: true })),
    stateFile(req.root, {
      answers: ctx.answers,
      generatorVersion: to,
      version: 2,
      hold: Object.keys(migration.hold).length > 0 ? migration.hold : undefined,
    }),
  ];

  const words = new Map(files.map((f) => [f.path, f.remove ? 'remove' : read(f.path) === undefined ? 'create' : 'update']));
  const word = (f: FileWrite) => words.get(f.path)!;
  if (req.dryRun) {
    for (const f of files) {
      req.log(`${word(f).padStart(9)} ${f.path}`);
      if (!f.remove && f.path !== '.yo-rc.json') req.log(fileDiff(f.path, read(f.path) ?? '', f.content, f.path === '.env'));
    }
  } else {
    await applyWrites(req.root, files, req.fs ? { fs: req.fs } : {});
    for (const f of files) req.log(`${word(f).padStart(9)} ${f.path}`);
  }

  const notes = [
    ...migration.notes,
    ...r.deletedByYou.map((d) => `${d.file}: you deleted it, so it stays deleted (the new version changed it).`),
    ...r.keptDropped.map((p) => `${p}: the new version no longer has it; kept, because you changed it.`),
    ...(req.conflict !== 'fail'
      ? r.composeConflicts.map((c) => `${c.file}: your values were kept where the new version wanted others; ${c.instructions}`)
      : []),
    ...(req.conflict === 'markers' ? conflicts.map((c) => `${c.file}: has conflict markers (<<<<<<< yours … >>>>>>> pydocker ${to}); resolve them.`) : []),
  ];
  for (const n of notes) req.log(`\n${n}`);
  const changes = releaseNotes(from, to);
  if (changes) req.log(`\nWhat changed since ${from}:\n\n${changes}`);
  req.log(req.dryRun ? `\nDry run: nothing was written (upgrade ${from} → ${to}).` : `\nUpgraded from generator-pydocker ${from} to ${to}.`);
  return { from, to, written: req.dryRun ? [] : writes.map((w) => w.path), removed: req.dryRun ? [] : r.removes };
}
