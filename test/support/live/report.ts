// reports/e2e.json (combination × check → pass/fail and message) and the summary table printed at the end.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FACTORS } from './matrix.js';
import { REPORTS, REPO, ensureDir } from './paths.js';
import type { Combination, CombinationResult } from './run.js';

/** Column order of the table; dep:* checks are shown together. */
const COLUMNS = [
  'generate',
  'venv',
  'servers',
  'pytest',
  'ruff',
  'sandbox',
  'migrate',
  'start',
  'confined',
  'health',
  'ready',
  'dep:*',
  'ready-timeout',
  'metrics',
  'proxy:*',
  'prometheus',
  'graceful-stop',
  'stop',
  'no-strays',
  'logs',
  'otel',
];

function mark(results: CombinationResult, column: string): string {
  const names = column.endsWith('*') ? Object.keys(results.checks).filter((n) => n.startsWith(column.slice(0, -1))) : [column];
  const outcomes = names.map((n) => results.checks[n]).filter((o) => o !== undefined);
  if (!outcomes.length) return '';
  if (outcomes.some((o) => o.ok === false)) return 'FAIL';
  if (outcomes.every((o) => o.ok === null)) return '-';
  return 'ok';
}

export function summaryTable(results: CombinationResult[]): string {
  const used = COLUMNS.filter((col) => results.some((r) => mark(r, col) !== ''));
  const header = ['combination', ...used.map((c) => c.replace(':*', ''))];
  const rows = results.map((r) => [r.id, ...used.map((c) => mark(r, c) || '·')]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function coveringSetTable(matrix: Combination[]): string {
  const names = Object.keys(FACTORS);
  const header = ['id', ...names, 'observability', 'why'];
  const rows = matrix.map((c) => [
    c.id,
    ...names.map((n) => String(c.answers[n as keyof Combination['answers']])),
    c.answers.observability.join(',') || 'none',
    c.roles.join('+'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function failures(r: CombinationResult): string[] {
  return Object.entries(r.checks)
    .filter(([, o]) => o.ok === false)
    .map(([name, o]) => `${name}: ${o.message}`);
}

export function writeReport(data: {
  startedAt: Date;
  matrix: Combination[];
  results: CombinationResult[];
  jobs: number;
  python: string;
  servers: Record<string, string | undefined>;
}): string {
  ensureDir(REPORTS);
  const path = join(REPORTS, 'e2e.json');
  const rel = (p: string) => p.replace(`${REPO}/`, '');
  const json = {
    generatedAt: new Date().toISOString(),
    durationMs: Date.now() - data.startedAt.getTime(),
    jobs: data.jobs,
    python: data.python,
    servers: Object.fromEntries(Object.entries(data.servers).map(([k, v]) => [k, v ?? 'ok'])),
    coveringSet: data.matrix.map((c) => ({ id: c.id, ...c.answers, roles: c.roles })),
    summary: {
      combinations: data.results.length,
      checks: data.results.reduce((n, r) => n + Object.keys(r.checks).length, 0),
      passed: data.results.reduce((n, r) => n + Object.values(r.checks).filter((o) => o.ok === true).length, 0),
      failed: data.results.reduce((n, r) => n + Object.values(r.checks).filter((o) => o.ok === false).length, 0),
      notRun: data.results.reduce((n, r) => n + Object.values(r.checks).filter((o) => o.ok === null).length, 0),
    },
    combinations: data.results.map((r) => ({
      id: r.id,
      answers: r.answers,
      roles: r.roles,
      durationMs: r.ms,
      projectDir: rel(r.projectDir),
      logDir: rel(r.logDir),
      checks: Object.fromEntries(
        Object.entries(r.checks).map(([name, o]) => [
          name,
          { result: o.ok === true ? 'pass' : o.ok === false ? 'fail' : 'not run', ms: o.ms, message: o.message },
        ]),
      ),
    })),
  };
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  return path;
}
