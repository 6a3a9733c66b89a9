// Team presets: defaults, locks, values and template overlays, through yeoman-test and the bin.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import helpers from 'yeoman-test';
import { OPTIONS } from '../src/answers/options.js';
import AppGenerator from '../src/generators/app/index.js';
import ServiceGenerator from '../src/generators/service/index.js';
import { loadPreset, PresetError } from '../src/preset/load.js';
import { formatProblem, verifyProject } from './verify/index.js';
import { projectFrom } from './verify/project.js';

const BIN = fileURLToPath(new URL('../bin/pydocker.js', import.meta.url));
const app = { namespace: 'pydocker:app', resolved: fileURLToPath(new URL('../src/generators/app/index.ts', import.meta.url)), autoCleanup: false };
const service = { namespace: 'pydocker:service', resolved: fileURLToPath(new URL('../src/generators/service/index.ts', import.meta.url)), autoCleanup: false };
const tmp = () => mkdtempSync(join(tmpdir(), 'pydocker-preset-'));
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const stored = (dir: string) => JSON.parse(read(dir, '.yo-rc.json'))['generator-pydocker'];

/** A preset folder with defaults, locks, values and an overlay that replaces one template and adds one file. */
function teamPreset(version = '1.2.0'): string {
  const dir = join(tmp(), 'acme');
  mkdirSync(join(dir, 'templates/project'), { recursive: true });
  writeFileSync(
    join(dir, 'pydocker-preset.yaml'),
    `name: acme\nversion: ${version}\ndefaults:\n  framework: flask\n  database: sqlite\nlocked:\n  cache: none\n  python: "3.12"\n` +
      `values:\n  organisation: Acme\n  registry: registry.acme.test/svc\n  maintainers: ["@acme/platform"]\n` +
      `  labels:\n    com.acme.team: platform\n  env:\n    - name: ACME_REGION\n      description: Region the service runs in\n      value: eu-west-1\n` +
      `  requirements: ["structlog==25.4.0"]\n`,
  );
  writeFileSync(join(dir, 'templates/project/Makefile.ejs'), '# Acme standard Makefile for <%= answers.name %>\ntest:\n\tpytest\n');
  writeFileSync(join(dir, 'templates/CODEOWNERS.ejs'), '* <%= preset.values.maintainers.join(" ") %>\n');
  return dir;
}

function pydocker(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the schema offers exactly the values the generator accepts (printed by `preset schema`)', () => {
  const r = spawnSync(process.execPath, [BIN, 'preset', 'schema'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const answers = JSON.parse(r.stdout).$defs.answers.properties;
  for (const o of OPTIONS) {
    if (!('choices' in o)) continue;
    const allowed = o.kind === 'multi' ? answers[o.key].items.enum : answers[o.key].enum;
    assert.equal(allowed, [...o.choices], `${o.key} enum`);
  }
});

test('a preset applies its defaults, locks, values and overlay (yeoman-test)', async () => {
  const preset = teamPreset();
  const r = await helpers
    .run<AppGenerator>(AppGenerator as never, app)
    .withArguments(['orders'])
    .withOptions({ yes: true, preset });
  const dir = join(r.cwd, 'orders');
  const s = stored(dir);
  assert.equal([s.answers.framework, s.answers.database, s.answers.cache, s.answers.python], ['flask', 'sqlite', 'none', '3.12']);
  assert.is(s.answers.registry, 'registry.acme.test/svc/orders');
  assert.equal(s.preset, { name: 'acme', version: '1.2.0', source: preset });
  assert.match(read(dir, '.env.example'), /^ACME_REGION=eu-west-1$/m);
  assert.is(parse(read(dir, 'compose.yaml')).services.web.environment.ACME_REGION, '${ACME_REGION:-}');
  // structlog is outside the shipped resolution: pinned in pyproject.toml, left out of the lock, which
  // `uv sync --locked` then refuses until `make lock` (the done message says so).
  assert.match(read(dir, 'pyproject.toml'), /^ {4}"structlog==25\.4\.0",$/m);
  assert.not.match(read(dir, 'uv.lock'), /structlog/);
  assert.is(read(dir, 'Makefile'), '# Acme standard Makefile for orders\ntest:\n\tpytest\n');
  assert.is(read(dir, 'CODEOWNERS'), '* @acme/platform\n');
  assert.match(read(dir, 'Dockerfile'), /com\.acme\.team="platform"/);
  assert.match(read(dir, 'Dockerfile'), /python:3\.12/);
  // The preset-made project passes the same tier-1 checks as any other.
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== '.yo-rc.json')
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path: path.slice(dir.length + 1), content: readFileSync(path, 'utf8'), executable: (statSync(path).mode & 0o111) !== 0 };
    });
  assert.equal(verifyProject(projectFrom(s.answers, files)).map(formatProblem), []);
});

test('a locked answer cannot be overridden by flag, answers file or prompt', async () => {
  const preset = teamPreset();
  try {
    await helpers
      .run<AppGenerator>(AppGenerator as never, app)
      .withArguments(['x'])
      .withOptions({ yes: true, preset, cache: 'redis' });
    assert.unreachable('flag should be refused');
  } catch (err) {
    assert.match((err as Error).message, /flag --cache: cache is locked to "none" by preset "acme"/);
  }
  const cwd = tmp();
  writeFileSync(join(cwd, 'answers.yaml'), 'python: "3.13"\n');
  const r = pydocker(['new', 'x', '--yes', '--preset', preset, '--answers', 'answers.yaml'], cwd);
  assert.is(r.code, 2);
  assert.match(r.err, /answers\.yaml: python is locked to "3\.12" by preset "acme"/);
  assert.equal(readdirSync(cwd), ['answers.yaml']);
  // Prompted: the locked question is never asked, so a typed answer for it has no effect.
  const p = await helpers
    .run<AppGenerator>(AppGenerator as never, app)
    .withArguments(['typed'])
    .withOptions({ interactive: true, preset })
    .withAnswers({ cache: 'redis', python: '3.14' });
  assert.equal([stored(join(p.cwd, 'typed')).answers.cache, stored(join(p.cwd, 'typed')).answers.python], ['none', '3.12']);
});

test('a malformed preset reports every problem at once and writes nothing', async () => {
  const dir = join(tmp(), 'broken');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'pydocker-preset.yaml'),
    'name: broken\nversion: one\ncolour: blue\ndefaults:\n  framework: rails\nvalues:\n  requirements: ["requests"]\n',
  );
  try {
    await loadPreset(dir, tmp());
    assert.unreachable('should fail');
  } catch (err) {
    assert.instance(err, PresetError);
    const problems = (err as PresetError).problems.join('\n');
    assert.match(problems, /\/version: must match pattern/);
    assert.match(problems, /unknown key "colour"/);
    assert.match(problems, /\/defaults\/framework: must be equal to one of the allowed values \(fastapi, flask, django\)/);
    assert.match(problems, /\/values\/requirements\/0: must match pattern/);
  }
  const cwd = tmp();
  const r = pydocker(['new', 'svc', '--yes', '--preset', dir], cwd);
  assert.is(r.code, 2);
  assert.match(r.err, /unknown key "colour"/);
  assert.equal(readdirSync(cwd), []);
});

test('an overlay template that fails names the file and line', () => {
  const preset = teamPreset();
  writeFileSync(join(preset, 'templates/CODEOWNERS.ejs'), 'line one\n<%= preset.values.nope.join(",") %>\n');
  const r = pydocker(['new', 'svc', '--yes', '--preset', preset], tmp());
  assert.is(r.code, 1);
  assert.match(r.err, /CODEOWNERS\.ejs/);
  assert.match(r.err, /:2\b/);
});

test('the bin: --preset, --print-answers and --answers round-trip', () => {
  const preset = teamPreset();
  const cwd = tmp();
  const printed = pydocker(['new', 'svc', '--preset', preset, '--print-answers', '--port', '9100'], cwd);
  assert.is(printed.code, 0, printed.err);
  const answers = parse(printed.out);
  assert.equal([answers.framework, answers.port, answers.cache], ['flask', 9100, 'none']);
  assert.equal(readdirSync(cwd), [], '--print-answers writes nothing');
  writeFileSync(join(cwd, 'answers.yaml'), printed.out);
  const r = pydocker(['new', 'svc', '--preset', preset, '--answers', 'answers.yaml'], cwd);
  assert.is(r.code, 0, r.err);
  assert.equal(stored(join(cwd, 'svc')).answers, answers);
});

test('service in a preset-made project keeps honouring the preset, and warns on a version change', async () => {
  const preset = teamPreset();
  const r = await helpers
    .run<AppGenerator>(AppGenerator as never, app)
    .withArguments(['orders'])
    .withOptions({ yes: true, preset });
  const dir = join(r.cwd, 'orders');
  writeFileSync(join(preset, 'pydocker-preset.yaml'), read(preset, 'pydocker-preset.yaml').replace('version: 1.2.0', 'version: 1.3.0'));
  const added = await helpers
    .run<ServiceGenerator>(ServiceGenerator as never, service)
    .cd(dir)
    .withArguments(['prometheus'])
    .withOptions({ interactive: false });
  assert.ok(added.generator && true);
  assert.is(read(dir, 'Makefile'), '# Acme standard Makefile for orders\ntest:\n\tpytest\n', 'overlay kept');
  assert.match(read(dir, '.env.example'), /^ACME_REGION=/m);
  try {
    await helpers
      .run<ServiceGenerator>(ServiceGenerator as never, service)
      .cd(dir)
      .withArguments(['redis'])
      .withOptions({ interactive: false });
    assert.unreachable('locked slot');
  } catch (err) {
    assert.match((err as Error).message, /preset "acme" locks cache/);
  }
  const cli = pydocker(['add', 'sentry'], dir);
  assert.is(cli.code, 0, cli.err);
  assert.match(cli.out + cli.err, /made with preset acme 1\.2\.0; the installed one is 1\.3\.0/);
});

test('preset init scaffolds a preset that preset check accepts', () => {
  const cwd = tmp();
  const init = pydocker(['preset', 'init', 'pydocker-preset-widgets'], cwd);
  assert.is(init.code, 0, init.err);
  const dir = join(cwd, 'pydocker-preset-widgets');
  assert.equal(readdirSync(dir).sort(), ['README.md', 'package.json', 'pydocker-preset.yaml', 'templates']);
  assert.is(JSON.parse(read(dir, 'package.json')).name, 'pydocker-preset-widgets');
  const check = pydocker(['preset', 'check', dir], cwd);
  assert.is(check.code, 0, check.err);
  assert.match(check.out, /preset widgets 1\.0\.0 is valid/);
  // Installed as a package, it is found by its short name.
  const project = tmp();
  cpSync(dir, join(project, 'node_modules/pydocker-preset-widgets'), { recursive: true });
  writeFileSync(join(project, 'package.json'), '{"name":"x","private":true}');
  const gen = pydocker(['new', 'svc', '--yes', '--preset', 'widgets'], project);
  assert.is(gen.code, 0, gen.err);
  assert.is(stored(join(project, 'svc')).preset.source, 'pydocker-preset-widgets');
  assert.ok(existsSync(join(project, 'svc/CODEOWNERS')));
});

test.run();
