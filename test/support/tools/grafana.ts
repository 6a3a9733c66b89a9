// Grafana provisioning of a generated project, checked the way the container sees it (no Grafana binary in
// Debian): the compose `grafana` service's mounts lead to the datasource and dashboard provider files; the
// provider's path must be a mounted folder holding the dashboards; every dashboard is valid JSON whose panels
// use a provisioned datasource uid, have unique ids and do not overlap; and every PromQL query is parsed by
// promtool (as a recording rule, Grafana's $__ variables replaced by a duration).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { type CheckResult, type Mode, bindMounts, composeService, formatOutput, hostOf, hostPathOf, readCompose, requireTool, run, scratch } from './common.js';

const PROVISIONING = '/etc/grafana/provisioning';

interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string } | string | null;
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Array<{ refId?: string; expr?: string; datasource?: { uid?: string } }>;
  panels?: Panel[];
}

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

const yamlFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => join(dir, f))
    : [];

/** Grafana's own variables in a query, replaced so promtool can parse it. */
export function promqlOf(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{__(rate_interval|interval|range)\}/g, '5m');
}

function flatPanels(panels: Panel[] = []): Panel[] {
  return panels.flatMap((p) => [p, ...flatPanels(p.panels)]);
}

export function grafanaCheck(projectDir: string, mode: Mode = 'prod'): CheckResult & { queries: DashboardQuery[] } {
  const promtool = requireTool('promtool');
  const problems: string[] = [];
  const sections: Array<[string, string]> = [];
  const queries: DashboardQuery[] = [];
  const rel = (p: string) => relative(projectDir, p);
  const done = () => {
    if (problems.length) sections.push(['problems', problems.join('\n')]);
    return { ok: problems.length === 0, output: formatOutput(sections), queries };
  };

  const compose = readCompose(projectDir, mode);
  const service = composeService(compose, 'grafana', mode);
  const mounts = bindMounts(projectDir, service);
  const services = new Set(Object.keys(compose.services));
  const provisioning = hostPathOf(mounts, PROVISIONING);
  if (!provisioning || !existsSync(provisioning)) {
    problems.push(`compose does not mount a provisioning folder at ${PROVISIONING}`);
    return done();
  }

  // Datasources: their uids are what dashboards may refer to; a URL must point at a compose service.
  const uids = new Set<string>();
  for (const file of yamlFiles(join(provisioning, 'datasources'))) {
    const doc = parse(readFileSync(file, 'utf8')) as { apiVersion?: number; datasources?: Array<Record<string, unknown>> };
    if (doc?.apiVersion !== 1) problems.push(`${rel(file)}: apiVersion must be 1`);
    for (const ds of doc?.datasources ?? []) {
      if (typeof ds.uid !== 'string' || !ds.uid) problems.push(`${rel(file)}: datasource ${String(ds.name)} has no fixed uid`);
      else uids.add(ds.uid);
      if (typeof ds.url === 'string' && !services.has(hostOf(ds.url)))
        problems.push(`${rel(file)}: ${String(ds.name)} points at ${ds.url}, not a compose service`);
    }
  }
  if (uids.size === 0) problems.push('no datasource provisioned');
  sections.push(['datasource uids', [...uids].join(', ')]);

  // Dashboard providers: each path must be a folder compose mounts, with the dashboards in it.
  const dashboards: string[] = [];
  for (const file of yamlFiles(join(provisioning, 'dashboards'))) {
    const doc = parse(readFileSync(file, 'utf8')) as { apiVersion?: number; providers?: Array<{ name?: string; type?: string; options?: { path?: string } }> };
    if (doc?.apiVersion !== 1) problems.push(`${rel(file)}: apiVersion must be 1`);
    for (const p of doc?.providers ?? []) {
      const path = p.options?.path;
      const local = path ? hostPathOf(mounts, path) : undefined;
      if (p.type !== 'file' || !path) problems.push(`${rel(file)}: provider ${p.name} is not a file provider with options.path`);
      else if (!local || !existsSync(local)) problems.push(`${rel(file)}: provider ${p.name} reads ${path}, which compose does not mount`);
      else
        dashboards.push(
          ...readdirSync(local)
            .filter((f) => f.endsWith('.json'))
            .map((f) => join(local, f)),
        );
    }
  }
  if (dashboards.length === 0) problems.push('no dashboard JSON reachable through a provider');

  const dashboardUids = new Set<string>();
  for (const file of dashboards) {
    let dash: { uid?: string; title?: string; panels?: Panel[] };
    try {
      dash = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${rel(file)}: not valid JSON: ${(err as Error).message}`);
      continue;
    }
    if (!dash.uid || dash.uid.length > 40) problems.push(`${rel(file)}: uid missing or longer than 40 characters`);
    else if (dashboardUids.has(dash.uid)) problems.push(`${rel(file)}: uid ${dash.uid} used twice`);
    else dashboardUids.add(dash.uid);
    if (!dash.title) problems.push(`${rel(file)}: no title`);
    const panels = flatPanels(dash.panels);
    if (panels.length === 0) problems.push(`${rel(file)}: no panels`);
    const ids = new Set<number>();
    const cells = new Map<string, string>();
    for (const p of panels) {
      const name = `${rel(file)} panel "${p.title ?? p.id}"`;
      if (typeof p.id !== 'number' || ids.has(p.id)) problems.push(`${name}: id missing or not unique`);
      else ids.add(p.id);
      if (p.type === 'row') continue;
      const g = p.gridPos;
      if (!g || g.x < 0 || g.w <= 0 || g.h <= 0 || g.x + g.w > 24) problems.push(`${name}: gridPos missing or outside the 24-column grid`);
      else {
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            const other = cells.get(`${x},${y}`);
            if (other) problems.push(`${name}: overlaps panel "${other}"`);
            cells.set(`${x},${y}`, p.title ?? String(p.id));
            if (other) break;
          }
        }
      }
      const dsUid = typeof p.datasource === 'object' && p.datasource ? p.datasource.uid : undefined;
      if (!dsUid || !uids.has(dsUid)) problems.push(`${name}: datasource uid ${dsUid ?? '(none)'} is not provisioned`);
      if (!p.targets?.length) problems.push(`${name}: no queries`);
      for (const t of p.targets ?? []) {
        if (t.datasource?.uid && !uids.has(t.datasource.uid)) problems.push(`${name} query ${t.refId}: datasource uid ${t.datasource.uid} is not provisioned`);
        if (!t.expr) problems.push(`${name} query ${t.refId}: no expr`);
        else queries.push({ dashboard: rel(file), panel: p.title ?? String(p.id), expr: t.expr });
      }
    }
  }

  // PromQL: promtool parses each query as the expression of a recording rule.
  if (queries.length) {
    const s = scratch('grafana');
    try {
      const rules = {
        groups: [{ name: 'dashboard-queries', rules: queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: promqlOf(q.expr) })) }],
      };
      const file = join(s.dir, 'queries.json'); // JSON is YAML: no quoting questions
      writeFileSync(file, JSON.stringify(rules, null, 1));
      const r = run(promtool, ['check', 'rules', file]);
      sections.push([`promtool check rules (${queries.length} dashboard queries) in ${r.ms} ms`, r.output.replaceAll(s.dir, '<scratch>')]);
      if (r.code !== 0) problems.push(`promtool rejected a dashboard query (exit ${r.code})`);
    } finally {
      s.done();
    }
  }
  return done();
}
