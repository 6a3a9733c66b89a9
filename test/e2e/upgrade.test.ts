// pydocker upgrade from the released 0.1.0 (built from this repository's history): projects made by it, with
// the edits people make, move to this version with every edit kept and the new version's changes applied, and
// pass the same tier-1 checks as a fresh project. Every refusal and conflict path, and an interrupted upgrade.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDocument } from 'yaml';
import { GENERATOR_VERSION } from '../../src/version.js';
import { oldGenerator } from '../support/old-generator.js';
import { snapshot, treeDiff } from '../support/tree.js';
import type { Answers } from '../../src/answers/options.js';
import { formatProblem, verifyProject } from '../verify/index.js';
import { projectFrom } from '../verify/project.js';

const BIN = fileURLToPath(new URL('../../bin/pydocker.js', import.meta.url));
const OLD = '0.1.0';
const old = () => oldGenerator(OLD);

function git(dir: string, ...args: string[]) {
  const r = spawnSync('git', ['-c', 'user.email=dev@example.test', '-c', 'user.name=Dev', ...args], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

/** A project made by 0.1.0 with these flags, committed to git. */
function madeByOld(flags: string[]): string {
  const parent = mkdtempSync(join(tmpdir(), 'pydocker-upgrade-'));
  const r = spawnSync(process.execPath, [join(old(), 'bin', 'pydocker.js'), 'new', 'svc', '--yes', ...flags], { cwd: parent, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const dir = join(parent, 'svc');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', `made by ${OLD}`);
  return dir;
}

function upgrade(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'upgrade', '--base-generator', old(), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const state = (dir: string) => (JSON.parse(read(dir, '.yo-rc.json')) as Record<string, Record<string, unknown>>)['generator-pydocker']!;

/** The edits people make: a module and a route of their own, a compose value, an extra service, notes, a deleted script. */
function typicalEdits(dir: string): void {
  writeFileSync(join(dir, 'app', 'reports.py'), '"""Reports of our own."""\n\n\ndef monthly() -> list[str]:\n    return []\n');
  const compose = parseDocument(read(dir, 'compose.yaml'));
  compose.setIn(['services', 'web', 'environment', 'FEATURE_REPORTS'], '1');
  compose.setIn(['services', 'mail'], { image: 'axllent/mailpit:v1.27', ports: ['127.0.0.1:8025:8025'] });
  compose.commentBefore = ' Our team runs a local mail catcher too.';
  writeFileSync(join(dir, 'compose.yaml'), compose.toString());
  writeFileSync(join(dir, 'README.md'), `${read(dir, 'README.md')}\n## Team notes\n\nOn-call: #svc-oncall.\n`);
  writeFileSync(join(dir, '.gitignore'), `${read(dir, '.gitignore')}/local-notes/\n`);
  unlinkSync(join(dir, 'scripts', 'rollback.sh'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'our edits');
}

/** Tier-1 problems of the project on disk (the person's own mail service is theirs to judge). */
function tierOne(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== '.yo-rc.json' && !join(e.parentPath, e.name).includes(`${dir}/.git/`))
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path: path.slice(dir.length + 1), content: readFileSync(path, 'utf8'), executable: (statSync(path).mode & 0o111) !== 0 };
    });
  const answers = state(dir).answers as Answers;
  return verifyProject(projectFrom(answers, files))
    .filter((p) => !/\bmail\b/.test(p.message))
    .map(formatProblem);
}

const COMBOS: [string, string[]][] = [
  ['default stack', []],
  [
    'flask, mysql, memcached, caddy, worker',
    ['--framework', 'flask', '--database', 'mysql', '--cache', 'memcached', '--proxy', 'caddy', '--extras', 'rabbitmq,worker'],
  ],
  ['django, sqlite, no cache, no proxy', ['--framework', 'django', '--database', 'sqlite', '--cache', 'none', '--proxy', 'none', '--observability', 'none']],
  ['fastapi, mariadb, redis, no proxy, otel + sentry', ['--database', 'mariadb', '--proxy', 'none', '--observability', 'otel,sentry']],
];

for (const [name, flags] of COMBOS) {
  test(`${name}: made by ${OLD} and edited, upgraded with every edit kept and the new version's changes applied`, () => {
    const dir = madeByOld(flags);
    typicalEdits(dir);
    const r = upgrade(dir);
    assert.is(r.code, 0, r.out);
    // Edits kept.
    assert.ok(existsSync(join(dir, 'app', 'reports.py')));
    const compose = parseDocument(read(dir, 'compose.yaml'));
    assert.is(compose.getIn(['services', 'web', 'environment', 'FEATURE_REPORTS']), '1');
    assert.is(compose.getIn(['services', 'mail', 'image']), 'axllent/mailpit:v1.27');
    assert.match(read(dir, 'compose.yaml'), /# Our team runs a local mail catcher too\./);
    assert.match(read(dir, 'README.md'), /## Team notes\n\nOn-call: #svc-oncall\.\n$/);
    assert.match(read(dir, '.gitignore'), /^\/local-notes\/$/m);
    assert.not.ok(existsSync(join(dir, 'scripts', 'rollback.sh')), 'a deleted file stays deleted');
    // The new version's changes: hashed pip locks (0.1.0 projects keep pip), current images, pinned CI, new files.
    assert.match(read(dir, 'requirements.txt'), /--hash=sha256:[0-9a-f]{64}/);
    assert.match(read(dir, 'Dockerfile'), /pip install --cache-dir=\/root\/\.cache\/pip --require-hashes --no-deps -r requirements\.txt/);
    assert.match(read(dir, '.github/workflows/ci.yml'), /actions\/checkout@[0-9a-f]{40} # v7/);
    assert.ok(existsSync(join(dir, '.pre-commit-config.yaml')) && existsSync(join(dir, 'renovate.json')));
    assert.is(state(dir).generatorVersion, GENERATOR_VERSION);
    assert.is((state(dir).answers as Record<string, unknown>).packaging, 'pip');
    assert.match(r.out, new RegExp(`## ${GENERATOR_VERSION.replace(/\./g, '\\.')} `), 'release notes printed');
    assert.equal(tierOne(dir), []);
  });
}

test('an unedited project upgrades to exactly what this version generates for its answers', () => {
  const dir = madeByOld(['--database', 'mysql']);
  assert.is(upgrade(dir).code, 0);
  const fresh = join(mkdtempSync(join(tmpdir(), 'pydocker-fresh-')), 'svc');
  const answers = state(dir).answers as Record<string, unknown>;
  writeFileSync(`${fresh}.json`, JSON.stringify(answers));
  const r = spawnSync(process.execPath, [BIN, 'new', fresh, '--answers', `${fresh}.json`, '--yes'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const differ = treeDiff(snapshot(dir), snapshot(fresh)).filter((p) => !p.startsWith('.git/') && p !== '.env' && p !== '.yo-rc.json');
  const diffs = differ.map((p) => spawnSync('diff', ['-u', join(fresh, p), join(dir, p)], { encoding: 'utf8' }).stdout).join('\n');
  assert.equal(differ, [], diffs);
});

test('postgres: 17 is kept (with its data path) unless --migrate-postgres, which writes the dump-and-restore steps', () => {
  const dir = madeByOld([]);
  const r = upgrade(dir);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /PostgreSQL stays at 17/);
  for (const f of ['compose.yaml', 'compose.prod.yaml']) {
    assert.match(read(dir, f), /image: postgres:17\.\d+-alpine/);
    assert.match(read(dir, f), /postgres-data:\/var\/lib\/postgresql\/data$/m);
  }
  assert.equal(state(dir).hold, { postgres: '17' });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'upgraded');
  // A later `add` keeps 17 too.
  const added = spawnSync(process.execPath, [BIN, 'add', 'adminer'], { cwd: dir, encoding: 'utf8' });
  assert.is(added.status, 0, added.stderr);
  assert.match(read(dir, 'compose.yaml'), /image: postgres:17\./);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'adminer');
  const m = upgrade(dir, '--migrate-postgres');
  assert.is(m.code, 0, m.out);
  assert.match(read(dir, 'compose.yaml'), /image: postgres:18\.\d+-alpine/);
  assert.match(read(dir, 'compose.yaml'), /postgres-data:\/var\/lib\/postgresql$/m);
  assert.match(read(dir, 'docs/postgres-17-to-18.md'), /scripts\/backup\.sh[\s\S]*docker volume rm[\s\S]*scripts\/restore\.sh/);
  assert.is(state(dir).hold, undefined);
  assert.match(m.out, /follow docs\/postgres-17-to-18\.md/);
});

test('overlapping edits: without a terminal the upgrade fails listing each hunk and writes nothing; --conflict=markers writes markers', () => {
  const dir = madeByOld([]);
  // The line the new version rewrites (its install command), edited by the person.
  writeFileSync(
    join(dir, 'Dockerfile'),
    read(dir, 'Dockerfile').replace(
      'pip install --cache-dir=/root/.cache/pip -r requirements.txt',
      'pip install --cache-dir=/root/.cache/pip --no-compile -r requirements.txt',
    ),
  );
  git(dir, 'commit', '-qam', 'faster installs');
  const before = snapshot(dir);
  const r = upgrade(dir);
  assert.is(r.code, 2, r.out);
  assert.match(
    r.out,
    /Dockerfile: your changes overlap the new version's; its change is:\n[\s\S]*- {4}pip install --cache-dir=\/root\/\.cache\/pip -r requirements\.txt/,
  );
  assert.match(r.out, /nothing was written/);
  assert.equal(snapshot(dir), before);
  const m = upgrade(dir, '--conflict=markers');
  assert.is(m.code, 0, m.out);
  assert.match(read(dir, 'Dockerfile'), /^<<<<<<< yours\n[\s\S]*--no-compile[\s\S]*^=======\n[\s\S]*--require-hashes[\s\S]*^>>>>>>> pydocker /m);
  assert.match(m.out, /Dockerfile: has conflict markers/);
});

test('refusals: uncommitted changes (unless --allow-dirty), --conflict=ask without a terminal, a bad --conflict, a wrong base generator', () => {
  const dir = madeByOld(['--cache', 'none']);
  writeFileSync(join(dir, 'notes.txt'), 'wip\n');
  const before = snapshot(dir);
  const dirty = upgrade(dir);
  assert.is(dirty.code, 2);
  assert.match(dirty.out, /uncommitted changes:\n {2}\?\? notes\.txt\nCommit or stash them first[\s\S]*--allow-dirty/);
  assert.equal(snapshot(dir), before);
  const ask = upgrade(dir, '--allow-dirty', '--conflict=ask');
  assert.is(ask.code, 2);
  assert.match(ask.out, /--conflict=ask needs a terminal/);
  const bad = upgrade(dir, '--allow-dirty', '--conflict=theirs');
  assert.is(bad.code, 2);
  assert.match(bad.out, /--conflict: unknown value "theirs"; valid values: fail, markers, ask/);
  const wrong = spawnSync(process.execPath, [BIN, 'upgrade', '--allow-dirty', '--base-generator', tmpdir()], { cwd: dir, encoding: 'utf8' });
  assert.is(wrong.status, 2);
  assert.match(wrong.stderr, /is not a generator-pydocker checkout; this project was made by 0\.1\.0\. Pass --base-generator PATH/);
  assert.equal(snapshot(dir), before);
  assert.is(upgrade(dir, '--allow-dirty').code, 0);
});

test('--dry-run shows the diffs and writes nothing; a current project has nothing to upgrade; a newer one is refused', () => {
  const dir = madeByOld(['--proxy', 'caddy']);
  const before = snapshot(dir);
  const dry = upgrade(dir, '--dry-run');
  assert.is(dry.code, 0, dry.out);
  assert.match(dry.out, /update Dockerfile\n=+\n--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n/);
  assert.match(dry.out, /Dry run: nothing was written \(upgrade 0\.1\.0 → /);
  assert.equal(snapshot(dir), before);
  assert.is(upgrade(dir).code, 0);
  const again = upgrade(dir);
  assert.is(again.code, 0);
  assert.match(again.out, /Already at generator-pydocker [\d.]+; nothing to upgrade/);
  const rc = JSON.parse(read(dir, '.yo-rc.json'));
  rc['generator-pydocker'].generatorVersion = '9.9.9';
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify(rc));
  git(dir, 'commit', '-qam', 'from the future');
  const newer = upgrade(dir);
  assert.is(newer.code, 2);
  assert.match(newer.out, /made by generator-pydocker 9\.9\.9, newer than this one/);
});

test('an upgrade interrupted while writing leaves the project as it was', async () => {
  const dir = madeByOld(['--database', 'sqlite']);
  const before = snapshot(dir);
  const child = spawn(process.execPath, [BIN, 'upgrade', '--base-generator', old()], {
    cwd: dir,
    env: { ...process.env, CI: 'true', PYDOCKER_WRITE_PAUSE_AT: '9' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let sent = false;
  child.stderr.on('data', (d) => {
    err += d;
    if (!sent && /paused at write step 9\n/.test(err)) sent = child.kill('SIGTERM');
  });
  const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  assert.is(code, 143, err);
  assert.equal(snapshot(dir), before);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
