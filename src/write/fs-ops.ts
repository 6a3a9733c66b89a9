// The file-system calls the writer makes, behind one interface so tests can fail any one of them on purpose
// (ENOSPC, EACCES, EIO at the Nth call) and prove the rollback. Production code uses `realFs`.
import * as fs from 'node:fs';

export interface FsOps {
  lstat(path: string): fs.Stats | undefined;
  readFile(path: string): Buffer;
  realpath(path: string): string;
  mkdir(path: string): void;
  rmdir(path: string): void;
  /** Writes a whole new file with `mode` and flushes it to disk. */
  writeFileDurably(path: string, content: string, mode: number): void;
  link(existing: string, alias: string): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  chmod(path: string, mode: number): void;
  /** Flushes a folder's entries (renames) to disk; best effort where the platform cannot. */
  syncDir(path: string): void;
}

export const realFs: FsOps = {
  lstat: (p) => fs.lstatSync(p, { throwIfNoEntry: false }),
  readFile: (p) => fs.readFileSync(p),
  realpath: (p) => fs.realpathSync(p),
  mkdir: (p) => fs.mkdirSync(p),
  rmdir: (p) => fs.rmdirSync(p),
  writeFileDurably(p, content, mode) {
    // `wx`: never follow or reuse whatever sits at the staging path.
    const fd = fs.openSync(p, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, content);
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  link: (a, b) => fs.linkSync(a, b),
  rename: (a, b) => fs.renameSync(a, b),
  unlink: (p) => fs.unlinkSync(p),
  chmod: (p, m) => fs.chmodSync(p, m),
  syncDir(p) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(p, 'r');
      fs.fsyncSync(fd);
    } catch {
      // Some file systems refuse fsync on a folder; the renames are still in place.
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
};
