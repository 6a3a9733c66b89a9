// The generated CI and update tooling, judged by the real tools: zizmor (offline) finds nothing in the workflow
// (every action pinned by commit, no persisted credentials, no cache in a release workflow), and pre-commit
// accepts the hook configuration. Each is shown rejecting a broken copy. The shell scripts pass the shellcheck
// hook exactly as pre-commit runs it: from the project root, with the arguments the configuration gives.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import { parse } from 'yaml';
import * as assert from 'uvu/assert';
import { type Answers, defaultsFor } from '../../src/answers/options.js';
import { HOOKS } from '../../src/components/pins.js';
import { renderProject, writeProject } from '../support/generate.js';
import { requireTool } from '../support/tools/common.js';

const zizmor = () => requireTool('zizmor', { pip: 'zizmor==1.32.0' });
const preCommit = () => requireTool('pre-commit', { pip: 'pre-commit==4.7.0' });
const hadolint = () => requireTool('hadolint', { pip: HOOKS.hadolint });

function project(overrides: Partial<Answers>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pydocker-supply-')), 'svc');
  writeProject(dir, renderProject({ ...defaultsFor('svc'), ...overrides }));
  return dir;
}
const run = (cmd: string, args: string[], cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

for (const [name, answers] of [
  ['default stack', {}],
  ['django, mysql, no cache, no proxy', { framework: 'django', database: 'mysql', cache: 'none', proxy: 'none' }],
  ['flask with pip, pushing to its own registry', { framework: 'flask', packaging: 'pip', registry: 'registry.acme.test/team/svc' }],
] as const) {
  test(`zizmor --offline: no findings in the CI of the ${name}`, () => {
    const dir = project(answers);
    const r = run(zizmor(), ['--offline', '.github/workflows/ci.yml'], dir);
    assert.is(r.code, 0, r.out);
    assert.match(r.out, /No findings to report/);
  });
}

test('zizmor rejects an action pinned by tag and a checkout that keeps its token', () => {
  const dir = project({});
  const file = join(dir, '.github/workflows/ci.yml');
  const text = readFileSync(file, 'utf8')
    .replace(/uses: actions\/checkout@[0-9a-f]{40} # (v[\d.]+)/, 'uses: actions/checkout@$1')
    .replace(/\n {8}with:\n {10}persist-credentials: false/, '');
  writeFileSync(file, text);
  const r = run(zizmor(), ['--offline', '.github/workflows/ci.yml'], dir);
  assert.is.not(r.code, 0, r.out);
  assert.match(r.out, /unpinned-uses/);
  assert.match(r.out, /artipacked/);
});

test('pre-commit accepts the generated hook configuration, and rejects one without revisions', () => {
  const dir = project({});
  const ok = run(preCommit(), ['validate-config', '.pre-commit-config.yaml'], dir);
  assert.is(ok.code, 0, ok.out);
  const file = join(dir, '.pre-commit-config.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {4}rev: .*\n/gm, ''));
  const broken = run(preCommit(), ['validate-config', '.pre-commit-config.yaml'], dir);
  assert.is.not(broken.code, 0, broken.out);
  assert.match(broken.out, /rev/);
});

interface HookConfig {
  repos: { hooks: { id: string; args?: string[] }[] }[];
}
for (const database of ['postgres', 'mysql', 'sqlite', 'none'] as const) {
  test(`the shellcheck hook passes the scripts of a ${database} project, run from the project root`, () => {
    const dir = project({ database });
    const config = parse(readFileSync(join(dir, '.pre-commit-config.yaml'), 'utf8')) as HookConfig;
    const hook = config.repos.flatMap((r) => r.hooks).find((h) => h.id === 'shellcheck');
    assert.ok(hook, 'the configuration has a shellcheck hook');
    const scripts = readdirSync(join(dir, 'scripts'))
      .filter((f) => f.endsWith('.sh'))
      .map((f) => `scripts/${f}`);
    const r = run(requireTool('shellcheck'), [...(hook.args ?? []), ...scripts], dir);
    assert.is(r.code, 0, r.out);
  });
}

for (const framework of ['fastapi', 'flask', 'django'] as const) {
  for (const packaging of ['uv', 'pip'] as const) {
    test(`hadolint, as the hook runs it from the project root, passes the ${framework} Dockerfile (${packaging})`, () => {
      const dir = project({ framework, database: 'mysql', packaging });
      const r = run(hadolint(), ['Dockerfile'], dir);
      assert.is(r.code, 0, r.out);
    });
  }
}

test('hadolint still fails the generated Dockerfile on a real finding', () => {
  const dir = project({});
  const file = join(dir, 'Dockerfile');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^USER 10001:10001$/m, 'USER 10001:10001\nRUN cd /tmp'));
  const r = run(hadolint(), ['Dockerfile'], dir);
  assert.is.not(r.code, 0, r.out);
  assert.match(r.out, /DL3003/);
});

test.run();
