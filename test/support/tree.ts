// A byte-for-byte, mode-for-mode picture of a folder, to prove a failed or interrupted run changed nothing.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export type Tree = Record<string, string>;

export function snapshot(root: string): Tree {
  const out: Tree = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, path));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[path] = `link ${readlinkSync(join(root, path))}`;
      else if (st.isDirectory()) {
        out[`${path}/`] = `dir ${mode}`;
        walk(path);
      } else out[path] = `file ${mode} ${readFileSync(join(root, path)).toString('base64')}`;
    }
  };
  walk('');
  return out;
}

/** The paths whose entry differs between two pictures (empty when equal). */
export function treeDiff(a: Tree, b: Tree): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}
