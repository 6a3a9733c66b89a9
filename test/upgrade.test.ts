// The parts of `pydocker upgrade` that need no older generator: versions, release notes, the migrations, the
// merge's handling of dropped and deleted files, and the recorded state. (Upgrades from the released 0.1.0
// itself run in test/e2e/upgrade.test.ts.)
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import helpers from 'yeoman-test';
import UpgradeGenerator from '../src/generators/upgrade/index.js';
import { render } from '../src/render/render.js';
import { writeProject } from './support/generate.js';
import { defaultsFor } from '../src/answers/options.js';
import { mergeRenders } from '../src/edit/update.js';
import { plan } from '../src/plan/plan.js';
import { releaseNotes } from '../src/upgrade/changelog.js';
import { migrationsFor } from '../src/upgrade/migrations.js';
import { answersFor, compareVersions } from '../src/upgrade/versions.js';
import { readStoredState } from '../src/usecase/project-folder.js';
import { projectState } from '../src/usecase/new-project.js';
import { GENERATOR_VERSION } from '../src/version.js';

test('versions compare numerically; an older generator gets only the answers it knew', () => {
  assert.is(compareVersions('0.10.0', '0.9.9'), 1);
  assert.is(compareVersions('0.2.0', '0.2.0'), 0);
  assert.is(compareVersions('0.1.0', '0.2.0'), -1);
  const a = { ...defaultsFor('x') } as Record<string, unknown>;
  assert.not.ok('packaging' in answersFor('0.1.0', a));
  assert.is(answersFor('0.2.0', a).packaging, 'uv');
});

const CHANGELOG = '# Changelog\n\n## 0.3.0 (x)\n\n- three\n\n## 0.2.0 (y)\n\n- two\n\n## 0.1.0 (z)\n\n- one\n';

test('release notes: the sections after the project version, up to the target, newest first', () => {
  assert.is(releaseNotes('0.1.0', '0.3.0', CHANGELOG), '## 0.3.0 (x)\n\n- three\n\n## 0.2.0 (y)\n\n- two');
  assert.is(releaseNotes('0.2.0', '0.2.0', CHANGELOG), '');
  assert.match(
    releaseNotes('0.1.0', GENERATOR_VERSION),
    new RegExp(`^## ${GENERATOR_VERSION.replace(/\./g, '\\.')} `),
    'the shipped CHANGELOG has this version',
  );
});

test('postgres from 0.1.0: kept at 17 unless migrating; the held line changes image and data path', () => {
  const a = defaultsFor('svc');
  const keep = migrationsFor('0.1.0', a, {}, { migratePostgres: false });
  assert.equal(keep.hold, { postgres: '17' });
  assert.match(keep.notes.join(), /PostgreSQL stays at 17/);
  const held = plan(a, undefined, { hold: keep.hold }).compose.prod.services.db as { image: string; volumes: string[] };
  assert.match(held.image, /^postgres:17\./);
  assert.equal(held.volumes, ['postgres-data:/var/lib/postgresql/data']);
  const fresh = plan(a).compose.prod.services.db as { image: string; volumes: string[] };
  assert.match(fresh.image, /^postgres:18\./);
  assert.equal(fresh.volumes, ['postgres-data:/var/lib/postgresql']);
  const move = migrationsFor('0.1.0', a, {}, { migratePostgres: true });
  assert.equal(move.hold, {});
  assert.equal(
    move.files.map((f) => f.path),
    ['docs/postgres-17-to-18.md'],
  );
  // Already on 18, or without PostgreSQL: nothing to keep or move.
  assert.equal(migrationsFor(GENERATOR_VERSION, a, {}, { migratePostgres: false }), { hold: {}, notes: [], files: [] });
  assert.equal(migrationsFor('0.1.0', { ...a, database: 'mysql' }, {}, { migratePostgres: false }).hold, {});
  assert.throws(() => plan(a, undefined, { hold: { postgres: '16' } }), /postgres has no line 16 to keep/);
});

test('merge: a file the new version drops is removed when unchanged, kept when changed; a deleted file stays deleted', () => {
  const base = [
    { path: 'a.txt', content: 'a\n' },
    { path: 'b.txt', content: 'b\n' },
    { path: 'c.txt', content: 'c1\n' },
  ];
  const next = [{ path: 'c.txt', content: 'c2\n' }];
  const yours: Record<string, string> = { 'a.txt': 'a\n', 'b.txt': 'b, edited\n' };
  const r = mergeRenders(base, next, (p) => yours[p]);
  assert.equal(r.removes, ['a.txt']);
  assert.equal(r.keptDropped, ['b.txt']);
  assert.equal(
    r.deletedByYou.map((d) => d.file),
    ['c.txt'],
  );
  assert.equal(r.writes, []);
});

test('merge: overlapping edits give a conflict with markers and the hunk; separate edits merge', () => {
  const base = [{ path: 'f.txt', content: 'one\ntwo\nthree\nfour\nfive\nsix\n' }];
  const next = [{ path: 'f.txt', content: 'one\nTWO\nthree\nfour\nfive\nsix\n' }];
  const apart = mergeRenders(base, next, () => 'one\ntwo\nthree\nfour\nfive\nsix, mine\n');
  assert.equal(
    apart.writes.map((w) => w.content),
    ['one\nTWO\nthree\nfour\nfive\nsix, mine\n'],
  );
  const clash = mergeRenders(base, next, () => 'one\ntwo, mine\nthree\nfour\nfive\nsix\n', { label: 'pydocker 9.0.0' });
  assert.is(clash.conflicts.length, 1);
  assert.match(clash.conflicts[0]!.markers, /^<<<<<<< yours\ntwo, mine\n=======\nTWO\n>>>>>>> pydocker 9\.0\.0$/m);
  assert.match(clash.conflicts[0]!.hunk, /^-two\n\+TWO$/m);
});

test('state: new projects record the generator version; older ones read as 0.1.0; a bad record is refused', () => {
  assert.is(projectState(defaultsFor('x'), undefined).generatorVersion, GENERATOR_VERSION);
  const dir = mkdtempSync(join(tmpdir(), 'pydocker-state-'));
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-pydocker': { answers: {}, version: 1 } }));
  assert.equal(readStoredState(dir), { generatorVersion: '0.1.0', hold: {} });
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-pydocker': { generatorVersion: 'latest' } }));
  assert.throws(() => readStoredState(dir), /generatorVersion" must be a version like 0\.2\.0/);
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-pydocker': { hold: { postgres: 17 } } }));
  assert.throws(() => readStoredState(dir), /\.hold" must map component ids to the line they keep/);
});

/** A current project that kept PostgreSQL 17 (as an upgrade from 0.1.0 leaves it). */
function heldProject(prefix: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), `pydocker-${prefix}-`)), 'svc');
  const answers = defaultsFor('svc');
  writeProject(dir, render(plan(answers, undefined, { hold: { postgres: '17' } }), { secret: () => 's' }));
  const state = { answers, version: 2, generatorVersion: GENERATOR_VERSION, hold: { postgres: '17' } };
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-pydocker': state }));
  return dir;
}

const YO_UPGRADE = {
  namespace: 'pydocker:upgrade',
  resolved: fileURLToPath(new URL('../src/generators/upgrade/index.ts', import.meta.url)),
  autoCleanup: false,
};

const yoUpgrade = (dir: string, opts: Record<string, unknown>) =>
  helpers
    .run<UpgradeGenerator>(UpgradeGenerator as never, YO_UPGRADE)
    .cd(dir)
    .withOptions({ interactive: false, allowDirty: true, ...opts } as never);

test('yo pydocker:upgrade moves a project held at PostgreSQL 17 to 18 when asked, and says when there is nothing to do', async () => {
  const dir = heldProject('yo-upgrade');
  const idle = await yoUpgrade(dir, {});
  assert.ok(idle.generator, 'ran');
  assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /image: postgres:17\./);
  await yoUpgrade(dir, { migratePostgres: true });
  assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /image: postgres:18\./);
  assert.ok(readFileSync(join(dir, 'docs/postgres-17-to-18.md'), 'utf8'));
});

test('--conflict=ask: each conflicting file is a question (keep mine, take theirs, markers)', async () => {
  for (const [choice, expect] of [
    ['yours', /image: postgres:17\.11-alpine # ours/],
    ['generator', /image: postgres:18\.\d+-alpine\n/],
    ['markers', /<<<<<<< yours\n.*# ours\n=======\n.*postgres:18[\s\S]*>>>>>>> pydocker /],
  ] as const) {
    const dir = heldProject('ask');
    // The CI service image is the line the move to 18 changes; the person commented it.
    const ci = join(dir, '.github/workflows/ci.yml');
    writeFileSync(ci, readFileSync(ci, 'utf8').replace(/(image: postgres:17\.11-alpine)/, '$1 # ours'));
    await yoUpgrade(dir, { interactive: true, migratePostgres: true }).withAnswers({ choice });
    assert.match(readFileSync(ci, 'utf8'), expect, choice);
  }
});

test.run();
