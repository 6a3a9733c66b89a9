// The `pydocker` bin as users and CI run it: no terminal, exit codes, messages, nothing half-written.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OPTIONS } from '../src/answers/options.js';

const BIN = fileURLToPath(new URL('../bin/pydocker.js', import.meta.url));

function pydocker(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'pydocker-cli-'));

test('--help lists every option with its allowed values', () => {
  const r = pydocker(['--help'], tmp());
  assert.is(r.code, 0);
  for (const o of OPTIONS) {
    assert.ok(r.out.includes(`--${o.flag}`), `--${o.flag} in help`);
    if ('choices' in o) for (const c of o.choices) assert.ok(r.out.includes(c), `${c} in help`);
  }
  for (const flag of ['--yes', '--force', '--dry-run', '--skip-install']) assert.ok(r.out.includes(flag));
});

test('new --yes generates a project, as root and without a terminal', () => {
  const cwd = tmp();
  const r = pydocker(['new', 'orders', '--yes', '--framework', 'flask', '--database', 'sqlite'], cwd);
  assert.is(r.code, 0, r.err);
  const rc = JSON.parse(readFileSync(join(cwd, 'orders/.yo-rc.json'), 'utf8'))['generator-pydocker'].answers;
  assert.is(rc.framework, 'flask');
  assert.is(rc.database, 'sqlite');
  assert.ok(existsSync(join(cwd, 'orders/compose.prod.yaml')));
  assert.ok(readFileSync(join(cwd, 'orders/scripts/deploy.sh')) && true);
});

test('no terminal and answers missing: exit 2 naming them, nothing written', () => {
  const cwd = tmp();
  const r = pydocker(['new', 'orders', '--framework', 'django'], cwd);
  assert.is(r.code, 2);
  assert.match(r.err, /answers are missing: --description, --database, --cache/);
  assert.equal(readdirSync(cwd), []);
});

test('bad values: exit 2 with the fix, nothing written', () => {
  for (const [args, pattern] of [
    [['new', 'x', '--yes', '--database', 'oracle'], /valid values: postgres, mysql, mariadb, sqlite, none/],
    [['new', 'Bad_Name', '--yes'], /name "Bad_Name" is not valid/],
    [['new', 'x', '--yes', '--observability', 'grafana'], /grafana needs prometheus/],
    [['new', 'x', '--yes', '--registry', 'Not A Registry'], /not a valid image repository/],
    [['new', 'x', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['launch'], /unknown command "launch"/],
  ] as const) {
    const cwd = tmp();
    const r = pydocker([...args], cwd);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, pattern);
    assert.equal(readdirSync(cwd), [], `nothing written for ${args.join(' ')}`);
  }
});

test('a non-project folder with files is refused; --force generates into it and keeps the files', () => {
  const cwd = tmp();
  mkdirSync(join(cwd, 'legacy'));
  writeFileSync(join(cwd, 'legacy/app.py'), 'print("mine")\n');
  const refused = pydocker(['new', 'legacy', '--yes'], cwd);
  assert.is(refused.code, 2);
  assert.match(refused.err, /already holds files \(app\.py\)/);
  assert.equal(readdirSync(join(cwd, 'legacy')), ['app.py']);
  const forced = pydocker(['new', 'legacy', '--yes', '--force'], cwd);
  assert.is(forced.code, 0, forced.err);
  assert.is(readFileSync(join(cwd, 'legacy/app.py'), 'utf8'), 'print("mine")\n');
});

test('yo pydocker, as users type it, finds the generator and writes the project', () => {
  // yo refuses to run as root, so as root (CI) it runs as nobody, with the package in a node_modules it finds.
  const cwd = tmp();
  mkdirSync(join(cwd, 'node_modules'));
  mkdirSync(join(cwd, 'home'));
  symlinkSync(fileURLToPath(new URL('..', import.meta.url)), join(cwd, 'node_modules/generator-pydocker'));
  chmodSync(cwd, 0o777);
  chmodSync(join(cwd, 'home'), 0o777);
  const yo = fileURLToPath(new URL('../node_modules/.bin/yo', import.meta.url));
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', yo] : [yo];
  const r = spawnSync(asUser[0]!, [...asUser.slice(1), 'pydocker', 'svc', '--yes', '--framework', 'flask'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: join(cwd, 'home'), NO_UPDATE_NOTIFIER: '1' },
  });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.is(JSON.parse(readFileSync(join(cwd, 'svc/.yo-rc.json'), 'utf8'))['generator-pydocker'].answers.framework, 'flask');
});

test('--dry-run writes nothing, not even the folder', () => {
  const cwd = tmp();
  const r = pydocker(['new', 'dry', '--yes', '--dry-run'], cwd);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^ +create compose\.yaml$/m);
  assert.equal(readdirSync(cwd), []);
});

test('dry-run diffs of a re-run and of add never show a secret value', () => {
  const cwd = tmp();
  assert.is(pydocker(['new', 'shop', '--yes', '--cache', 'none'], cwd).code, 0);
  const dir = join(cwd, 'shop');
  const env = readFileSync(join(dir, '.env'), 'utf8');
  const secrets = [...env.matchAll(/^\w*(?:PASSWORD|SECRET_KEY)\w*=(.+)$/gm)].map((m) => m[1]!);
  assert.ok(secrets.length >= 2, 'the project has generated secrets');
  writeFileSync(join(dir, '.env'), env.replace(/^LOG_LEVEL=.*$/m, 'LOG_LEVEL=warning'));
  const rerun = pydocker(['new', '--yes', '--dry-run'], dir);
  assert.is(rerun.code, 0, rerun.err);
  assert.match(rerun.out, /^-LOG_LEVEL=••••$/m);
  assert.match(rerun.out, /^\+LOG_LEVEL=•••• \(changed\)$/m);
  const added = pydocker(['add', 'redis', '--dry-run'], dir);
  assert.is(added.code, 0, added.err);
  assert.match(added.out, /^\+REDIS_PASSWORD=••••$/m);
  for (const out of [rerun.out, added.out]) {
    for (const s of secrets) assert.not.ok(out.includes(s), 'an existing secret was printed');
    assert.not.match(out, /^[-+ ]\w+=[0-9a-f]{32,}$/m, 'a generated secret was printed');
  }
});

test('generation needs no network: pydocker new works in a network namespace with no interface up', () => {
  if (spawnSync('unshare', ['--net', 'true']).status !== 0) {
    console.log('  (unshare --net is not permitted here: the offline generation case was not run)');
    return;
  }
  const cwd = tmp();
  const r = spawnSync('unshare', ['--net', process.execPath, BIN, 'new', 'offline', '--yes', '--proxy', 'traefik', '--cache', 'valkey'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.is(r.status, 0, r.stderr);
  assert.ok(existsSync(join(cwd, 'offline/compose.prod.yaml')) && existsSync(join(cwd, 'offline/.yo-rc.json')));
});

test.run();
