// `pydocker add` / yo pydocker:service: adding X to a project made without it gives the project made with X,
// keeps the user's edits, and refuses what it cannot do without writing anything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import helpers from 'yeoman-test';
import { type Answers, defaultsFor } from '../src/answers/options.js';
import { ADDABLE_KINDS, addKind } from '../src/edit/add-kind.js';
import { CHOICE_SLOTS, type ChoiceSlot } from '../src/components/choices.js';
import { componentById } from '../src/components/registry.js';
import ServiceGenerator from '../src/generators/service/index.js';
import { parseEnvFile } from '../src/render/env-files.js';
import { renderProject, writeProject } from './support/generate.js';
import { formatProblem, verifyProject } from './verify/index.js';
import { projectFrom } from './verify/project.js';

const BIN = fileURLToPath(new URL('../bin/pydocker.js', import.meta.url));
const settings = { namespace: 'pydocker:service', resolved: fileURLToPath(new URL('../src/generators/service/index.ts', import.meta.url)), autoCleanup: false };

function project(answers: Answers): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pydocker-add-')), answers.name);
  writeProject(dir, renderProject(answers));
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-pydocker': { answers, version: 1 } }, null, 2));
  return dir;
}

const add = (dir: string, kind: string | undefined, opts: Record<string, unknown> = {}) =>
  helpers
    .run<ServiceGenerator>(ServiceGenerator as never, settings, { force: false } as never)
    .cd(dir)
    .withArguments(kind ? [kind] : [])
    .withOptions({ interactive: false, force: false, ...opts } as never);

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** A project without `kind`: its slot empty (and, for grafana, prometheus present). */
function without(kind: string): Answers {
  // What it requires stays (grafana keeps prometheus); its own single slot is emptied.
  const a: Answers = { ...defaultsFor('shop'), observability: (componentById(kind)!.requires ?? []).map((r) => r.id) };
  const slot = CHOICE_SLOTS[componentById(kind)!.slot as ChoiceSlot];
  if (slot && !slot.multi) (a as unknown as Record<string, string>)[slot.key] = 'none';
  return a;
}

for (const kind of ADDABLE_KINDS) {
  test(`add ${kind}: the result is the project generated with ${kind}, and passes tier 1`, async () => {
    const before = without(kind);
    const dir = project(before);
    await add(dir, kind);
    const after = (addKind(before, kind) as { answers: Answers }).answers;
    const expected = new Map(renderProject(after).map((f) => [f.path, f.content]));
    const actual = readTree(dir);
    for (const f of ['compose.yaml', 'compose.prod.yaml']) assert.equal(parse(actual.get(f)!), parse(expected.get(f)!), `${f} model`);
    for (const [path, content] of expected) {
      if (path.startsWith('.env') || path.startsWith('compose')) continue;
      assert.is(actual.get(path), content, `${path} as generated with ${kind}`);
    }
    for (const f of ['.env', '.env.example', '.env.prod.example']) {
      assert.equal(Object.keys(parseEnvFile(actual.get(f)!)).sort(), Object.keys(parseEnvFile(expected.get(f)!)).sort(), `${f} variables`);
    }
    assert.equal(JSON.parse(actual.get('.yo-rc.json')!)['generator-pydocker'].answers, after);
    const files = [...actual]
      .filter(([p]) => p !== '.yo-rc.json')
      .map(([path, content]) => ({
        path,
        content,
        executable: expected.get(path) !== undefined && renderProject(after).find((f) => f.path === path)?.executable,
      }));
    const problems = verifyProject(
      projectFrom(
        after,
        files.map((f) => ({ ...f, executable: Boolean(f.executable) })),
      ),
    );
    assert.equal(problems.map(formatProblem), []);
  });
}

test("a hand-edited project keeps the user's work: comments, order, extra service, changed port, config edits", async () => {
  const dir = project(without('redis'));
  const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8')
    .replace('services:\n', 'services:\n  # mail catcher for local development\n  mailpit:\n    image: axllent/mailpit:v1.20\n')
    .replace('127.0.0.1:8000:8000', '127.0.0.1:9000:8000');
  writeFileSync(join(dir, 'compose.yaml'), compose);
  const config = readFileSync(join(dir, 'app/config.py'), 'utf8');
  writeFileSync(join(dir, 'app/config.py'), `${config}\n# team note: keep settings flat\nFEATURE_X = True\n`);
  const secretBefore = parseEnvFile(readFileSync(join(dir, '.env'), 'utf8')).POSTGRES_PASSWORD;
  await add(dir, 'redis');
  const out = readFileSync(join(dir, 'compose.yaml'), 'utf8');
  assert.match(out, /# mail catcher for local development/);
  const model = parse(out);
  assert.is(model.services.mailpit.image, 'axllent/mailpit:v1.20');
  assert.equal(model.services.web.ports, ['127.0.0.1:9000:8000']);
  assert.ok(model.services.cache.healthcheck);
  assert.match(readFileSync(join(dir, 'app/config.py'), 'utf8'), /FEATURE_X = True/);
  assert.match(readFileSync(join(dir, 'app/config.py'), 'utf8'), /REDIS_URL/);
  const env = parseEnvFile(readFileSync(join(dir, '.env'), 'utf8'));
  assert.is(env.POSTGRES_PASSWORD, secretBefore, 'existing secret kept');
  assert.ok(env.REDIS_PASSWORD && env.REDIS_PASSWORD.length >= 32, 'new secret generated');
});

test('a Python file changed where the change goes: exact instructions, non-zero exit, the rest applied', async () => {
  const dir = project(without('redis'));
  writeFileSync(join(dir, 'app/readiness.py'), '# rewritten by the team\n');
  try {
    await add(dir, 'redis');
    assert.unreachable('should fail at the end');
  } catch (err) {
    const msg = (err as Error).message;
    assert.match(msg, /could not be placed automatically/);
    assert.match(msg, /app\/readiness\.py/);
    assert.match(msg, /^\+.*redis/im);
  }
  assert.is(readFileSync(join(dir, 'app/readiness.py'), 'utf8'), '# rewritten by the team\n');
  assert.ok(parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')).services.cache, 'the rest was applied');
});

test('refusals write nothing: outside a project, corrupt .yo-rc.json, malformed compose, occupied slot', async () => {
  const outside = mkdtempSync(join(tmpdir(), 'pydocker-add-'));
  try {
    await add(outside, 'redis');
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /is not a pydocker project/);
  }
  assert.equal(readdirSync(outside), []);
  for (const [text, pattern] of [
    ['{ "generator-pydocker": ', /\.yo-rc\.json is not valid JSON/],
    ['{ "generator-pydocker": { "answers": { "framework": "rails" } } }', /answers that are not valid: .*"rails"/],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'pydocker-add-'));
    writeFileSync(join(dir, '.yo-rc.json'), text);
    const r = spawnSync(process.execPath, [BIN, 'add', 'redis'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(readdirSync(dir), ['.yo-rc.json']);
    assert.is(readFileSync(join(dir, '.yo-rc.json'), 'utf8'), text);
  }

  const broken = project(without('redis'));
  writeFileSync(join(broken, 'compose.yaml'), 'services:\n  web:\n    image: [oops\n');
  const rc = readFileSync(join(broken, '.yo-rc.json'), 'utf8');
  try {
    await add(broken, 'redis');
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /compose\.yaml is not valid YAML: line \d+/);
  }
  assert.is(readFileSync(join(broken, '.yo-rc.json'), 'utf8'), rc, 'state untouched');
  assert.not.ok(existsSync(join(broken, 'app/cache.py')));

  const pg = project(defaultsFor('shop'));
  try {
    await add(pg, 'mysql');
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /database is already postgres; a project has one database.*Kinds you can add: .*otel/);
  }
});

test('the bin adds without Yeoman: same files as the generator, state written last', async () => {
  const viaBin = project(without('redis'));
  const viaGenerator = project(without('redis'));
  const r = spawnSync(process.execPath, [BIN, 'add', 'redis'], { cwd: viaBin, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /Added redis: \d+ file\(s\) created or edited/);
  await add(viaGenerator, 'redis');
  const a = readTree(viaBin);
  const b = readTree(viaGenerator);
  for (const [path, content] of b) if (!path.startsWith('.env') && path !== '.yo-rc.json') assert.is(a.get(path), content, path);
  assert.equal(JSON.parse(a.get('.yo-rc.json')!)['generator-pydocker'], JSON.parse(b.get('.yo-rc.json')!)['generator-pydocker']);
});

test('add worker: takes the broker the project has, or the one asked for (adding it too)', async () => {
  const redisProject = project(defaultsFor('jobs'));
  await add(redisProject, 'worker');
  const withRedis = JSON.parse(readFileSync(join(redisProject, '.yo-rc.json'), 'utf8'))['generator-pydocker'].answers;
  assert.equal([withRedis.extras, withRedis.broker], [['worker'], 'redis']);
  assert.match(parse(readFileSync(join(redisProject, 'compose.yaml'), 'utf8')).services.worker.environment.CELERY_BROKER_URL, /^redis:\/\/.*@cache:6379\/1$/);

  const bare = project({ ...defaultsFor('jobs'), cache: 'none' });
  try {
    await add(bare, 'worker');
    assert.unreachable('no broker to use');
  } catch (err) {
    assert.match((err as Error).message, /needs a broker.*--broker rabbitmq \(adds RabbitMQ\) or --broker redis \(adds Redis\)/);
  }
  await add(bare, 'worker', { broker: 'rabbitmq' });
  const model = parse(readFileSync(join(bare, 'compose.yaml'), 'utf8'));
  assert.ok(model.services.rabbitmq.healthcheck);
  assert.equal(model.services.worker.depends_on.rabbitmq, { condition: 'service_healthy' });
  assert.ok(model.services.beat);
  assert.match(readFileSync(join(bare, 'app/readiness.py'), 'utf8'), /"rabbitmq": broker\.ping/);
});

test('adding what is there changes nothing and says so', async () => {
  const dir = project(defaultsFor('shop'));
  const before = readTree(dir);
  const r = await add(dir, 'redis');
  assert.ok(r);
  assert.equal(readTree(dir), before);
});

test('--dry-run shows the change and writes nothing', async () => {
  const dir = project(without('memcached'));
  const before = readTree(dir);
  const r = spawnSync(process.execPath, [BIN, 'add', 'memcached', '--dry-run'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.is(r.status, 0, r.stderr);
  const shown = r.stdout + r.stderr; // Yeoman's logger writes to stderr
  assert.match(shown, /^\+\+\+ b\/compose\.yaml$/m);
  assert.match(shown, /^\+\s+MEMCACHED_SERVERS: cache:11211$/m);
  assert.match(shown, /Dry run, nothing written/);
  assert.equal(readTree(dir), before);
});

test.run();
