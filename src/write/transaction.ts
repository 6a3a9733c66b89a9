// The one writer: applies a set of whole-file writes all or nothing.
//   1. stage: every new content is written next to its destination (same file system) and fsync'd;
//   2. swap: each replaced file is kept under a hard link, then the staged file is renamed over it (atomic);
//   3. commit: once every rename succeeded and no signal arrived, the kept copies are removed.
// Any failure or signal before the commit puts every replaced file back, removes what was created (files and
// folders), and reports. The caller orders the writes; state (.yo-rc.json) goes last.
import { basename, dirname, join } from 'node:path';
import { type FsOps, realFs } from './fs-ops.js';
import { interruptGuard } from './interrupt.js';
import { destinationOf, realRoot } from './safe-path.js';
import { InterruptedError, RollbackError, WriteError } from './write-error.js';

export interface FileWrite {
  /** Project-relative path with `/` separators. */
  path: string;
  content: string;
  /** Permission bits: 0o644, 0o755 for scripts, 0o600 for files holding secrets. */
  mode: number;
  /** Remove the file instead (kept under a hard link until the commit, like a replaced one). */
  remove?: boolean;
}

export interface ApplyOptions {
  fs?: FsOps;
}

interface Swapped {
  dest: string;
  /** A hard link to the file the change replaces. */
  kept?: string;
  /** Whether the new file is in place (until then `dest` is still the original). */
  renamed: boolean;
}

const tag = `pydocker-${process.pid}`;
const sidePath = (dest: string, kind: 'new' | 'old') => join(dirname(dest), `.${basename(dest)}.${tag}-${kind}`);

export async function applyWrites(root: string, writes: FileWrite[], options: ApplyOptions = {}): Promise<void> {
  const fs = options.fs ?? realFs;
  const projectRoot = realRoot(root, fs);
  // Every destination is checked before the first write: a refused path leaves nothing behind.
  const targets = writes.map((w) => ({ ...w, dest: destinationOf(projectRoot, w.path, fs) }));
  const createdDirs: string[] = [];
  const staged = new Map<string, string>();
  const swapped: Swapped[] = [];
  const guard = interruptGuard();
  let step = 0;
  let current = '';
  try {
    for (const t of targets) {
      if (t.remove) continue;
      current = t.path;
      ensureDir(dirname(t.dest), fs, createdDirs);
      const temp = sidePath(t.dest, 'new');
      staged.set(t.dest, temp);
      fs.writeFileDurably(temp, t.content, t.mode);
      await guard.check(++step);
    }
    for (const t of targets) {
      current = t.path;
      const entry: Swapped = { dest: t.dest, renamed: false };
      if (fs.lstat(t.dest)) {
        fs.link(t.dest, sidePath(t.dest, 'old'));
        entry.kept = sidePath(t.dest, 'old');
      }
      swapped.push(entry);
      if (t.remove) {
        // Nothing to remove is nothing to undo.
        if (!entry.kept) swapped.pop();
        else fs.unlink(t.dest);
        entry.renamed = true;
        await guard.check(++step);
        continue;
      }
      fs.rename(staged.get(t.dest)!, t.dest);
      entry.renamed = true;
      staged.delete(t.dest);
      await guard.check(++step);
    }
    current = '.';
    for (const dir of new Set(targets.map((t) => dirname(t.dest)))) fs.syncDir(dir);
    await guard.check(++step);
    guard.commit();
  } catch (err) {
    const leftovers = rollback(fs, swapped, staged, createdDirs);
    const first = err instanceof InterruptedError || err instanceof WriteError ? err : WriteError.from(err, current, join(projectRoot, current));
    if (leftovers.length > 0) throw new RollbackError(first, leftovers);
    throw first;
  } finally {
    guard.release();
  }
  for (const s of swapped) {
    if (s.kept) {
      try {
        fs.unlink(s.kept);
      } catch {
        // The change is in place; a leftover copy is harmless and named after this process.
      }
    }
  }
}

function ensureDir(dir: string, fs: FsOps, created: string[]): void {
  const stat = fs.lstat(dir);
  if (stat) return;
  ensureDir(dirname(dir), fs, created);
  fs.mkdir(dir);
  created.push(dir);
}

/** Undoes a partly applied change; returns what it could not undo. */
function rollback(fs: FsOps, swapped: Swapped[], staged: Map<string, string>, createdDirs: string[]): string[] {
  const failed: string[] = [];
  const attempt = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      failed.push(`${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  for (const s of [...swapped].reverse()) {
    // rename() between two links of one file does nothing, so an unswapped original only loses its extra link.
    if (s.kept && !s.renamed) attempt(`${s.kept}: extra link to the unchanged ${s.dest}, could not be removed`, () => fs.unlink(s.kept!));
    else if (s.kept) attempt(`${s.dest}: the original is kept at ${s.kept}`, () => fs.rename(s.kept!, s.dest));
    else if (s.renamed) attempt(`${s.dest}: created, could not be removed`, () => fs.unlink(s.dest));
  }
  for (const temp of staged.values()) {
    if (fs.lstat(temp)) attempt(`${temp}: staging file, could not be removed`, () => fs.unlink(temp));
  }
  for (const dir of [...createdDirs].reverse()) attempt(`${dir}: created folder, could not be removed`, () => fs.rmdir(dir));
  return failed;
}
