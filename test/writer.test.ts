// The one writer: every write of `new`, a re-run and `add` is failed in turn (ENOSPC, EACCES, EIO), and after
// each failure the tree is byte-for-byte and mode-for-mode what it was; a real full tmpfs does the same.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Answers, defaultsFor } from '../src/answers/options.js';
import { loadProject, planAddition, writeAddition } from '../src/usecase/add-service.js';
import { buildProject, prepareNew, writeProject } from '../src/usecase/new-project.js';
import type { FsOps } from '../src/write/fs-ops.js';
import { realFs } from '../src/write/fs-ops.js';
import { applyWrites } from '../src/write/transaction.js';
import { RollbackError, WriteError } from '../src/write/write-error.js';
import { faultyFs } from './support/faulty-fs.js';
import { renderProject, writeProject as writeRendered } from './support/generate.js';
import { snapshot, treeDiff } from './support/tree.js';

const BIN = fileURLToPath(new URL('../bin/pydocker.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'pydocker-write-'));
const quiet = () => {};

async function rejects(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await fn();
  } catch (err) {
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}
const CODES = ['ENOSPC', 'EACCES', 'EIO'] as const;
const WORDING = { ENOSPC: /no space left/, EACCES: /permission denied: .* is not writable by you; fix its permissions/, EIO: /input\/output error/ };

function project(dir: string, answers: Answers): string {
  writeRendered(dir, renderProject(answers));
  writeFileSync(join(dir, '.yo-rc.json'), `${JSON.stringify({ 'generator-pydocker': { answers, version: 1 } }, null, 2)}\n`);
  return dir;
}

/**
 * Runs `write` with a failure at call 1, 2, 3, … until a run gets through: each failed run must throw a
 * WriteError naming the cause and leave `watched` exactly as it was. Returns how many calls there were.
 */
async function failEveryWrite(watched: string, write: (fs: FsOps) => Promise<unknown>): Promise<number> {
  const before = snapshot(watched);
  for (let n = 1; ; n++) {
    const code = CODES[n % CODES.length]!;
    const faulty = faultyFs(n, code);
    try {
      await write(faulty.fs);
    } catch (err) {
      assert.ok(faulty.fired(), `call ${n}: failed without the injected fault: ${(err as Error).message}`);
      assert.instance(err, WriteError, `call ${n}: ${(err as Error).message}`);
      assert.match((err as Error).message, WORDING[code]);
      assert.match((err as Error).message, /^could not write \S+: .*\nNothing was changed\.$/s);
      assert.equal(treeDiff(before, snapshot(watched)), [], `call ${n} (${code}): the tree changed`);
      continue;
    }
    assert.not.ok(faulty.fired(), `call ${n}: the fault fired but the run reported success`);
    return n - 1;
  }
}

test('new: a failure at any write leaves the parent folder as it was (no folder, no partial file)', async () => {
  const parent = tmp();
  writeFileSync(join(parent, 'keep.txt'), 'mine\n');
  const ctx = await prepareNew({ cwd: parent, dir: 'svc', flags: {}, force: false, warn: quiet });
  const { answers, files } = buildProject(ctx, ctx.resolution.proposed);
  const calls = await failEveryWrite(parent, (fs) => writeProject(ctx, answers, files, { force: false, dryRun: false, log: quiet, fs }));
  assert.ok(calls > files.length * 2, `every file is staged and renamed (${calls} calls for ${files.length} files)`);
  assert.is(statSync(join(parent, 'svc/.env')).mode & 0o777, 0o600);
  assert.is(statSync(join(parent, 'svc/scripts/deploy.sh')).mode & 0o777, 0o755);
});

test('re-run with --force over edited, deleted and loosened files: a failure at any write changes nothing', async () => {
  const dir = project(join(tmp(), 'shop'), defaultsFor('shop'));
  writeFileSync(join(dir, 'Makefile'), 'mine:\n\ttrue\n');
  writeFileSync(join(dir, 'app/main.py'), '# rewritten by hand\n');
  unlinkSync(join(dir, 'README.md'));
  rmSync(join(dir, 'scripts'), { recursive: true });
  chmodSync(join(dir, '.env'), 0o644);
  const ctx = await prepareNew({ cwd: dir, flags: {}, force: true, warn: quiet });
  const { answers, files } = buildProject(ctx, ctx.resolution.proposed);
  await failEveryWrite(dir, (fs) => writeProject(ctx, answers, files, { force: true, dryRun: false, log: quiet, fs }));
  assert.is(readFileSync(join(dir, 'Makefile'), 'utf8').includes('mine:'), false);
  assert.is(statSync(join(dir, '.env')).mode & 0o777, 0o600, 'a loosened .env is made private again');
});

test('add: a failure at any write leaves every file and .yo-rc.json as they were', async () => {
  const dir = project(join(tmp(), 'shop'), { ...defaultsFor('shop'), cache: 'none' });
  writeFileSync(join(dir, 'README.md'), `${readFileSync(join(dir, 'README.md'), 'utf8')}\nOur notes.\n`);
  const ctx = await loadProject(dir, quiet);
  const result = planAddition(ctx, 'redis');
  assert.is(result.status, 'added');
  if (result.status !== 'added') return;
  const calls = await failEveryWrite(dir, (fs) => writeAddition(ctx, result, { dryRun: false, log: quiet, fs }));
  assert.ok(calls >= 10, `${calls} calls`);
  assert.is(JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-pydocker'].answers.cache, 'redis');
  assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /Our notes\./);
});

test('removals: a failure at any step puts a removed file back; success removes it', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'keep.txt'), 'keep\n');
  writeFileSync(join(dir, 'gone.txt'), 'old\n');
  const writes = [
    { path: 'keep.txt', content: 'changed\n', mode: 0o644 },
    { path: 'gone.txt', content: '', mode: 0o644, remove: true },
    { path: 'missing.txt', content: '', mode: 0o644, remove: true },
    { path: 'new/file.txt', content: 'new\n', mode: 0o644 },
  ];
  const calls = await failEveryWrite(dir, (fs) => applyWrites(dir, writes, { fs }));
  assert.ok(calls >= 5, `${calls} calls`);
  assert.not.ok(statSync(join(dir, 'gone.txt'), { throwIfNoEntry: false }));
  assert.is(readFileSync(join(dir, 'keep.txt'), 'utf8'), 'changed\n');
  assert.is(readFileSync(join(dir, 'new/file.txt'), 'utf8'), 'new\n');
});

test('upgrade --migrate-postgres (no old generator needed): a failure at any write leaves the project as it was', async () => {
  const { upgradeProject } = await import('../src/usecase/upgrade-project.js');
  const { GENERATOR_VERSION } = await import('../src/version.js');
  const dir = tmp();
  const answers = defaultsFor('svc');
  writeRendered(dir, renderProject(answers));
  const rc = { 'generator-pydocker': { answers, version: 2, generatorVersion: GENERATOR_VERSION, hold: { postgres: '17' } } };
  writeFileSync(join(dir, '.yo-rc.json'), `${JSON.stringify(rc, null, 2)}\n`);
  const run = (fs: FsOps) =>
    upgradeProject({ root: dir, dryRun: false, conflict: 'fail', allowDirty: true, migratePostgres: true, log: quiet, warn: quiet, fs });
  const calls = await failEveryWrite(dir, run);
  assert.ok(calls >= 5, `${calls} calls`);
  assert.match(readFileSync(join(dir, 'docs/postgres-17-to-18.md'), 'utf8'), /PostgreSQL 17 to 18/);
  assert.is(JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-pydocker'].hold, undefined);
});

test('a rollback that cannot finish says exactly what it left and where the originals are', async () => {
  const dir = project(join(tmp(), 'shop'), defaultsFor('shop'));
  const writes = ['Makefile', 'README.md', 'app/main.py'].map((path) => ({ path, content: 'new\n', mode: 0o644 }));
  let renames = 0;
  const fs: FsOps = {
    ...realFs,
    rename(a, b) {
      renames++;
      if (renames === 3) throw Object.assign(new Error('EIO'), { code: 'EIO', path: a });
      if (renames > 3 && a.endsWith('-old')) throw Object.assign(new Error('EIO'), { code: 'EIO', path: a });
      realFs.rename(a, b);
    },
  };
  try {
    await applyWrites(dir, writes, { fs });
    assert.unreachable();
  } catch (err) {
    assert.instance(err, RollbackError, (err as Error).message);
    assert.match((err as Error).message, /could not write app\/main\.py: input\/output error/);
    assert.match((err as Error).message, /The rollback could not restore everything:\n/);
    assert.match((err as Error).message, /^ {2}- .*\/Makefile: the original is kept at .*\/\.Makefile\.pydocker-\d+-old \(EIO\)$/m);
    assert.match((err as Error).message, /^ {2}- .*\/README\.md: the original is kept at/m);
    assert.match((err as Error).message, /put each original back with `mv`/);
  }
});

test('symlinks: followed inside the project, refused when they leave it (even with --force)', async () => {
  const dir = project(join(tmp(), 'shop'), defaultsFor('shop'));
  const outside = join(tmp(), 'passwd');
  writeFileSync(outside, 'root:x:0:0\n');
  rmSync(join(dir, 'scripts/deploy.sh'));
  symlinkSync(outside, join(dir, 'scripts/deploy.sh'));
  const before = snapshot(dir);
  await rejects(
    () =>
      applyWrites(dir, [
        { path: 'scripts/deploy.sh', content: 'x', mode: 0o755 },
        { path: 'Makefile', content: 'y', mode: 0o644 },
      ]),
    /scripts\/deploy\.sh is a symbolic link to .*passwd, outside the project; pydocker never writes through it/,
  );
  assert.equal(treeDiff(before, snapshot(dir)), []);
  assert.is(readFileSync(outside, 'utf8'), 'root:x:0:0\n');
  // A folder linked out of the project is refused the same way.
  const elsewhere = tmp();
  rmSync(join(dir, 'scripts'), { recursive: true });
  symlinkSync(elsewhere, join(dir, 'scripts'));
  await rejects(() => applyWrites(dir, [{ path: 'scripts/lib.sh', content: 'x', mode: 0o755 }]), /^scripts is a symbolic link to/);
  // A link to another file of the project is written through, and stays a link.
  rmSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs/notes.md'), 'old\n');
  symlinkSync('docs/notes.md', join(dir, 'NOTES.md'));
  await applyWrites(dir, [{ path: 'NOTES.md', content: 'new\n', mode: 0o644 }]);
  assert.is(readFileSync(join(dir, 'docs/notes.md'), 'utf8'), 'new\n');
});

// A real full disk: a small tmpfs. Needs mount rights (root with CAP_SYS_ADMIN, as CI has); else says so.
function withTmpfs(kib: number, fn: (mnt: string) => void): boolean {
  const mnt = tmp();
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', mnt]).status !== 0) {
    console.log(`  (no tmpfs could be mounted here: the real-disk ENOSPC case was not run)`);
    return false;
  }
  try {
    fn(mnt);
  } finally {
    spawnSync('umount', [mnt]);
  }
  return true;
}

const pydocker = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('real full disk: new into tmpfs of several sizes exits 2 naming ENOSPC and leaves it empty', () => {
  for (const kib of [16, 64, 160, 256]) {
    const ran = withTmpfs(kib, (mnt) => {
      const r = pydocker(['new', 'svc', '--yes'], mnt);
      assert.is(r.status, 2, `${kib} KiB: ${r.stderr}`);
      assert.match(r.stderr, /no space left on the device holding .*; free some space and run again \(ENOSPC\)\.\nNothing was changed\./);
      assert.equal(snapshot(mnt), {}, `${kib} KiB: nothing left behind`);
    });
    if (!ran) return;
  }
});

test('real full disk: add on a full tmpfs exits 2 and leaves the project (README included) untouched', () => {
  withTmpfs(1024, (mnt) => {
    const dir = project(join(mnt, 'shop'), { ...defaultsFor('shop'), cache: 'none' });
    const before = snapshot(dir);
    // Fill the disk, leaving a few pages: enough to start the change, not to finish it.
    const free = () => Number(spawnSync('df', ['--output=avail', '-B1', mnt], { encoding: 'utf8' }).stdout.split('\n')[1]);
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(Math.max(0, free() - 3 * 4096)));
    const r = pydocker(['add', 'redis'], dir);
    assert.is(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /ENOSPC/);
    assert.equal(treeDiff(before, snapshot(dir)), []);
  });
});

test('new --yes twice: the second run exits 0, reports every file identical and touches nothing', () => {
  const parent = tmp();
  assert.is(pydocker(['new', 'svc', '--yes'], parent).status, 0);
  const dir = join(parent, 'svc');
  const before = snapshot(dir);
  const mtimes = Object.keys(before)
    .filter((k) => !k.endsWith('/'))
    .map((k) => statSync(join(dir, k)).mtimeMs);
  const again = pydocker(['new', '--yes'], dir);
  assert.is(again.status, 0, again.stderr);
  const lines = again.stdout.split('\n').filter((l) => /^ *(identical|create|chmod|force|skip|update) \S+$/.test(l));
  assert.ok(lines.length === Object.keys(before).filter((k) => !k.endsWith('/')).length, `one line per file (${lines.length})`);
  assert.equal(
    lines.filter((l) => !/^ *identical /.test(l)),
    [],
  );
  assert.equal(treeDiff(before, snapshot(dir)), []);
  assert.equal(
    Object.keys(before)
      .filter((k) => !k.endsWith('/'))
      .map((k) => statSync(join(dir, k)).mtimeMs),
    mtimes,
  );
});

test.run();
