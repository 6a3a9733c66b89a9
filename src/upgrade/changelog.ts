// Release notes: CHANGELOG.md (shipped with the package) has a `## x.y.z` section per version; an upgrade
// prints the sections after the project's version, up to the one it moves to.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compareVersions } from './versions.js';

export const CHANGELOG = fileURLToPath(new URL('../../CHANGELOG.md', import.meta.url));

/** The sections of versions newer than `from` and not newer than `to`, newest first, as written. */
export function releaseNotes(from: string, to: string, text = existsSync(CHANGELOG) ? readFileSync(CHANGELOG, 'utf8') : ''): string {
  return text
    .split(/^(?=## )/m)
    .filter((section) => {
      const v = /^## (\d+\.\d+\.\d+)/.exec(section)?.[1];
      return v !== undefined && compareVersions(v, from) > 0 && compareVersions(v, to) <= 0;
    })
    .map((s) => s.trimEnd())
    .join('\n\n');
}
