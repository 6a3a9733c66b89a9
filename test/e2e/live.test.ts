// The live tier: generated projects run for real against the real PostgreSQL, MariaDB, Redis and memcached of
// this machine, with their own proxy and Prometheus in front (test/support/live/README.md says how).
//   the default stack             every check, incl. nginx in production mode (TLS), Prometheus scraping the
//                                 app, a readiness timeout, and SIGTERM with a slow request in flight
//   a pairwise covering set       every framework × database × cache × proxy pair at least once, and the
//   + full stack per framework    full-featured stacks: CI job (migrate + pytest), ruff, migrate, start,
//                                 /health, /health/ready, each dependency broken and recovered, /metrics,
//                                 JSON logs, the proxy, stop.
// Environment: E2E_JOBS (stacks run at once, default 2), E2E_ONLY (regular expression on stack ids),
// E2E_PYTHON (a Python 3.11, default python3.11). Results: reports/e2e.json and a table on stdout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { liveMatrix, selected } from '../support/live/matrix.js';
import { pruneRunDirs } from '../support/live/paths.js';
import { isAlive } from '../support/live/proc.js';
import { coveringSetTable, failures, summaryTable, writeReport } from '../support/live/report.js';
import { type CombinationResult, type Prepared, prepare, runCombination } from '../support/live/run.js';
import { dropStaleScratchDatabases, serverStatus } from '../support/live/servers.js';
import { python, venvFor, type Venv } from '../support/live/venv.js';

const startedAt = new Date();
pruneRunDirs(isAlive);
const matrix = selected(liveMatrix());
const jobs = Math.max(1, Number(process.env.E2E_JOBS ?? 2));

console.log(`\nlive e2e: ${matrix.length} stacks, ${jobs} at a time\n${coveringSetTable(matrix)}\n`);

const servers = await serverStatus();
for (const [name, problem] of Object.entries(servers)) if (problem) console.log(`SERVER MISSING (${name}): ${problem}`);
const stale = await dropStaleScratchDatabases();
if (stale.length) console.log(`dropped ${stale.length} scratch database(s) of earlier interrupted runs`);
const py = await python().then(
  (p) => p,
  (err: Error) => ({ path: '', version: '', error: err.message }),
);

// Generate every project first, then build venvs in the background (one at a time, network-bound) while
// earlier stacks run their checks (CPU-bound).
const prepared: Prepared[] = [];
for (const c of matrix) prepared.push(await prepare(c));
const venvs = new Map<string, Promise<Venv>>();
for (const p of prepared) {
  const v: Promise<Venv> = 'error' in py ? Promise.reject(new Error(py.error)) : p.plan ? venvFor(p.projectDir) : Promise.reject(new Error('not generated'));
  v.catch(() => {});
  venvs.set(p.combination.id, v);
}

const results = new Map<string, Promise<CombinationResult>>();
const finished: CombinationResult[] = [];
let next = 0;
const slots: Array<Promise<void>> = [];
const resolvers = new Map<string, (r: CombinationResult) => void>();
for (const p of prepared) results.set(p.combination.id, new Promise((r) => resolvers.set(p.combination.id, r)));

async function worker() {
  while (next < prepared.length) {
    const index = next++;
    const p = prepared[index]!;
    const r = await runCombination(p, { venv: venvs.get(p.combination.id)!, redisIndex: (index % 15) + 1, servers });
    finished.push(r);
    const outcomes = Object.values(r.checks);
    const failed = outcomes.filter((o) => o.ok === false).length;
    console.log(
      `[e2e] ${r.id}: ${outcomes.filter((o) => o.ok).length} passed, ${failed} failed, ${outcomes.filter((o) => o.ok === null).length} not run (${(r.ms / 1000).toFixed(0)} s)`,
    );
    resolvers.get(p.combination.id)!(r);
  }
}
for (let i = 0; i < jobs; i++) slots.push(worker());

for (const c of matrix) {
  test(`${c.id} (${c.roles.join('+')})`, async () => {
    const r = await results.get(c.id)!;
    const failed = failures(r);
    assert.ok(failed.length === 0, `${failed.length} check(s) failed (logs: ${r.logDir}):\n${failed.join('\n\n')}`);
    assert.ok(Object.keys(r.checks).length > 0, 'no check ran');
  });
}

test('report: reports/e2e.json and the summary table', async () => {
  await Promise.all(slots);
  const ordered = matrix.map((c) => finished.find((r) => r.id === c.id)!).filter(Boolean);
  const path = writeReport({ startedAt, matrix, results: ordered, jobs, python: 'error' in py ? py.error : `${py.path} ${py.version}`, servers });
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  console.log(
    `\n${summaryTable(ordered)}\n\nlive e2e: ${ordered.length} stacks in ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s; report ${path}\n`,
  );
  assert.is(ordered.length, matrix.length);
});

// Leave as soon as the event loop is empty: process.exit skips Node's handle teardown, which was once seen
// spinning at 100% CPU after a run had finished.
process.once('beforeExit', (code) => process.exit(code));

test.run();
