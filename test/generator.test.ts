// The Yeoman generator, driven through yeoman-test: flags, prompts, stored answers, folders, conflicts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import helpers from 'yeoman-test';
import { parse } from 'yaml';
import AppGenerator from '../src/generators/app/index.js';
import { OPTIONS } from '../src/answers/options.js';

// autoCleanup off: several tests run the generator again inside a project an earlier run made.
const settings = { namespace: 'pydocker:app', resolved: new URL('../src/generators/app/index.ts', import.meta.url).pathname, autoCleanup: false };
// yeoman-test forces overwrites by default; these tests need the behaviour users get.
const run = () => helpers.run<AppGenerator>(AppGenerator as never, settings, { force: false } as never);
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const compose = (dir: string, f = 'compose.yaml') => parse(read(dir, f)) as { services: Record<string, any>; volumes?: Record<string, unknown> };
const stored = (dir: string) => JSON.parse(read(dir, '.yo-rc.json'))['generator-pydocker'].answers;

test('--yes generates the default stack and stores every answer', async () => {
  const r = await run().withArguments(['billing-api']).withOptions({ yes: true });
  const dir = join(r.cwd, 'billing-api');
  const answers = stored(dir);
  assert.is(answers.name, 'billing-api');
  assert.equal(Object.keys(answers).sort(), OPTIONS.map((o) => o.key).sort());
  const dev = compose(dir);
  assert.equal(Object.keys(dev.services).sort(), ['cache', 'db', 'grafana', 'migrate', 'prometheus', 'proxy', 'web']);
  assert.equal(dev.services.web.depends_on.db, { condition: 'service_healthy' });
  const env = read(dir, '.env');
  const pw = /^POSTGRES_PASSWORD=(.+)$/m.exec(env)?.[1];
  assert.ok(pw && pw.length >= 32, 'a random database password in .env');
  assert.not.match(env, /=password$|=changeme$/m);
  assert.ok(existsSync(join(dir, 'Dockerfile')) && existsSync(join(dir, 'app/config.py')));
});

test('two projects get different secrets', async () => {
  const a = await run().withArguments(['one']).withOptions({ yes: true });
  const b = await run().withArguments(['two']).withOptions({ yes: true });
  const pw = (d: string) => /^POSTGRES_PASSWORD=(.+)$/m.exec(read(d, '.env'))?.[1];
  assert.is.not(pw(join(a.cwd, 'one')), pw(join(b.cwd, 'two')));
});

test('prompts: typed answers are used and stored', async () => {
  const r = await run()
    .withArguments(['shop'])
    .withOptions({ interactive: true })
    .withAnswers({
      description: 'Shop API',
      framework: 'flask',
      database: 'sqlite',
      cache: 'memcached',
      proxy: 'caddy',
      observability: ['prometheus'],
      python: '3.12',
      port: 8100,
      registry: 'ghcr.io/acme/shop',
    });
  const dir = join(r.cwd, 'shop');
  const a = stored(dir);
  assert.equal([a.framework, a.database, a.cache, a.proxy, a.python, a.port], ['flask', 'sqlite', 'memcached', 'caddy', '3.12', 8100]);
  assert.ok(compose(dir).services.proxy.image.startsWith('caddy:'));
});

test('running again inside the project reuses stored answers without asking', async () => {
  const r = await run().withArguments(['svc']).withOptions({ yes: true, framework: 'django', cache: 'none' });
  const dir = join(r.cwd, 'svc');
  // interactive:false and no --yes: any question would fail the run.
  await helpers
    .run<AppGenerator>(AppGenerator as never, settings)
    .cd(dir)
    .withOptions({ interactive: false, force: true });
  assert.is(stored(dir).framework, 'django');
  assert.is(compose(dir).services.cache, undefined);
});

test('running again keeps the secrets of the existing .env (a database volume was initialised with them)', async () => {
  const r = await run().withArguments(['stable']).withOptions({ yes: true });
  const dir = join(r.cwd, 'stable');
  const before = read(dir, '.env');
  await helpers
    .run<AppGenerator>(AppGenerator as never, settings)
    .cd(dir)
    .withOptions({ interactive: false, force: true });
  assert.is(read(dir, '.env'), before);
});

test('without a terminal and with answers missing, it names them and writes nothing', async () => {
  const ctx = run().withArguments(['quiet']).withOptions({ interactive: false, framework: 'flask' });
  try {
    await ctx;
    assert.unreachable('should fail');
  } catch (err) {
    assert.match((err as Error).message, /answers are missing: --description, --database/);
    assert.not.match((err as Error).message, /--framework/);
  }
  assert.not.ok(existsSync(join(ctx.targetDirectory ?? '', 'quiet')));
});

test('a folder with files that is not a pydocker project is refused, unless --force', async () => {
  let dir = '';
  try {
    await run()
      .inTmpDir((d) => {
        dir = d;
        writeFileSync(join(d, 'notes.txt'), 'mine');
      })
      .withOptions({ yes: true, force: false });
    assert.unreachable('should refuse');
  } catch (err) {
    assert.match((err as Error).message, /already holds files \(notes\.txt\) and is not a pydocker project/);
  }
  assert.not.ok(existsSync(join(dir, 'compose.yaml')));
  const r = await run()
    .inTmpDir((d) => writeFileSync(join(d, 'notes.txt'), 'mine'))
    .withOptions({ yes: true, force: true });
  assert.ok(existsSync(join(r.cwd, 'compose.yaml')));
  assert.is(read(r.cwd, 'notes.txt'), 'mine');
});

test('invalid input is refused with the fix, nothing written', async () => {
  for (const [options, pattern] of [
    [{ name: 'My Service' }, /name "My Service" is not valid/],
    [{ database: 'oracle' }, /valid values: postgres, mysql, mariadb, sqlite, none/],
    [{ observability: 'grafana' }, /grafana needs prometheus/],
    [{ port: 80 }, /1024 to 65535/],
  ] as const) {
    const ctx = run()
      .withArguments(['bad'])
      .withOptions({ yes: true, ...options });
    try {
      await ctx;
      assert.unreachable(`should refuse ${JSON.stringify(options)}`);
    } catch (err) {
      assert.match((err as Error).message, pattern);
    }
    assert.not.ok(existsSync(join(ctx.targetDirectory ?? '', 'bad')));
  }
});

test('a file the user changed is kept when they decline the overwrite', async () => {
  const r = await run().withArguments(['keep']).withOptions({ yes: true });
  const dir = join(r.cwd, 'keep');
  writeFileSync(join(dir, 'Makefile'), 'my: own\n');
  await helpers
    .run<AppGenerator>(AppGenerator as never, settings, { force: false } as never)
    .cd(dir)
    .withOptions({ interactive: true, force: false })
    .withAnswers({ action: 'skip' });
  assert.is(read(dir, 'Makefile'), 'my: own\n');
});

test('without a terminal, a re-run over a changed file names it and writes nothing at all', async () => {
  const r = await run().withArguments(['edited']).withOptions({ yes: true });
  const dir = join(r.cwd, 'edited');
  writeFileSync(join(dir, 'Makefile'), 'my: own\n');
  const rc = read(dir, '.yo-rc.json');
  try {
    await helpers
      .run<AppGenerator>(AppGenerator as never, settings, { force: false } as never)
      .cd(dir)
      .withOptions({ interactive: false, force: false, framework: 'flask' });
    assert.unreachable('should refuse');
  } catch (err) {
    assert.match((err as Error).message, /file\(s\) differ from what the generator writes, and there is no terminal to ask:\n/);
    assert.match((err as Error).message, /^ {2}- Makefile$/m);
  }
  assert.is(read(dir, 'Makefile'), 'my: own\n');
  assert.is(read(dir, '.yo-rc.json'), rc, '.yo-rc.json still says what the files are');
  assert.is(stored(dir).framework, 'fastapi');
});

test('in a terminal, a changed file can be overwritten after looking at the difference', async () => {
  const r = await run().withArguments(['asked']).withOptions({ yes: true });
  const dir = join(r.cwd, 'asked');
  writeFileSync(join(dir, 'Makefile'), 'my: own\n');
  await helpers
    .run<AppGenerator>(AppGenerator as never, settings, { force: false } as never)
    .cd(dir)
    .withOptions({ interactive: true, force: false })
    .withAnswers({ action: 'write' });
  assert.match(read(dir, 'Makefile'), /^restore:/m);
});

test.run();
