// Tier 1 of "prove every combination": every valid combination of choices is rendered and every independent
// validator runs on it. Writes reports/matrix.json (git-ignored) and prints a summary.
// MATRIX_SAMPLE=n checks n combinations spread over the matrix instead of all (for quick local runs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  COMBINATION_COUNT,
  MATRIX_IDENTITIES,
  MATRIX_PORTS,
  MATRIX_PYTHONS,
  combinationLabel,
  combinations,
  isValidObservability,
  observabilitySubsets,
} from '../src/answers/combinations.js';
import { AnswerError, checkAnswers } from '../src/answers/validate.js';
import { type Answers, CACHES, DATABASES, FRAMEWORKS, PROXIES, PYTHONS, defaultsFor } from '../src/answers/options.js';
import { pythonImage } from '../src/components/pins.js';
import { plan } from '../src/plan/plan.js';
import { CHECKS, CHECK_IDS, type CheckId } from './verify/checks.js';
import { runMatrix } from './verify/matrix.js';
import { renderTolerant } from './verify/project.js';

const all = combinations();

test('combinations: every structural choice crossed fully, each one valid and distinct', () => {
  assert.is(observabilitySubsets().length, 12);
  assert.ok(observabilitySubsets().every(isValidObservability));
  assert.is(COMBINATION_COUNT, FRAMEWORKS.length * DATABASES.length * CACHES.length * PROXIES.length * 12);
  assert.is(all.length, COMBINATION_COUNT);
  const structural = new Set(all.map((a) => [a.framework, a.database, a.cache, a.proxy, a.observability.join('+')].join('/')));
  assert.is(structural.size, all.length, 'no structural combination twice');
  assert.is(new Set(all.map(combinationLabel)).size, all.length, 'labels are unique');
  for (const a of all) plan(a); // throws on an invalid one
});

test('combinations: value-only answers are crossed pairwise with every other answer', () => {
  const value = (a: Answers, k: string): string => {
    const v = (a as unknown as Record<string, unknown>)[k];
    return Array.isArray(v) ? v.join('+') : String(v);
  };
  const keys = ['framework', 'database', 'cache', 'proxy', 'observability', 'python', 'port', 'name'];
  const domain = (k: string) => new Set(all.map((a) => value(a, k)));
  assert.is(domain('python').size, MATRIX_PYTHONS.length);
  assert.is(domain('port').size, MATRIX_PORTS.length);
  assert.is(domain('name').size, MATRIX_IDENTITIES.length);
  // A pair is required unless the answer rules reject it in every combination (e.g. a port another service
  // publishes): the same combinations with each port in turn say which pairs can exist at all.
  const possible = new Set<string>();
  for (const a of all) {
    for (const port of MATRIX_PORTS) {
      const b = { ...a, port };
      if (checkAnswers(b).length === 0) for (const k of keys) possible.add(`port=${port}|${k}=${value(b, k)}`);
    }
  }
  for (const v of ['python', 'port', 'name']) {
    for (const k of keys) {
      if (k === v) continue;
      const pairs = new Set(all.map((a) => `${v}=${value(a, v)}|${k}=${value(a, k)}`));
      for (const x of domain(v)) {
        for (const y of domain(k)) {
          const pair = `${v}=${x}|${k}=${y}`;
          if (v === 'port' && !possible.has(pair)) continue;
          assert.ok(pairs.has(pair), `${pair} never occurs`);
        }
      }
    }
  }
});

test('plan() rejects grafana without prometheus, saying why and how to fix it', () => {
  for (const observability of [['grafana'], ['grafana', 'otel', 'sentry']] as Answers['observability'][]) {
    assert.not.ok(isValidObservability(observability));
    try {
      plan({ ...defaultsFor('demo'), observability });
      assert.unreachable('plan accepted grafana without prometheus');
    } catch (err) {
      assert.instance(err, AnswerError);
      assert.match((err as Error).message, /grafana needs prometheus/);
      assert.match((err as Error).message, /prometheus,grafana/);
    }
  }
});

/** Rewrites every way a text spells one Python version (3.13.7, 3.13, py313, cp313) as another. */
function swapPython(text: string, from: string, to: string): string {
  const patch = (v: string) =>
    pythonImage(v as Answers['python'])
      .replace(/^python:/, '')
      .split('-')[0]!;
  const digits = (v: string) => v.replace('.', '');
  return text
    .replaceAll(patch(from), patch(to))
    .replace(new RegExp(`(?<![\\d.])${from.replace('.', '\\.')}(?![\\d])`, 'g'), to)
    .replace(new RegExp(`\\b(py|cp)${digits(from)}\\b`, 'g'), `$1${digits(to)}`);
}

test('python only changes version strings (the FROM lines and other version pins), so crossing it pairwise is enough', () => {
  const [first, ...rest] = PYTHONS;
  const carriers = new Set<string>();
  for (const framework of FRAMEWORKS) {
    const base: Answers = { ...defaultsFor('py-check'), framework, observability: ['prometheus', 'grafana', 'otel', 'sentry'] };
    const a = renderTolerant({ ...base, python: first });
    for (const python of rest) {
      const b = renderTolerant({ ...base, python });
      assert.equal([...b.project.files.keys()], [...a.project.files.keys()], `${framework}: the same files for python ${first} and ${python}`);
      assert.equal([...b.failures.keys()], [...a.failures.keys()]);
      for (const [path, textA] of a.project.files) {
        const textB = b.project.files.get(path)!;
        if (textA === textB) continue;
        carriers.add(path);
        // Line by line: a line may differ only by spelling the other version (a constant such as a minimum
        // supported version may stay as it is, hence both directions).
        const la = textA.split('\n');
        const lb = textB.split('\n');
        assert.is(lb.length, la.length, `${framework}: ${path} has another number of lines for python ${python}`);
        la.forEach((line, i) => {
          const other = lb[i]!;
          if (line === other || swapPython(line, first, python) === other || swapPython(other, python, first) === line) return;
          assert.unreachable(
            `${framework}: ${path} differs between python ${first} and ${python} beyond version strings, line ${i + 1}:\n  ${line}\n  ${other}`,
          );
        });
      }
    }
  }
  assert.ok(carriers.has('Dockerfile'), 'the Dockerfile names the Python image');
  console.log(`  python version appears in: ${[...carriers].sort().join(', ')}`);
});

test('every combination passes every check', async () => {
  const sample = Number(process.env.MATRIX_SAMPLE ?? 0);
  const combos = sample > 0 ? all.filter((_, i) => i % Math.max(1, Math.floor(all.length / sample)) === 0).slice(0, sample) : all;
  console.log(`\n  matrix: ${combos.length} combinations x ${CHECK_IDS.length} checks`);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const { results, timing, workers } = await runMatrix(combos);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  const perCheck = new Map<CheckId, { failed: string[]; first?: string }>(CHECK_IDS.map((c) => [c, { failed: [] }]));
  const failing: { label: string; first: string; checks: CheckId[] }[] = [];
  for (const r of results) {
    const checks = [...new Set(r.problems.map((p) => p.check))];
    for (const c of checks) {
      const entry = perCheck.get(c)!;
      entry.failed.push(r.label);
      if (!entry.first) {
        const p = r.problems.find((x) => x.check === c)!;
        entry.first = `${r.label}: ${p.file}: ${p.message}`;
      }
    }
    if (r.problems.length > 0) failing.push({ label: r.label, first: `[${r.problems[0]!.check}] ${r.problems[0]!.file}: ${r.problems[0]!.message}`, checks });
  }

  const report = {
    combinations: combos.length,
    checks: CHECKS,
    seconds: Number(seconds.toFixed(2)),
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    workers,
    threadSecondsByPhase: Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, Number((v / 1000).toFixed(2))])),
    summary: Object.fromEntries(
      [...perCheck].map(([c, e]) => [c, { passed: combos.length - e.failed.length, failed: e.failed.length, ...(e.first ? { first: e.first } : {}) }]),
    ),
    failing: failing.map((f) => f.label),
    results: results.map((r) => ({
      label: r.label,
      answers: r.answers,
      checks: Object.fromEntries(CHECK_IDS.map((c) => [c, r.problems.some((p) => p.check === c) ? 'fail' : 'pass'])),
      problems: r.problems,
    })),
  };
  const reports = new URL('../reports/', import.meta.url);
  mkdirSync(reports, { recursive: true });
  writeFileSync(new URL('matrix.json', reports), `${JSON.stringify(report, null, 1)}\n`);

  console.log(
    `  ${combos.length} combinations in ${seconds.toFixed(1)} s on ${workers} worker(s), ${cpuSeconds.toFixed(1)} s of CPU in this process` +
      ` (worker time: render ${(timing.render / 1000).toFixed(1)} s, checks ${(timing.checks / 1000).toFixed(1)} s, python3/bash ${(timing.tools / 1000).toFixed(1)} s)`,
  );
  for (const [c, e] of perCheck) {
    const mark = e.failed.length === 0 ? 'pass' : 'FAIL';
    console.log(`  ${mark} ${c.padEnd(27)} ${String(combos.length - e.failed.length).padStart(5)}/${combos.length}${e.first ? `  first: ${e.first}` : ''}`);
  }
  if (failing.length > 0) {
    console.log(`\n  ${failing.length} failing combination(s) (all of them with every problem in reports/matrix.json):`);
    for (const f of failing.slice(0, 30)) console.log(`  FAIL ${f.label}  ${f.first}`);
    if (failing.length > 30) console.log(`  ... and ${failing.length - 30} more`);
  }
  assert.ok(
    failing.length === 0,
    `${failing.length} of ${combos.length} combinations fail (listed above; every problem in reports/matrix.json), e.g. ${failing[0]?.label} ${failing[0]?.first}`,
  );
});

test.run();
