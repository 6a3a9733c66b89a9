// Where a project file really goes, refusing any path that would leave the project folder through a
// symbolic link (a link to /etc/passwd in the project must never be written through, even with --force).
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../answers/errors.js';
import type { FsOps } from './fs-ops.js';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real folder of `root`, also when `root` (or part of it) does not exist yet. */
export function realRoot(root: string, fs: FsOps): string {
  const missing: string[] = [];
  let at = resolve(root);
  for (;;) {
    if (fs.lstat(at)) return join(fs.realpath(at), ...missing.reverse());
    const parent = resolve(at, '..');
    if (parent === at) return join(at, ...missing.reverse());
    missing.push(at.slice(parent.length).replace(/^[/\\]/, ''));
    at = parent;
  }
}

/**
 * The absolute path to write `rel` (a project-relative path) to: links inside the project are followed, so the
 * file they point at is written and the link kept; a link that leaves the project is refused, naming it.
 */
export function destinationOf(projectRoot: string, rel: string, fs: FsOps): string {
  if (isAbsolute(rel) || rel.split(/[/\\]/).includes('..')) throw new Error(`internal: project path ${rel} is not relative`);
  let at = projectRoot;
  const parts = rel.split('/');
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    const stat = fs.lstat(at);
    if (!stat) return join(at, ...parts.slice(i + 1)); // the rest is created
    if (!stat.isSymbolicLink()) continue;
    const shown = parts.slice(0, i + 1).join('/');
    let target: string;
    try {
      target = fs.realpath(at);
    } catch {
      throw new UsageError(
        `${shown} is a symbolic link to something that does not exist; remove the link or make it point inside the project, then run again. Nothing was changed.`,
      );
    }
    if (!inside(projectRoot, target)) {
      throw new UsageError(
        `${shown} is a symbolic link to ${target}, outside the project; pydocker never writes through it. ` +
          'Replace the link with a real file or folder (or remove it), then run again. Nothing was changed.',
      );
    }
    at = target;
  }
  return at;
}
