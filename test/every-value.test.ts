// Every value of every option, through both entry points (the Yeoman generator via yeoman-test, and the bin),
// asserted on the files they write: compose services, health checks, dependencies, ports, Dockerfile stages,
// USER and HEALTHCHECK, proxy upstream, and every variable used is defined (the tier-1 validators).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import helpers from 'yeoman-test';
import { type Answers, OPTIONS } from '../src/answers/options.js';
import AppGenerator from '../src/generators/app/index.js';
import { formatProblem, verifyProject } from './verify/index.js';
import { projectFrom } from './verify/project.js';

const BIN = fileURLToPath(new URL('../bin/pydocker.js', import.meta.url));
const settings = { namespace: 'pydocker:app', resolved: fileURLToPath(new URL('../src/generators/app/index.ts', import.meta.url)), autoCleanup: false };

/** Flags that make one value valid on its own (grafana needs prometheus, a worker a broker, Adminer a server). */
function flagsFor(key: string, value: string): Record<string, string> {
  const flags: Record<string, string> = { [key]: value };
  if (key === 'observability' && value === 'grafana') flags.observability = 'prometheus,grafana';
  if (key === 'extras' && value === 'worker') flags.extras = 'worker';
  if (key === 'broker' && value === 'rabbitmq') flags.extras = 'rabbitmq,worker';
  if (key === 'broker' && value === 'redis') flags.extras = 'worker';
  if (key === 'port') flags.port = value;
  return flags;
}

const CASES: Array<[string, string]> = OPTIONS.flatMap((o) => {
  if ('choices' in o) return [...o.choices.map((c) => [o.flag, c] as [string, string]), ...(o.kind === 'multi' ? [[o.flag, 'none'] as [string, string]] : [])];
  return [[o.flag, { name: 'billing-api', description: 'Bills "customers" & $things', port: '9100', registry: 'ghcr.io/acme/billing-api' }[o.flag]!]];
});

function readTree(dir: string): Map<string, { content: string; executable: boolean }> {
  const out = new Map<string, { content: string; executable: boolean }>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(relative(dir, p), { content: readFileSync(p, 'utf8'), executable: (st.mode & 0o111) !== 0 });
    }
  };
  walk(dir);
  return out;
}

function assertProject(dir: string, key: string, value: string): Answers {
  const files = readTree(dir);
  const answers = JSON.parse(files.get('.yo-rc.json')!.content)['generator-pydocker'].answers as Answers;
  const rendered = [...files].filter(([p]) => p !== '.yo-rc.json').map(([path, f]) => ({ path, ...f }));
  assert.equal(verifyProject(projectFrom(answers, rendered)).map(formatProblem), [], `${key}=${value}: tier 1`);

  const dev = parse(files.get('compose.yaml')!.content);
  const prod = parse(files.get('compose.prod.yaml')!.content);
  const dockerfile = files.get('Dockerfile')!.content;
  for (const stage of ['builder', 'dev', 'runtime']) assert.match(dockerfile, new RegExp(`^FROM .* AS ${stage}$`, 'm'));
  assert.match(dockerfile, /^USER (app|10001)/m);
  assert.match(dockerfile, /^HEALTHCHECK .*\n.*app\.healthcheck/m);
  assert.match(dockerfile, new RegExp(`^EXPOSE ${answers.port}$`, 'm'));
  assert.match(dockerfile, new RegExp(`^FROM python:${answers.python.replace('.', '\\.')}\\.\\d+-slim`, 'm'));
  for (const [name, s] of Object.entries<Record<string, any>>(dev.services)) {
    for (const [dep, cond] of Object.entries<Record<string, string>>(s.depends_on ?? {})) {
      assert.ok(dev.services[dep], `${name} depends on ${dep}`);
      if (cond.condition === 'service_healthy') assert.ok(dev.services[dep].healthcheck, `${dep} has a healthcheck`);
    }
    for (const p of s.ports ?? []) assert.match(p, /^127\.0\.0\.1:/, `${name} dev port on loopback`);
  }
  assert.equal(dev.services.web.ports, [`127.0.0.1:${answers.port}:${answers.port}`]);
  const published = Object.entries<Record<string, any>>(prod.services)
    .filter(([, s]) => s.ports)
    .map(([n]) => n);
  assert.equal(published, answers.proxy === 'none' ? ['web'] : ['proxy'], 'only the entry point is public in production');
  if (answers.proxy === 'nginx') assert.match(files.get('nginx/dev.conf')!.content, new RegExp(`server web:${answers.port}\\b`));
  if (answers.proxy === 'caddy') assert.match(files.get('caddy/Caddyfile.dev')!.content, new RegExp(`reverse_proxy web:${answers.port}\\b`));
  const deploy = files.get('scripts/deploy.sh')!;
  assert.ok(deploy.executable, 'scripts are executable');
  assert.ok(deploy.content.includes(answers.registry), 'deploy uses the registry');
  return answers;
}

for (const [key, value] of CASES) {
  test(`--${key} ${value}: yeoman-test and the bin write the same valid project`, async () => {
    const flags = flagsFor(key, value);
    const r = await helpers
      .run<AppGenerator>(AppGenerator as never, settings)
      .withArguments(['svc'])
      .withOptions({ yes: true, ...flags } as never);
    const viaYeoman = join(r.cwd, 'svc');
    const answers = assertProject(viaYeoman, key, value);
    const expected = key === 'observability' || key === 'extras' ? (value === 'none' ? [] : flags[key]!.split(',')) : key === 'port' ? Number(value) : value;
    assert.equal(answers[key as keyof Answers], expected, `${key} stored`);

    const cwd = mkdtempSync(join(tmpdir(), 'pydocker-value-'));
    const bin = spawnSync(process.execPath, [BIN, 'new', 'svc', '--yes', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v])], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.is(bin.status, 0, bin.stderr);
    assertProject(join(cwd, 'svc'), key, value);
    const a = readTree(viaYeoman);
    const b = readTree(join(cwd, 'svc'));
    assert.equal([...b.keys()].sort(), [...a.keys()].sort(), 'same files');
    for (const [path, f] of a) if (path !== '.env') assert.is(b.get(path)!.content, f.content, `${path} identical`);
  });
}

test.run();
