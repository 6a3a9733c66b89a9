// The last step of every command that writes (new, re-run, add): compare the planned files with the disk,
// settle conflicts (flag, question, or refusal), show or apply the change through the one transactional
// writer, state (.yo-rc.json) last. The bin and the Yeoman generators both end here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../answers/errors.js';
import type { RenderedFile } from '../render/render.js';
import { type AssessedFile, assessFiles, type PlannedFile } from '../write/assess.js';
import { fileDiff } from '../write/diff.js';
import type { FsOps } from '../write/fs-ops.js';
import { applyWrites } from '../write/transaction.js';
import { CONFIG_KEY } from './project-folder.js';

export interface CommitOptions {
  /** Overwrite files that differ from the planned content. */
  force: boolean;
  /** The changed files are merges that keep the person's edits (`add`): written without asking, shown as edits. */
  merged?: boolean;
  /** Show what would change; write nothing (not even the folder). */
  dryRun: boolean;
  /** Asks about each changed file (a terminal is there); returns the paths to overwrite. */
  decide?: (conflicts: AssessedFile[]) => Promise<Set<string>>;
  log: (line: string) => void;
  fs?: FsOps;
}

export interface CommitResult {
  written: string[];
  skipped: string[];
}

export function plannedFile(f: RenderedFile): PlannedFile {
  return { path: f.path, content: f.content, mode: f.secret ? 0o600 : f.executable ? 0o755 : 0o644, ...(f.secret ? { secret: true } : {}) };
}

/** `.yo-rc.json` with our entry updated by `patch`, keeping every other key the file holds. */
export function stateFile(root: string, patch: Record<string, unknown>): PlannedFile {
  const path = join(root, '.yo-rc.json');
  const rc = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>) : {};
  rc[CONFIG_KEY] = { ...rc[CONFIG_KEY], ...patch };
  return { path: '.yo-rc.json', content: `${JSON.stringify(rc, null, 2)}\n`, mode: 0o644 };
}

export class ConflictError extends UsageError {
  constructor(readonly files: string[]) {
    super(
      `${files.length} file(s) differ from what the generator writes, and there is no terminal to ask:\n` +
        files.map((f) => `  - ${f}`).join('\n') +
        '\nNothing was written. Run it again in a terminal to decide file by file, add --dry-run to see the ' +
        'differences, or add --force to overwrite them (your changes to those files are lost).',
    );
    this.name = 'ConflictError';
  }
}

type Word = 'create' | 'identical' | 'chmod' | 'conflict' | 'force' | 'skip' | 'update' | 'edit';
const WORD: Record<AssessedFile['status'], Word> = { create: 'create', identical: 'identical', mode: 'chmod', conflict: 'conflict' };
const line = (word: Word, path: string) => `${word.padStart(9)} ${path}`;
const stateWord = (s: AssessedFile['status']): Word => (s === 'conflict' ? 'update' : WORD[s]);

export async function commitFiles(root: string, files: PlannedFile[], state: PlannedFile, options: CommitOptions): Promise<CommitResult> {
  const assessed = assessFiles(root, [...files, state], options.fs);
  const stateEntry = assessed.pop()!;
  const conflicts = assessed.filter((f) => f.status === 'conflict');

  if (options.dryRun) {
    for (const f of assessed) {
      options.log(line(f.status === 'conflict' && options.merged ? 'edit' : WORD[f.status], f.path));
      if (f.status === 'conflict') options.log(fileDiff(f.path, f.current!, f.content, f.secret));
    }
    options.log(line(stateWord(stateEntry.status), state.path));
    return { written: [], skipped: [] };
  }

  let overwrite = new Set(conflicts.map((c) => c.path));
  if (conflicts.length > 0 && !options.force && !options.merged) {
    if (!options.decide) throw new ConflictError(conflicts.map((c) => c.path));
    overwrite = await options.decide(conflicts);
  }
  const writes = assessed.filter((f) => f.status === 'create' || f.status === 'mode' || overwrite.has(f.path));
  const skipped = conflicts.filter((c) => !overwrite.has(c.path)).map((c) => c.path);
  if (stateEntry.status !== 'identical') writes.push(stateEntry);
  await applyWrites(root, writes, options.fs ? { fs: options.fs } : {});

  const written = new Set(writes.map((w) => w.path));
  const changedWord: Word = options.merged ? 'edit' : 'force';
  for (const f of assessed) options.log(line(f.status !== 'conflict' ? WORD[f.status] : written.has(f.path) ? changedWord : 'skip', f.path));
  options.log(line(stateWord(stateEntry.status), state.path));
  return { written: writes.map((w) => w.path), skipped };
}
