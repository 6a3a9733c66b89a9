// A real Prometheus (Debian's) inside the live sandbox with the generated prometheus.yml (a copy whose
// intervals are 1 s, so a scrape happens at once), started with the flags of the compose `prometheus` service;
// the app's target (web:<port>) must become `up`. And `promtool check metrics` on the app's /metrics.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { composeService, readCompose, requireTool } from '../tools/common.js';
import { prometheusConfigPath } from '../tools/prometheus.js';
import { shortTemp } from './paths.js';
import { runCommand, tail, waitFor } from './proc.js';
import type { Sandbox } from './sandbox.js';

interface Target {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: string;
  lastError: string;
}

/** Starts Prometheus, waits for the target at `address` (e.g. web:8000) to be up; returns a summary. */
export async function prometheusScrapes(sandbox: Sandbox, projectDir: string, address: string, logDir: string): Promise<string> {
  const config = prometheusConfigPath(projectDir, 'prod');
  const dir = shortTemp('prom');
  const log = join(logDir, 'prometheus.log');
  try {
    const folder = join(dir, 'etc');
    cpSync(dirname(config), folder, { recursive: true });
    const copy = join(folder, basename(config));
    const text = readFileSync(copy, 'utf8');
    const fast = text.replace(/^(\s*(?:scrape_interval|evaluation_interval|scrape_timeout):\s*)\S+/gm, '$11s');
    writeFileSync(copy, fast);

    // The compose command, with the config and storage paths of this copy.
    const service = composeService(readCompose(projectDir, 'prod'), 'prometheus', 'compose.prod.yaml');
    const flags = ((service.command as string[] | undefined) ?? []).filter((f) => !/^--(config\.file|storage\.tsdb\.path)=/.test(f));
    const argv = [requireTool('prometheus'), `--config.file=${copy}`, `--storage.tsdb.path=${join(dir, 'data')}`, ...flags];
    const p = await sandbox.exec(argv, { env: { PATH: '/usr/bin:/bin', HOME: dir }, cwd: folder, log });
    try {
      let last: Target | undefined;
      const up = await waitFor(
        `Prometheus target ${address} to be up`,
        40_000,
        async () => {
          if (!p.running()) throw new Error(`prometheus exited ${await p.exited}: ${tail(log, 10)}`);
          const r = await sandbox.request(9090, { path: '/api/v1/targets?state=active', timeoutMs: 3000 });
          if (r.status !== 200) return undefined;
          const targets = (JSON.parse(r.body) as { data: { activeTargets: Target[] } }).data.activeTargets;
          last = targets.find((t) => t.labels.instance === address || t.scrapeUrl.includes(`//${address}/`));
          if (!last) throw new Error(`no target ${address} among ${targets.map((t) => t.labels.instance).join(', ')}`);
          return last.health === 'up' ? last : undefined;
        },
        500,
      ).catch((err: Error) => {
        throw new Error(`${err.message}${last ? ` (health ${last.health}, last error: ${last.lastError || 'none'})` : ''}`);
      });
      // Something the app counts made it into Prometheus.
      const q = await sandbox.request(9090, { path: `/api/v1/query?query=${encodeURIComponent('sum(http_requests_total)')}` });
      const result = (JSON.parse(q.body) as { data?: { result?: Array<{ value: [number, string] }> } }).data?.result ?? [];
      const total = result[0]?.value[1];
      if (total === undefined) throw new Error(`target ${address} is up but sum(http_requests_total) has no value: ${q.body.slice(0, 200)}`);
      return `job ${up.labels.job}: ${address} up, sum(http_requests_total)=${total}`;
    } finally {
      await sandbox.stopProcess(p, 'SIGTERM', 10_000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool check metrics` on an exposition (stdin), as the Prometheus project lints instrumentation. */
export async function promtoolCheckMetrics(body: string) {
  return runCommand(requireTool('promtool'), ['check', 'metrics'], { input: body, timeoutMs: 30_000 });
}
