// Tier 3: generated images built by a real Docker engine and run by the real Docker Compose (test/support/engine).
// Rows: every pair of framework × database × cache × packaging at least once (a pairwise covering set); the
// first row of each framework builds and runs every target (runtime, debug, dev: the project's pytest inside
// its dev container) and waits for Docker's healthcheck. A last pair of tests runs compose.prod.yaml's networks on
// the engine's real bridges (support/engine/networks.ts); then compose.prod.yaml's cache service runs on a
// stand-in of its image with its secret file (support/engine/cache.ts). Sizes, layers and build times go to reports/engine.json.
// Environment: ENGINE_ONLY (regular expression on row ids), PYDOCKER_ENGINE_CACHE (the engine's cache folder).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CACHES, DATABASES, FRAMEWORKS, PACKAGINGS, type Answers } from '../../src/answers/options.js';
import { cacheAsRoot, runCacheCheck } from '../support/engine/cache.js';
import { forEngine20 } from '../support/engine/images.js';
import { runServiceCheck, STAND_INS } from '../support/engine/services.js';
import { proxyOnBackend, runNetworkCheck } from '../support/engine/networks.js';
import { type EngineResult, type EngineRow, runEngineStack } from '../support/engine/stack.js';
import { coveringSet, uncoveredPairs } from '../support/live/combos.js';
import { REPORTS, RUN_DIR } from '../support/live/paths.js';

const FACTORS = { framework: FRAMEWORKS, database: DATABASES, cache: CACHES, packaging: PACKAGINGS };
const seed = FRAMEWORKS.map((framework, i) => ({
  framework,
  database: ['postgres', 'mysql', 'mariadb'][i]!,
  cache: ['redis', 'memcached', 'valkey'][i]!,
  packaging: i === 1 ? 'pip' : 'uv',
}));
const covering = coveringSet(FACTORS, seed);
const rows: EngineRow[] = covering.map((r, i) => ({
  id: `${r.framework}-${r.database}-${r.cache}${r.packaging === 'pip' ? '-pip' : ''}`,
  // The stacks that build every target also run the image as their Kubernetes Deployment would.
  answers: { ...(r as Partial<Answers>), proxy: 'none', observability: ['prometheus'], extras: i < seed.length ? ['kubernetes'] : [] },
  full: i < seed.length,
}));
const only = process.env.ENGINE_ONLY ? new RegExp(process.env.ENGINE_ONLY) : undefined;
const selected = rows.filter((r) => !only || only.test(r.id));
const dir = join(RUN_DIR, 'engine');

test('the rows cover every pair of framework, database, cache and packaging', () => {
  assert.equal(uncoveredPairs(FACTORS, covering), []);
});

test('forEngine20 drops exactly the syntax directive and --start-interval', () => {
  const { text, changes } = forEngine20('# syntax=docker/dockerfile:1\nFROM x\nHEALTHCHECK --interval=5s --start-interval=2s --retries=3 \\\n  CMD ["true"]\n');
  assert.equal(text, 'FROM x\nHEALTHCHECK --interval=5s --retries=3 \\\n  CMD ["true"]\n');
  assert.equal(changes.length, 2);
});

const results: EngineResult[] = [];
console.log(`\ntier 3: ${selected.length} stacks built and run by dockerd in its own namespaces\n`);
for (const row of selected) {
  test(`tier 3 ${row.id}${row.full ? ' (every target)' : ''}`, async () => {
    mkdirSync(dir, { recursive: true });
    const r = await runEngineStack(row, dir);
    results.push(r);
    for (const c of r.checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${row.id} ${c.name}: ${c.ok ? c.message : c.message.split('\n')[0]}`);
    const failed = r.checks.filter((c) => !c.ok);
    assert.ok(failed.length === 0, failed.map((c) => `${c.name}: ${c.message}`).join('\n\n'));
    assert.ok(
      r.checks.some((c) => c.name === 'stop' && c.ok),
      'the stack did not get as far as stopping',
    );
  });
}

test('tier 3 fails a stack whose production web service keeps its capabilities, may gain privileges and has its database URL in its environment', async () => {
  if (only && !only.test('broken')) return;
  const r = await runEngineStack(
    {
      id: 'broken-fastapi',
      answers: { framework: 'fastapi', database: 'postgres', cache: 'none', proxy: 'none', observability: ['prometheus'], extras: [] },
      full: false,
      mutate: (projectDir) => {
        const file = join(projectDir, 'compose.prod.yaml');
        const text = readFileSync(file, 'utf8');
        const url = /secret "\$1" database_url "([^"]*)"/.exec(readFileSync(join(projectDir, 'scripts/lib.sh'), 'utf8'))?.[1];
        assert.ok(url, 'lib.sh writes database_url');
        const broken = text
          .replace(/(\n {2}web:[\s\S]*?)\n {4}cap_drop:\n {6}- ALL/, '$1')
          .replace(/(\n {2}web:[\s\S]*?)\n {4}security_opt:\n {6}- no-new-privileges:true/, '$1')
          .replaceAll('DATABASE_URL_FILE: /run/secrets/database_url', `DATABASE_URL: ${url}`);
        assert.is.not(broken, text);
        writeFileSync(file, broken);
      },
    },
    dir,
  );
  const confined = r.checks.find((c) => c.name === 'confined');
  assert.ok(confined && !confined.ok, JSON.stringify(r.checks, null, 2));
  assert.match(confined.message, /capabilities eff 0 prm 0 bnd [1-9]/);
  assert.match(confined.message, /without no_new_privs/);
  assert.match(confined.message, /DATABASE_URL in Config\.Env holds a secret value/);
});

test('tier 3 networks: web reaches the database, the proxy reaches web and not the database', async () => {
  if (only && !only.test('networks')) return;
  const r = await runNetworkCheck(dir);
  console.log(`  networks: ${JSON.stringify(r.reached)}`);
  assert.equal(r.problems, []);
});

test('tier 3 networks: a proxy put on the backend network is caught', async () => {
  if (only && !only.test('networks')) return;
  const r = await runNetworkCheck(dir, proxyOnBackend);
  assert.ok(r.problems.includes('the proxy reaches the database by its service name'), r.problems.join('\n'));
  assert.ok(
    r.problems.some((p) => p.startsWith('the proxy reaches the database at its backend address')),
    r.problems.join('\n'),
  );
});

for (const cache of ['redis', 'valkey'] as const) {
  test(`tier 3 cache: compose.prod.yaml's ${cache} runs as its image's user, confined, its password only in the secret file`, async () => {
    if (only && !only.test(`cache-${cache}`)) return;
    const r = await runCacheCheck(dir, cache);
    for (const c of r.checks) console.log(`  ok   cache ${cache}: ${c}`);
    assert.equal(r.problems, []);
  });
}

for (const id of Object.keys(STAND_INS)) {
  test(`tier 3 service: compose.prod.yaml's ${id} runs confined, with each capability it adds shown needed`, async () => {
    if (only && !only.test(`service-${id}`)) return;
    const r = await runServiceCheck(dir, id);
    for (const c of r.checks) console.log(`  ok   service ${id}: ${c}`);
    assert.equal(r.problems, []);
  });
}

test('tier 3 cache: a cache service left to run as root is caught', async () => {
  if (only && !only.test('cache-broken')) return;
  const r = await runCacheCheck(dir, 'redis', cacheAsRoot);
  assert.ok(
    r.problems.some((p) => p.startsWith('the server runs as root')),
    r.problems.join('\n'),
  );
});

test.after(() => {
  mkdirSync(REPORTS, { recursive: true });
  writeFileSync(join(REPORTS, 'engine.json'), `${JSON.stringify({ finishedAt: new Date().toISOString(), results }, null, 2)}\n`);
  if (results.every((r) => r.checks.every((c) => c.ok))) rmSync(dir, { recursive: true, force: true });
});

test.run();
