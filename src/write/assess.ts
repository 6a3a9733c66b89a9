// How each planned file relates to what is on disk, before anything is written: new, identical, or changed
// (a conflict unless the person agrees). Identity is content plus the permission bits we set.
import { UsageError } from '../answers/errors.js';
import { type FsOps, realFs } from './fs-ops.js';
import { destinationOf, realRoot } from './safe-path.js';
import type { FileWrite } from './transaction.js';

export interface PlannedFile extends FileWrite {
  /** Holds generated secrets: created 0600, values masked in every diff shown. */
  secret?: boolean;
}

export type FileStatus = 'create' | 'identical' | 'conflict' | 'mode';

export interface AssessedFile extends PlannedFile {
  status: FileStatus;
  /** What the file holds now (for diffs), when it exists. */
  current?: string;
}

export function assessFiles(root: string, files: PlannedFile[], fs: FsOps = realFs): AssessedFile[] {
  const projectRoot = realRoot(root, fs);
  return files.map((f) => {
    const stat = fs.lstat(destinationOf(projectRoot, f.path, fs));
    if (!stat) return { ...f, status: 'create' };
    if (!stat.isFile()) {
      throw new UsageError(`${f.path} exists but is not a regular file (the project needs a file there); move it away and run again. Nothing was changed.`);
    }
    const current = fs.readFile(destinationOf(projectRoot, f.path, fs)).toString('utf8');
    if (current !== f.content) return { ...f, status: 'conflict', current };
    // Same content: only the permission bits may need setting (e.g. a `.env` an older version left 0644).
    return { ...f, status: (stat.mode & 0o777) === f.mode ? 'identical' : 'mode', current };
  });
}
