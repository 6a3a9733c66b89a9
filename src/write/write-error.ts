// What a failed write says: the file, the cause in words, the fix, and that nothing was changed.
import { dirname } from 'node:path';

const CAUSES: Record<string, (dir: string) => string> = {
  ENOSPC: (dir) => `no space left on the device holding ${dir}; free some space and run again`,
  EDQUOT: (dir) => `your disk quota is used up on ${dir}; free some space and run again`,
  EACCES: (dir) => `permission denied: ${dir} is not writable by you; fix its permissions (e.g. \`chmod u+w ${dir}\`) or choose another folder`,
  EPERM: (dir) => `operation not permitted in ${dir}; fix its permissions or attributes (e.g. \`chmod u+w ${dir}\`) or choose another folder`,
  EROFS: (dir) => `${dir} is on a read-only file system; choose a writable folder`,
  EIO: (dir) => `input/output error on the device holding ${dir}; check the disk (dmesg) and run again`,
  ENOTDIR: (dir) => `a file stands where the folder ${dir} should be; move it away and run again`,
  EISDIR: () => 'a folder stands where the project needs a file; move it away and run again',
  EMFILE: () => 'too many open files; raise the limit (`ulimit -n`) and run again',
};

export class WriteError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    cause: string,
  ) {
    super(`could not write ${file}: ${cause}`);
    this.name = 'WriteError';
  }

  static from(err: unknown, file: string, absolute: string): WriteError {
    const { code, path } = err as NodeJS.ErrnoException;
    const explain = code ? CAUSES[code] : undefined;
    // The folder that refused is the one holding the path the failing call named (a new folder's parent).
    const cause = explain ? `${explain(dirname(path ?? absolute))} (${code})` : (err as Error).message;
    return new WriteError(file, code, `${cause}.\nNothing was changed.`);
  }
}

/** The exit code a shell reports for a process ended by `signal`. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal]!;
}

/** A signal arrived while writing; the change was rolled back. Exit code as a shell reports the signal. */
export class InterruptedError extends Error {
  readonly exitCode: number;
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}; nothing was changed`);
    this.name = 'InterruptedError';
    this.exitCode = signalExitCode(signal);
  }
}

/** The rollback itself failed: say exactly what could not be put back, and where the old copies are. */
export class RollbackError extends Error {
  readonly exitCode = 1;
  constructor(first: Error, leftovers: string[]) {
    super(
      `${first.message.replace(/\nNothing was changed\.$/, '')}\nThe rollback could not restore everything:\n  - ${leftovers.join('\n  - ')}\n` +
        'Fix the cause, then put each original back with `mv` (kept copy → file) or remove what was created.',
    );
    this.name = 'RollbackError';
  }
}
