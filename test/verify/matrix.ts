// Runs every validator on many combinations: render, check in this process, then the batched tools.
// Work is split over worker threads (one per core, at most `workers`); each worker renders and checks its
// share and runs one python3 for all its Python files.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Answers } from '../../src/answers/options.js';
import { combinationLabel } from '../../src/answers/combinations.js';
import { BatchChecks } from './external.js';
import { verifyInProcess } from './index.js';
import { type Problem, renderTolerant } from './project.js';

export interface CombinationResult {
  label: string;
  answers: Answers;
  problems: Problem[];
}

export interface Timing {
  render: number;
  checks: number;
  tools: number;
}

// A worker starts without the tsx loader that runs these tests: register it, then load the TypeScript entry.
const WORKER_ENTRY = new URL('./matrix-worker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry); });
`;

/** Checks a list of combinations in this thread. */
export function checkCombinations(combos: Answers[]): { results: CombinationResult[]; timing: Timing } {
  const timing: Timing = { render: 0, checks: 0, tools: 0 };
  const batch = new BatchChecks();
  const results: CombinationResult[] = [];
  for (const answers of combos) {
    const label = combinationLabel(answers);
    let t = performance.now();
    let problems: Problem[];
    try {
      const { project, failures } = renderTolerant(answers);
      timing.render += performance.now() - t;
      t = performance.now();
      problems = [...failures].map(([file, message]) => ({ file, check: 'render' as const, message }));
      problems.push(...verifyInProcess(project));
      batch.add(label, project);
      timing.checks += performance.now() - t;
    } catch (err) {
      problems = [{ file: '(plan/render)', check: 'render', message: (err as Error).message }];
    }
    results.push({ label, answers, problems });
  }
  const t = performance.now();
  const external = batch.run();
  timing.tools += performance.now() - t;
  for (const r of results) r.problems.push(...(external.get(r.label) ?? []));
  return { results, timing };
}

/** Checks every combination, in parallel when there is more than one core. */
export async function runMatrix(
  combos: Answers[],
  options: { workers?: number } = {},
): Promise<{ results: CombinationResult[]; timing: Timing; workers: number }> {
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), combos.length));
  if (workers === 1) return { ...checkCombinations(combos), workers };
  // Interleave, so every worker gets a similar mix of cheap and expensive combinations.
  const shares: Answers[][] = Array.from({ length: workers }, () => []);
  combos.forEach((c, i) => {
    shares[i % workers]!.push(c);
  });
  const parts = await Promise.all(
    shares.map(
      (share) =>
        new Promise<{ results: CombinationResult[]; timing: Timing }>((resolve, reject) => {
          const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: { share, entry: WORKER_ENTRY, tsx: TSX_API } });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => code !== 0 && reject(new Error(`matrix worker exited with ${code}`)));
        }),
    ),
  );
  const byLabel = new Map(parts.flatMap((p) => p.results).map((r) => [r.label, r]));
  const timing: Timing = { render: 0, checks: 0, tools: 0 };
  for (const p of parts) for (const k of ['render', 'checks', 'tools'] as const) timing[k] += p.timing[k];
  return { results: combos.map((c) => byLabel.get(combinationLabel(c))!), timing, workers };
}
