// Independent security scanners on a spread of generated projects (every framework, every database server, each
// packaging, each proxy), over the files a first commit would hold (what .gitignore keeps out, like the
// generated .env, is not part of the project anyone publishes):
//   checkov   dockerfile, github_actions and secrets (every file, not only the known kinds)
//   bandit    the app's Python (tests excluded: pytest's asserts are the point there)
//   gixy      the nginx configs, loaded inside the official image's nginx.conf
// Each reports nothing, or an exception written next to the line with its reason. Each is shown failing on a
// broken copy. (hadolint, zizmor and shellcheck: supply-chain.test.ts; checkov's Kubernetes checks:
// src/components/kubernetes/kubernetes.e2e.ts.)
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Answers, defaultsFor } from '../../src/answers/options.js';
import { renderProject, writeProject } from '../support/generate.js';
import { OFFICIAL_NGINX_CONF } from '../support/tools/index.js';
import { requireTool } from '../support/tools/common.js';

const CHECKOV = { pip: 'checkov==3.3.30' };
const BANDIT = { pip: 'bandit==1.9.4' };
const GIXY = { pip: 'gixy-ng==0.2.59' };

const ROWS: Array<[string, Partial<Answers>]> = [
  ['default stack', {}],
  [
    'flask, mysql, memcached, pip, every observability option, rabbitmq with a worker',
    {
      framework: 'flask',
      database: 'mysql',
      cache: 'memcached',
      packaging: 'pip',
      observability: ['prometheus', 'grafana', 'otel', 'sentry'],
      extras: ['rabbitmq', 'worker'],
      broker: 'rabbitmq',
    },
  ],
  [
    'django, mariadb, valkey, rabbitmq with a worker, adminer',
    {
      framework: 'django',
      database: 'mariadb',
      cache: 'valkey',
      observability: ['prometheus', 'otel'],
      extras: ['rabbitmq', 'worker', 'adminer'],
      broker: 'rabbitmq',
    },
  ],
  ['fastapi, sqlite, caddy, pip', { framework: 'fastapi', database: 'sqlite', cache: 'none', proxy: 'caddy', packaging: 'pip' }],
  ['django, postgres, redis, traefik', { framework: 'django', database: 'postgres', cache: 'redis', proxy: 'traefik', observability: ['sentry'] }],
];

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.replace(/^WARNING: Location 'file:.*\n/gm, '') };
}

/** The generated project, and a copy holding only what `git add -A` would take. */
function project(answers: Partial<Answers>): { dir: string; committed: string } {
  const root = mkdtempSync(join(tmpdir(), 'pydocker-scan-'));
  const dir = join(root, 'svc');
  writeProject(dir, renderProject({ ...defaultsFor('svc'), ...answers }));
  const git = spawnSync('git', ['init', '-q'], { cwd: dir, encoding: 'utf8' });
  assert.is(git.status, 0, git.stderr);
  const files = spawnSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: dir, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  assert.ok(!files.includes('.env'), 'the generated .env would be committed');
  const committed = join(root, 'committed');
  for (const f of files) {
    mkdirSync(dirname(join(committed, f)), { recursive: true });
    copyFileSync(join(dir, f), join(committed, f));
  }
  return { dir, committed };
}

function checkov(dir: string) {
  return run(
    requireTool('checkov', CHECKOV),
    ['-d', '.', '--framework', 'dockerfile', 'github_actions', 'secrets', '--enable-secret-scan-all-files', '--compact', '--quiet', '--skip-download'],
    dir,
  );
}

function bandit(dir: string) {
  return run(requireTool('bandit', BANDIT), ['-r', '.', '-x', './tests', '-q'], dir);
}

function gixy(dir: string): Array<{ file: string; code: number | null; out: string }> {
  const out: Array<{ file: string; code: number | null; out: string }> = [];
  for (const name of ['prod.conf', 'dev.conf']) {
    const conf = join(dir, 'nginx', name);
    if (!existsSync(conf)) continue;
    const main = join(dir, `nginx-main-${name}`);
    writeFileSync(
      main,
      OFFICIAL_NGINX_CONF.replace('include /etc/nginx/conf.d/*.conf;', `include ${conf};`).replace('include       /etc/nginx/mime.types;\n', ''),
    );
    // worker_rlimit_nofile_vs_connections judges the official image's own nginx.conf (its events block), which the
    // project does not ship: compose mounts only the server configs into conf.d.
    const r = run(requireTool('gixy', GIXY), ['--skips', 'worker_rlimit_nofile_vs_connections', main], dir);
    out.push({ file: `nginx/${name}`, ...r });
  }
  return out;
}

for (const [name, answers] of ROWS) {
  test(`checkov (dockerfile, github_actions, secrets in every file), bandit and gixy: nothing found in the ${name}`, () => {
    const { committed } = project(answers);
    const c = checkov(committed);
    assert.is(c.code, 0, c.out);
    assert.match(c.out, /dockerfile scan results/);
    assert.match(c.out, /github_actions scan results/);
    assert.not.match(c.out, /Failed checks: [1-9]/, c.out);
    const b = bandit(committed);
    assert.is(b.code, 0, b.out);
    assert.not.match(b.out, />> Issue/);
    for (const g of gixy(committed)) {
      assert.is(g.code, 0, `${g.file}: ${g.out}`);
      assert.match(g.out, /No issues found/, `${g.file}: ${g.out}`);
    }
  });
}

test('checkov fails a Dockerfile without USER, a workflow with write-all and a committed key', () => {
  const { committed } = project({});
  const df = join(committed, 'Dockerfile');
  writeFileSync(df, readFileSync(df, 'utf8').replace(/^USER .*$/gm, ''));
  const wf = join(committed, '.github/workflows/ci.yml');
  writeFileSync(wf, readFileSync(wf, 'utf8').replace(/^permissions:[\s\S]*?\n(?=\S)/m, 'permissions: write-all\n'));
  appendFileSync(join(committed, 'app', 'config.py'), '\nAWS_KEY = "AKIAIOSFODNN7EXAMPLE"\n');
  const r = checkov(committed);
  assert.is.not(r.code, 0, r.out);
  assert.match(r.out, /CKV_DOCKER_3/);
  assert.match(r.out, /CKV2?_GHA_\d+/);
  assert.match(r.out, /CKV_SECRET_2/);
});

test('bandit fails app code that runs a shell command built from input', () => {
  const { committed } = project({});
  appendFileSync(join(committed, 'app', 'config.py'), '\nimport subprocess\n\n\ndef run(cmd: str) -> None:\n    subprocess.call(cmd, shell=True)\n');
  const r = bandit(committed);
  assert.is.not(r.code, 0, r.out);
  assert.match(r.out, /B602/);
});

test('gixy fails an nginx config with an alias open to path traversal', () => {
  const { committed } = project({});
  const conf = join(committed, 'nginx', 'prod.conf');
  writeFileSync(conf, readFileSync(conf, 'utf8').replace(/location \/ \{/, 'location /files {\n        alias /var/www/files/;\n    }\n\n    location / {'));
  const r = gixy(committed).find((g) => g.file === 'nginx/prod.conf')!;
  assert.is.not(r.code, 0, r.out);
  assert.match(r.out, /alias_traversal/);
});

test.run();
