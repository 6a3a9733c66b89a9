// Released generator versions, built from this repository's own history: the base an upgrade merges against.
// Each is exported from git (`git archive` of its commit), installed (`npm ci`, which builds it) and kept under
// .tmp/generators/<version>, so a second run reuses it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The commit each release was made from (0.1.0: the first landing). */
export const RELEASES: Record<string, string> = { '0.1.0': '805734e295b9111c0f5ab0841d86c024559c9367' };

function run(cmd: string, args: string[], cwd: string, timeout = 600_000): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
}

export function oldGenerator(version: string): string {
  const commit = RELEASES[version];
  if (!commit) throw new Error(`no commit recorded for generator-pydocker ${version}`);
  const dir = join(REPO, '.tmp', 'generators', version);
  if (existsSync(join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['archive', '--format=tar', commit], { cwd: REPO, maxBuffer: 1 << 30 });
  if (archive.status !== 0) {
    throw new Error(`git archive ${commit} failed (is this a full clone? \`git fetch --unshallow\`): ${archive.stderr.toString()}`);
  }
  const tar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
  // npm ci runs `prepare`, which builds dist/.
  run('npm', ['ci', '--no-audit', '--no-fund'], dir);
  if (!existsSync(join(dir, 'dist'))) run('npm', ['run', 'build'], dir);
  writeFileSync(join(dir, '.complete'), new Date().toISOString());
  return dir;
}
