// The base of an upgrade: the project's answers rendered by the generator version that made it, so the
// person's changes can be told from the generator's. That version's own `pydocker new` renders it, into a
// temporary folder: no reimplementation of old templates, and exactly the files that version wrote.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../answers/errors.js';
import type { RenderedFile } from '../render/render.js';
import { answersFor } from './versions.js';

const PACKAGE = 'generator-pydocker';

function versionAt(dir: string): string | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
  return pkg.name === PACKAGE ? pkg.version : undefined;
}

const howToGet = (version: string) =>
  `Pass --base-generator PATH, a checkout of generator-pydocker ${version} with its dependencies installed and built ` +
  `(e.g. git worktree add ../pydocker-${version} <its commit> && cd ../pydocker-${version} && npm ci && npm run build).`;

/**
 * A runnable generator of `version`: the one given, else one in the cache, else installed into the cache from
 * the npm registry (the only step that needs the network).
 */
export function findGenerator(version: string, given?: string): string {
  if (given) {
    const dir = resolve(given);
    const found = versionAt(dir);
    if (found !== version) {
      throw new UsageError(
        `--base-generator ${given} is ${found ? `generator-pydocker ${found}` : 'not a generator-pydocker checkout'}; this project was made by ${version}. ${howToGet(version)}`,
      );
    }
    if (!existsSync(join(dir, 'dist'))) throw new UsageError(`${given} is not built (no dist/); run \`npm ci && npm run build\` there`);
    return dir;
  }
  const cache = join(process.env.PYDOCKER_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'pydocker'), 'generators', version);
  const installed = join(cache, 'node_modules', PACKAGE);
  if (versionAt(installed) === version) return installed;
  const npm = spawnSync('npm', ['install', '--prefix', cache, '--no-save', '--no-audit', '--no-fund', '--omit=dev', `${PACKAGE}@${version}`], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (npm.status !== 0 || versionAt(installed) !== version) {
    const why = `${npm.stderr ?? ''}${npm.error?.message ?? ''}`.trim().split('\n').slice(-2).join(' ');
    throw new UsageError(
      `generator-pydocker ${version}, which made this project, could not be installed from the npm registry (${why || 'not found'}). ${howToGet(version)}`,
    );
  }
  return installed;
}

/** Every file `pydocker new` of that version writes for these answers (its state file left out). */
export function renderWithGenerator(generator: string, version: string, answers: Record<string, unknown> & { name: string }, preset?: string): RenderedFile[] {
  const work = mkdtempSync(join(tmpdir(), 'pydocker-base-'));
  try {
    const answersFile = join(work, 'answers.json');
    writeFileSync(answersFile, JSON.stringify(answersFor(version, answers)));
    // The folder has the project's name: that version takes the folder's name over the answers file's.
    const target = join(work, answers.name);
    const args = [join(generator, 'bin', 'pydocker.js'), 'new', target, '--answers', answersFile, '--yes', ...(preset ? ['--preset', preset] : [])];
    const r = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } });
    if (r.status !== 0) throw new UsageError(`generator-pydocker ${version} could not render this project's answers: ${(r.stderr || r.stdout).trim()}`);
    return readTree(target).filter((f) => f.path !== '.yo-rc.json');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function readTree(root: string, dir = root): RenderedFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return readTree(root, path);
    const rel = relative(root, path).split('\\').join('/');
    const executable = (statSync(path).mode & 0o111) !== 0;
    return [{ path: rel, content: readFileSync(path, 'utf8'), ...(executable ? { executable: true } : {}), ...(rel === '.env' ? { secret: true } : {}) }];
  });
}
