// The writer's file-system calls, with one failure injected at the Nth call that changes the disk: how a
// full disk (ENOSPC), a permission problem (EACCES) or a failing device (EIO) looks to the writer.
import { realFs, type FsOps } from '../../src/write/fs-ops.js';

export interface FaultyFs {
  fs: FsOps;
  /** Calls that change the disk so far. */
  calls(): number;
  /** Whether the injected failure happened. */
  fired(): boolean;
}

function fault(code: string, call: string, path: string): NodeJS.ErrnoException {
  const err = new Error(`${code}: injected failure, ${call} '${path}'`) as NodeJS.ErrnoException;
  err.code = code;
  err.path = path;
  return err;
}

/** `failAt` 0 never fails (counts only). Rollback and clean-up calls (unlink, rmdir) are never failed. */
export function faultyFs(failAt = 0, code = 'ENOSPC'): FaultyFs {
  let n = 0;
  let fired = false;
  const hit = () => {
    n++;
    if (n === failAt) fired = true;
    return n === failAt;
  };
  const fs: FsOps = {
    ...realFs,
    mkdir(p) {
      if (hit()) throw fault(code, 'mkdir', p);
      realFs.mkdir(p);
    },
    writeFileDurably(p, content, mode) {
      if (hit()) {
        // A real ENOSPC/EIO leaves part of the file behind: so does this.
        realFs.writeFileDurably(p, content.slice(0, content.length >> 1), mode);
        throw fault(code, 'write', p);
      }
      realFs.writeFileDurably(p, content, mode);
    },
    link(a, b) {
      if (hit()) throw fault(code, 'link', b);
      realFs.link(a, b);
    },
    rename(a, b) {
      if (hit()) throw fault(code, 'rename', a);
      realFs.rename(a, b);
    },
  };
  return { fs, calls: () => n, fired: () => fired };
}
