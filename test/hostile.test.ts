// Bad input and hostile situations, as a person or a script meets them: each must exit 2 (130/143 for
// signals) with a message naming the problem and the fix, and leave the folder exactly as it was.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Answers, BROKERS, CACHES, defaultsFor, EXTRAS, FRAMEWORKS, OBSERVABILITY, PROXIES } from '../src/answers/options.js';
import { renderProject, writeProject } from './support/generate.js';
import { snapshot, treeDiff } from './support/tree.js';

const BIN = fileURLToPath(new URL('../bin/pydocker.js', import.meta.url));
const isRoot = process.getuid?.() === 0;
/** The fix of an unknown value: every value the registry offers for that question. */
const listed = (values: readonly string[], tail = '') => new RegExp(`valid values: ${values.join(', ')}${tail}`);

interface Case {
  name: string;
  args: string[];
  /** Prepares the folder; returns where to run (default: the folder itself). */
  setup?: (root: string) => unknown;
  problem: RegExp;
  fix: RegExp;
  code?: number;
  /** Run as an unprivileged user (root ignores permissions). */
  unprivileged?: boolean;
  /** Mount something over the folder first (needs mount rights). */
  mount?: (root: string) => string[][];
  /** Send this signal when the write reaches step 5. */
  signal?: 'SIGINT' | 'SIGTERM';
}

function project(dir: string, answers: Partial<Answers> = {}, extra: Record<string, unknown> = {}): string {
  const a = { ...defaultsFor('shop'), ...answers };
  writeProject(dir, renderProject(a));
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-pydocker': { answers: a, version: 1, ...extra } }, null, 2));
  return dir;
}
const inProject =
  (answers: Partial<Answers> = {}) =>
  (root: string) =>
    project(join(root, 'shop'), answers);
const preset = (yaml: string) => (root: string) => {
  mkdirSync(join(root, 'acme'));
  writeFileSync(join(root, 'acme/pydocker-preset.yaml'), yaml);
};

const CASES: Case[] = [
  // Names
  { name: 'empty folder name', args: ['new', '', '--yes'], problem: /the folder name is empty/, fix: /give a folder \(e\.g\. `pydocker new my-service`\)/ },
  { name: 'blank folder name', args: ['new', '   ', '--yes'], problem: /the folder name is empty/, fix: /give a folder/ },
  { name: 'uppercase name', args: ['new', 'Bad_Name', '--yes'], problem: /name "Bad_Name" is not valid/, fix: /use lowercase letters.*e\.g\. my-service/ },
  { name: 'name starting with a digit', args: ['new', 'x', '--yes', '--name', '1api'], problem: /name "1api" is not valid/, fix: /starting with a letter/ },
  { name: 'name too long', args: ['new', `a${'b'.repeat(63)}`, '--yes'], problem: /longer than 63 characters/, fix: /choose a shorter one/ },
  { name: 'name with a space', args: ['new', 'x', '--yes', '--name', 'my service'], problem: /name "my service" is not valid/, fix: /e\.g\. my-service/ },
  // Values
  { name: 'unknown framework', args: ['new', 'x', '--yes', '--framework', 'rails'], problem: /--framework: unknown value "rails"/, fix: listed(FRAMEWORKS) },
  {
    name: 'unknown database',
    args: ['new', 'x', '--yes', '--database', 'oracle'],
    problem: /--database: unknown value "oracle"/,
    fix: /valid values: postgres, mysql/,
  },
  { name: 'unknown cache', args: ['new', 'x', '--yes', '--cache', 'mongo'], problem: /--cache: unknown value "mongo"/, fix: listed(CACHES) },
  { name: 'unknown proxy', args: ['new', 'x', '--yes', '--proxy', 'apache'], problem: /--proxy: unknown value "apache"/, fix: listed(PROXIES) },
  {
    name: 'grafana without prometheus',
    args: ['new', 'x', '--yes', '--observability', 'grafana'],
    problem: /grafana needs prometheus/,
    fix: /add it \(e\.g\. --observability prometheus,grafana\) or drop grafana/,
  },
  {
    name: 'unknown observability item',
    args: ['new', 'x', '--yes', '--observability', 'prometheus,datadog'],
    problem: /unknown value "datadog"/,
    fix: listed(OBSERVABILITY, ', or none'),
  },
  { name: 'unknown extra', args: ['new', 'x', '--yes', '--extras', 'bogus'], problem: /--extras: unknown value "bogus"/, fix: listed(EXTRAS, ', or none') },
  {
    name: 'unknown broker',
    args: ['new', 'x', '--yes', '--extras', 'worker', '--broker', 'kafka'],
    problem: /--broker: unknown value "kafka"/,
    fix: listed(BROKERS),
  },
  {
    name: 'rabbitmq broker without rabbitmq',
    args: ['new', 'x', '--yes', '--extras', 'worker', '--broker', 'rabbitmq'],
    problem: /--broker rabbitmq/,
    fix: /add rabbitmq to --extras \(e\.g\. --extras rabbitmq,worker\)/,
  },
  {
    name: 'adminer without a database server',
    args: ['new', 'x', '--yes', '--extras', 'adminer', '--database', 'sqlite'],
    problem: /adminer needs a database server/,
    fix: /postgres, mysql or mariadb/,
  },
  { name: 'privileged port', args: ['new', 'x', '--yes', '--port', '80'], problem: /port "80" is not valid/, fix: /whole number from 1024 to 65535/ },
  {
    name: 'port not a number',
    args: ['new', 'x', '--yes', '--port', 'abc'],
    problem: /--port: "abc" is not a number/,
    fix: /give a whole number, e\.g\. 8000/,
  },
  { name: 'port too large', args: ['new', 'x', '--yes', '--port', '70000'], problem: /port "70000" is not valid/, fix: /1024 to 65535/ },
  { name: 'unsupported Python', args: ['new', 'x', '--yes', '--python', '2.7'], problem: /--python: unknown value "2\.7"/, fix: /valid values: 3\.\d+/ },
  {
    name: 'bad registry',
    args: ['new', 'x', '--yes', '--registry', 'Not A Registry'],
    problem: /registry "Not A Registry" is not a valid image repository/,
    fix: /use e\.g\. ghcr\.io\/acme\/my-service/,
  },
  {
    name: 'description too long',
    args: ['new', 'x', '--yes', '--description', 'd'.repeat(101)],
    problem: /--description: keep it to one line of at most 100 characters/,
    fix: /the README is the place for more/,
  },
  // Command line
  { name: 'unknown flag', args: ['new', 'x', '--frobnicate'], problem: /Unknown option '--frobnicate'/, fix: /Run `pydocker --help` for the options/ },
  { name: 'unknown command', args: ['launch'], problem: /unknown command "launch"/, fix: /commands: new, add, upgrade, preset/ },
  { name: 'upgrade outside a project', args: ['upgrade'], problem: /is not a pydocker project/, fix: /inside a project made by `pydocker new`/ },
  {
    name: 'upgrade with answers',
    args: ['upgrade', '--cache', 'none'],
    problem: /`pydocker upgrade` takes no answers/,
    fix: /keeps the ones in \.yo-rc\.json/,
  },
  { name: 'two folders', args: ['new', 'a', 'b', '--yes'], problem: /expected at most one folder, got: a b/, fix: /at most one folder/ },
  {
    name: 'no terminal, answers missing',
    args: ['new', 'x', '--framework', 'flask'],
    problem: /no terminal to ask in, and these answers are missing: --description/,
    fix: /pass --yes to take the defaults/,
  },
  // Folders
  {
    name: "folder with someone else's files",
    args: ['new', 'legacy', '--yes'],
    setup: (r) => {
      mkdirSync(join(r, 'legacy'));
      writeFileSync(join(r, 'legacy/app.py'), 'x\n');
    },
    problem: /already holds files \(app\.py\) and is not a pydocker project/,
    fix: /Choose a new or empty folder.*or pass --force/s,
  },
  {
    name: 'target is a file',
    args: ['new', 'notes.txt', '--yes'],
    setup: (r) => writeFileSync(join(r, 'notes.txt'), 'x\n'),
    problem: /notes\.txt is a file, not a folder/,
    fix: /choose another folder name/,
  },
  {
    name: 'corrupt .yo-rc.json',
    args: ['new', '--yes'],
    setup: (r) => writeFileSync(join(r, '.yo-rc.json'), '{ not json'),
    problem: /\.yo-rc\.json is not valid JSON/,
    fix: /fix or delete it, then run again/,
  },
  {
    name: '.yo-rc.json entry not an object',
    args: ['new', '--yes'],
    setup: (r) => writeFileSync(join(r, '.yo-rc.json'), '{"generator-pydocker": 5}'),
    problem: /"generator-pydocker" must be an object of answers/,
    fix: /fix or delete it/,
  },
  {
    name: '.yo-rc.json with an unknown stored value',
    args: ['new', '--yes'],
    setup: (r) => writeFileSync(join(r, '.yo-rc.json'), '{"generator-pydocker": {"answers": {"database": "oracle"}}}'),
    problem: /\.yo-rc\.json: database: unknown value "oracle"/,
    fix: /valid values: postgres/,
  },
  {
    name: 're-run over changed files without a terminal',
    args: ['new', '--yes'],
    setup: (r) => {
      const d = project(join(r, 'shop'));
      writeFileSync(join(d, 'Makefile'), 'mine:\n');
      return d;
    },
    problem: /1 file\(s\) differ from what the generator writes, and there is no terminal to ask:\n {2}- Makefile/,
    fix: /Run it again in a terminal.*--dry-run.*--force/s,
  },
  {
    name: 'symlink to a file outside the project',
    args: ['new', '--yes', '--force'],
    setup: (r) => {
      const d = project(join(r, 'shop'));
      writeFileSync(join(r, 'outside'), 'keep\n');
      rmSync(join(d, 'Makefile'));
      symlinkSync(join(r, 'outside'), join(d, 'Makefile'));
      return d;
    },
    problem: /Makefile is a symbolic link to .*outside, outside the project/,
    fix: /Replace the link with a real file or folder/,
  },
  {
    name: 'symlinked folder outside the project',
    args: ['new', '--yes', '--force'],
    setup: (r) => {
      const d = project(join(r, 'shop'));
      mkdirSync(join(r, 'elsewhere'));
      rmSync(join(d, 'scripts'), { recursive: true });
      symlinkSync(join(r, 'elsewhere'), join(d, 'scripts'));
      return d;
    },
    problem: /scripts is a symbolic link to .*elsewhere, outside the project/,
    fix: /Replace the link/,
  },
  {
    name: 'a folder where a file goes',
    args: ['new', '--yes', '--force'],
    setup: (r) => {
      const d = project(join(r, 'shop'));
      rmSync(join(d, 'Makefile'));
      mkdirSync(join(d, 'Makefile'));
      return d;
    },
    problem: /Makefile exists but is not a regular file/,
    fix: /move it away and run again/,
  },
  {
    name: 'read-only folder (permission denied)',
    args: ['new', 'svc', '--yes'],
    unprivileged: true,
    setup: (r) => {
      mkdirSync(join(r, 'ro'));
      chmodSync(join(r, 'ro'), 0o555);
      return join(r, 'ro');
    },
    problem: /could not write \S+: permission denied: .*\/ro is not writable by you/,
    fix: /fix its permissions \(e\.g\. `chmod u\+w .*\/ro`\) or choose another folder/,
  },
  {
    name: 'read-only file system',
    args: ['new', 'svc', '--yes'],
    mount: (r) => [
      ['mount', '--bind', r, r],
      ['mount', '-o', 'remount,bind,ro', r],
    ],
    problem: /is on a read-only file system/,
    fix: /choose a writable folder/,
  },
  {
    name: 'full disk',
    args: ['new', 'svc', '--yes'],
    mount: (r) => [['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', r]],
    problem: /no space left on the device holding/,
    fix: /free some space and run again/,
  },
  {
    name: 'Ctrl-C while writing a new project',
    args: ['new', 'svc', '--yes'],
    signal: 'SIGINT',
    code: 130,
    problem: /interrupted by SIGINT/,
    fix: /nothing was changed/,
  },
  {
    name: 'SIGTERM while adding a service',
    args: ['add', 'redis'],
    setup: inProject({ cache: 'none' }),
    signal: 'SIGTERM',
    code: 143,
    problem: /interrupted by SIGTERM/,
    fix: /nothing was changed/,
  },
  // add
  { name: 'add outside a project', args: ['add', 'redis'], problem: /is not a pydocker project/, fix: /Run this inside a project made by `pydocker new`/ },
  {
    name: 'add an unknown kind',
    args: ['add', 'kafka'],
    setup: inProject(),
    problem: /unknown kind "kafka"/,
    fix: /kinds: postgres, mysql, mariadb, sqlite, redis/,
  },
  {
    name: 'add into a filled slot',
    args: ['add', 'memcached'],
    setup: inProject(),
    problem: /cache is already redis; a project has one cache, so memcached cannot be added/,
    fix: /Kinds you can add: /,
  },
  {
    name: 'add with a malformed compose.yaml',
    args: ['add', 'rabbitmq'],
    setup: (r) => {
      const d = project(join(r, 'shop'));
      writeFileSync(join(d, 'compose.yaml'), 'services:\n  web: [\n');
      return d;
    },
    problem: /compose\.yaml/,
    fix: /line \d+/,
  },
  {
    name: 'add with a corrupt .yo-rc.json',
    args: ['add', 'redis'],
    setup: (r) => {
      const d = project(join(r, 'shop'));
      writeFileSync(join(d, '.yo-rc.json'), '{');
      return d;
    },
    problem: /\.yo-rc\.json is not valid JSON/,
    fix: /fix or delete it/,
  },
  {
    name: 'add with an answer flag',
    args: ['add', 'redis', '--framework', 'flask'],
    setup: inProject({ cache: 'none' }),
    problem: /`pydocker add` takes a kind/,
    fix: /the project's answers are in its \.yo-rc\.json/,
  },
  {
    name: 'add a worker to a project with no broker',
    args: ['add', 'worker'],
    setup: inProject({ cache: 'none' }),
    problem: /the worker needs a broker and this project has none/,
    fix: /pass --broker rabbitmq/,
  },
  // Presets and answers files
  {
    name: 'missing preset folder',
    args: ['new', 'x', '--yes', '--preset', './nope'],
    problem: /preset folder .*nope does not exist/,
    fix: /give a folder holding pydocker-preset\.yaml/,
  },
  {
    name: 'malformed preset',
    args: ['new', 'x', '--yes', '--preset', './acme'],
    setup: preset('name: acme\nversion: [\n'),
    problem: /pydocker-preset\.yaml/,
    fix: /line \d+|expected|must/,
  },
  {
    name: 'flag against a preset lock',
    args: ['new', 'x', '--yes', '--preset', './acme', '--cache', 'redis'],
    setup: preset('name: acme\nversion: 1.0.0\nlocked:\n  cache: none\n'),
    problem: /cache is locked to "none" by preset "acme"/,
    fix: /it cannot be "redis"/,
  },
  {
    name: 'missing answers file',
    args: ['new', 'x', '--answers', 'answers.yaml'],
    problem: /answers file .*answers\.yaml does not exist/,
    fix: /pydocker new --print-answers > answers\.yaml/,
  },
  {
    name: 'malformed answers file',
    args: ['new', 'x', '--answers', 'a.yaml'],
    setup: (r) => writeFileSync(join(r, 'a.yaml'), 'framework: [\n'),
    problem: /a\.yaml is not valid YAML\/JSON/,
    fix: /at line \d+/,
  },
  {
    name: 'unknown key in answers file',
    args: ['new', 'x', '--answers', 'a.yaml'],
    setup: (r) => writeFileSync(join(r, 'a.yaml'), 'colour: red\n'),
    problem: /a\.yaml: unknown answer "colour"/,
    fix: /known answers: name, description/,
  },
];

function runCase(c: Case, cwd: string): Promise<{ code: number | null; out: string }> {
  const cmd = c.unprivileged && isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
  return new Promise((resolve) => {
    const env = { ...process.env, NO_UPDATE_NOTIFIER: '1', ...(c.signal ? { PYDOCKER_WRITE_PAUSE_AT: '5' } : {}) };
    const child = spawn(cmd[0]!, [...cmd.slice(1), BIN, ...c.args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    const take = (d: Buffer) => {
      out += d.toString();
      if (c.signal && !sent && out.includes('paused at write step 5')) sent = child.kill(c.signal);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => resolve({ code, out }));
  });
}

test(`${CASES.length} bad inputs and hostile situations: exit code, the problem, the fix, an unchanged tree`, async () => {
  assert.ok(CASES.length >= 40);
  const skipped: string[] = [];
  const failed: string[] = [];
  for (const c of CASES) {
    const root = mkdtempSync(join(tmpdir(), 'pydocker-hostile-'));
    chmodSync(root, 0o755);
    const mounts = c.mount?.(root) ?? [];
    if (mounts.length > 0 && mounts.some((m) => spawnSync(m[0]!, m.slice(1)).status !== 0)) {
      skipped.push(`${c.name} (no mount rights here)`);
      continue;
    }
    try {
      const made = c.setup?.(root);
      const cwd = typeof made === 'string' ? made : root;
      const before = snapshot(root);
      const r = await runCase(c, cwd);
      try {
        assert.is(r.code, c.code ?? 2, `${c.name}: exit code\n${r.out}`);
        assert.match(r.out, c.problem, `${c.name}: names the problem`);
        assert.match(r.out, c.fix, `${c.name}: gives the fix`);
        assert.not.match(r.out, /\n\s+at [\w.<>]+ \(/, `${c.name}: no stack trace`);
        assert.equal(treeDiff(before, snapshot(root)), [], `${c.name}: the tree changed`);
      } catch (err) {
        failed.push(`${(err as Error).message}\n${r.out}`);
      }
    } finally {
      for (let i = 0; i < mounts.length; i++) spawnSync('umount', [root]);
    }
  }
  if (skipped.length > 0) console.log(`  not run here: ${skipped.join('; ')}`);
  assert.equal(failed, [], failed.join('\n---\n'));
});

test.run();
