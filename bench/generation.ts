// Generation benchmark: wall time of real `pydocker` commands, each run interleaved with a bare `node -e 0`
// so every figure is also a ratio measured side by side on the same (shared, noisy) machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/pydocker.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const FULL = ['--framework', 'fastapi', '--database', 'postgres', '--cache', 'redis', '--proxy', 'nginx', '--observability', 'prometheus,grafana,otel,sentry'];

interface Case {
  name: string;
  /** Prepares a fresh folder and returns the argv to time in it. */
  setup(dir: string): string[];
}

function run(argv: string[], cwd: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

const LOCK_STEP = `
const { uvLock } = await import(${JSON.stringify(fileURLToPath(new URL('../dist/lock/uv-lock.js', import.meta.url)))});
const { plan } = await import(${JSON.stringify(fileURLToPath(new URL('../dist/plan/plan.js', import.meta.url)))});
const { defaultsFor } = await import(${JSON.stringify(fileURLToPath(new URL('../dist/answers/options.js', import.meta.url)))});
const p = plan(defaultsFor('svc'));
uvLock('svc', p.requirements, p.devRequirements);`;
const PLAN_ONLY = LOCK_STEP.replace(/^.*uvLock.*$/gm, '');

const cases: Case[] = [
  { name: 'pydocker --help', setup: () => [BIN, '--help'] },
  { name: 'pydocker new --yes (default stack)', setup: () => [BIN, 'new', 'svc', '--yes'] },
  { name: 'pydocker new --yes (full-featured stack)', setup: () => [BIN, 'new', 'svc', '--yes', ...FULL] },
  { name: 'pydocker new --yes --packaging pip', setup: () => [BIN, 'new', 'svc', '--yes', '--packaging', 'pip'] },
  // The planner and the lock step alone, as a one-shot process pays them: plan the default stack, read and parse
  // the shipped resolution, write its uv.lock (all of which `new --yes` above includes).
  { name: 'plan only (default, one process)', setup: () => ['--input-type=module', '-e', PLAN_ONLY] },
  { name: 'plan + uv.lock only (default, one process)', setup: () => ['--input-type=module', '-e', LOCK_STEP] },
  {
    name: 'pydocker add redis (existing project)',
    setup: (dir) => {
      run([BIN, 'new', 'svc', '--yes', '--cache', 'none'], dir);
      return [BIN, 'add', 'redis'];
    },
  },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export function benchGeneration(): Array<{ name: string; ms: number; baseline: number; ratio: number }> {
  const rows = [];
  for (const c of cases) {
    const times: number[] = [];
    const baselines: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'pydocker-bench-'));
      const argv = c.setup(dir);
      const cwd = c.name.includes('add') ? join(dir, 'svc') : dir;
      baselines.push(run(['-e', '0'], cwd));
      times.push(run(argv, cwd));
      rmSync(dir, { recursive: true, force: true });
    }
    const ms = median(times);
    const baseline = median(baselines);
    rows.push({ name: c.name, ms, baseline, ratio: ms / baseline });
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`Generation: median of ${RUNS} runs each, interleaved with \`node -e 0\` (${process.version}, ${process.arch})`);
  console.log(`${'command'.padEnd(48)}${'median ms'.padStart(10)}${'node -e 0'.padStart(11)}${'ratio'.padStart(8)}`);
  for (const r of benchGeneration()) {
    console.log(`${r.name.padEnd(48)}${r.ms.toFixed(0).padStart(10)}${r.baseline.toFixed(0).padStart(11)}${`${r.ratio.toFixed(1)}x`.padStart(8)}`);
  }
}
