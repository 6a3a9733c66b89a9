// The OpenTelemetry Collector configuration of a generated project. No collector binary is packaged for
// Debian, so this is a structural check of what the collector would refuse or silently get wrong:
//   - compose's --config points at a mounted file;
//   - every component a pipeline or service.extensions names is defined, and every defined one is used;
//   - memory_limiter comes first among a pipeline's processors, batch is present;
//   - receivers listen on 0.0.0.0 (the collector's default is localhost, unreachable from other containers);
//   - the app's OTEL_EXPORTER_OTLP_ENDPOINT names the collector service and a port an OTLP receiver listens on.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import { type CheckResult, type Mode, bindMounts, composeService, formatOutput, hostOf, hostPathOf, readCompose } from './common.js';

type Section = Record<string, Record<string, unknown> | null>;
interface CollectorConfig {
  receivers?: Section;
  processors?: Section;
  exporters?: Section;
  extensions?: Section;
  connectors?: Section;
  service?: { extensions?: string[]; pipelines?: Record<string, { receivers?: string[]; processors?: string[]; exporters?: string[] }> };
}

const SERVICE = 'otel-collector';

function endpoints(node: unknown, out: string[] = []): string[] {
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'endpoint' && typeof v === 'string') out.push(v);
      else endpoints(v, out);
    }
  }
  return out;
}

export function otelCollectorCheck(projectDir: string, mode: Mode = 'prod'): CheckResult {
  const problems: string[] = [];
  const compose = readCompose(projectDir, mode);
  const service = composeService(compose, SERVICE, mode);
  const flag = ((service.command as string[] | undefined) ?? []).find((c) => c.startsWith('--config='));
  const inContainer = flag?.slice('--config='.length) ?? '/etc/otelcol-contrib/config.yaml';
  const file = hostPathOf(bindMounts(projectDir, service), inContainer);
  if (!file || !existsSync(file))
    return { ok: false, output: formatOutput([['problems', `the collector loads ${inContainer}, which compose does not mount`]]) };

  let cfg: CollectorConfig;
  try {
    cfg = (parse(readFileSync(file, 'utf8')) as CollectorConfig | null) ?? {};
  } catch (err) {
    return { ok: false, output: formatOutput([['problems', `${relative(projectDir, file)} is not YAML: ${(err as Error).message}`]]) };
  }

  const defined = (kind: keyof Omit<CollectorConfig, 'service'>) => new Set(Object.keys(cfg[kind] ?? {}));
  const used = {
    receivers: new Set<string>(),
    processors: new Set<string>(),
    exporters: new Set<string>(),
    extensions: new Set(cfg.service?.extensions ?? []),
  };
  const pipelines = Object.entries(cfg.service?.pipelines ?? {});
  if (pipelines.length === 0) problems.push('no pipelines');
  for (const [name, p] of pipelines) {
    if (!/^(traces|metrics|logs)(\/[\w-]+)?$/.test(name)) problems.push(`pipeline ${name}: unknown signal`);
    if (!p.receivers?.length || !p.exporters?.length) problems.push(`pipeline ${name}: needs receivers and exporters`);
    for (const kind of ['receivers', 'processors', 'exporters'] as const) for (const c of p[kind] ?? []) used[kind].add(c);
    const processors = p.processors ?? [];
    const base = (c: string) => c.split('/')[0];
    if (processors.some((c) => base(c) === 'memory_limiter') && base(processors[0] ?? '') !== 'memory_limiter')
      problems.push(`pipeline ${name}: memory_limiter must be the first processor`);
    if (!processors.some((c) => base(c) === 'batch')) problems.push(`pipeline ${name}: no batch processor`);
  }
  for (const kind of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
    const have = defined(kind);
    for (const c of used[kind])
      if (!have.has(c) && !(kind !== 'extensions' && defined('connectors').has(c))) problems.push(`${kind}: ${c} is used but not defined`);
    for (const c of have) if (!used[kind].has(c)) problems.push(`${kind}: ${c} is defined but never used`);
  }

  const listen = [...endpoints(cfg.receivers), ...endpoints(cfg.extensions)];
  for (const e of listen)
    if (!/^(0\.0\.0\.0|\[::\]|:)/.test(e) && !e.startsWith('${'))
      problems.push(`${e}: listens on ${hostOf(e)} only; other containers cannot reach it (use 0.0.0.0)`);

  const web = compose.services.web as { environment?: Record<string, string> } | undefined;
  const target = web?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (target) {
    const m = /^https?:\/\/([^:/]+):(\d+)/.exec(target);
    if (!m || m[1] !== SERVICE) problems.push(`web sends OTLP to ${target}, not to the ${SERVICE} service`);
    else if (!endpoints(cfg.receivers).some((e) => e.endsWith(`:${m[2]}`))) problems.push(`web sends OTLP to port ${m[2]}, where no receiver listens`);
  }

  return {
    ok: problems.length === 0,
    output: formatOutput([
      [`collector config ${relative(projectDir, file)} (${mode})`, `pipelines: ${pipelines.map(([n]) => n).join(', ')}; listens: ${listen.join(', ')}`],
      ...(problems.length ? [['problems', problems.join('\n')] as [string, string]] : []),
    ]),
  };
}
