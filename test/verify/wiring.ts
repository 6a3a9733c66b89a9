// How the parts find each other, read from their own config files (text level; running nginx, caddy and
// promtool is tier 2's job): the proxy forwards to web on the app's port, Prometheus scrapes it, Grafana reads
// Prometheus, and the app reads only variables compose gives it.
import type { CheckId } from './checks.js';
import { parseDockerfile, argPairs, effectiveInstructions } from './dockerfile-parse.js';
import { productionStage } from './dockerfile.js';
import { kitOf } from './kits.js';
import { plan } from '../../src/plan/plan.js';
import { type Problem, type Project, yamlOf } from './project.js';
import { COMPONENTS } from '../../src/components/registry.js';

type Json = any;

function checkBackends(file: string, backends: string[], port: number, add: (check: CheckId, file: string, m: string) => void): void {
  if (backends.length === 0) add('proxy.upstream', file, `forwards to nothing: no web:${port} backend`);
  for (const b of backends) {
    const hostPort = b.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (hostPort !== `web:${port}`) add('proxy.upstream', file, `forwards to ${b}, but the app is web:${port}`);
  }
}

/** The components of the project's plan (none when its answers cannot be planned: other checks say why). */
function planComponents(a: Project['answers']): string[] {
  try {
    return plan(a).components;
  } catch {
    return [];
  }
}

export function validateWiring(p: Project): Problem[] {
  const problems: Problem[] = [];
  const add = (check: CheckId, file: string, message: string) => problems.push({ file, check, message });
  const a = p.answers;
  const port = a.port;

  // Proxy: the component's kit says which files it loads and where they forward.
  if (a.proxy !== 'none') {
    const configs = kitOf(a.proxy).proxyConfigs?.(p.files) ?? [];
    if (configs.length === 0) add('proxy.upstream', a.proxy, `${a.proxy} is chosen but the project has no ${a.proxy} configuration`);
    for (const c of configs) {
      for (const problem of c.problems) add('proxy.upstream', c.file, problem);
      checkBackends(c.file, c.backends, port, add);
    }
  }

  // Checks a component brings in its kit (Prometheus' scrape config, Grafana's provisioning, …).
  for (const id of planComponents(a)) for (const problem of kitOf(id).wiring?.(p) ?? []) problems.push(problem);

  problems.push(...validateAppEnv(p), ...validateAppPort(p), ...validateDocPorts(p));
  return problems;
}

// Which service a line of documentation talks about, most specific first ("App through nginx" is the proxy).
const idsIn = (slot: string) => COMPONENTS.filter((c) => c.slot === slot).map((c) => c.id);
const DOC_SERVICES: [RegExp, string][] = [
  [new RegExp(`\\b(${[...idsIn('proxy'), 'proxy'].join('|')})\\b`, 'i'), 'proxy'],
  [/\bgrafana\b/i, 'grafana'],
  [/\bprometheus\b/i, 'prometheus'],
  [/\b(otlp|otel|opentelemetry|collector)\b/i, 'otel-collector'],
  [new RegExp(`\\b(${[...idsIn('database'), 'postgresql', 'database', 'DATABASE_URL'].join('|')})\\b`, 'i'), 'db'],
  [new RegExp(`\\b(${[...idsIn('cache'), 'cache', 'REDIS_URL', 'MEMCACHED_SERVERS'].join('|')})\\b`, 'i'), 'cache'],
];

/** Local URLs the docs give (127.0.0.1:N, localhost:N) must be host ports compose.yaml publishes for that service. */
function validateDocPorts(p: Project): Problem[] {
  const problems: Problem[] = [];
  const dev = yamlOf(p, 'compose.yaml');
  if (!dev?.ok) return problems;
  const published = new Map<string, Set<number>>();
  for (const [name, s] of Object.entries<Json>((dev.value as Json)?.services ?? {})) {
    const ports = new Set<number>();
    for (const entry of Array.isArray(s?.ports) ? s.ports : []) {
      const parts = String(entry).split('/')[0]!.split(':');
      if (parts.length >= 2) ports.add(Number(parts[parts.length - 2]));
    }
    published.set(name, ports);
  }
  const all = new Set([...published.values()].flatMap((s) => [...s]));
  const kitDocs = p.answers.proxy === 'none' ? [] : (kitOf(p.answers.proxy).docFiles ?? []);
  for (const file of ['README.md', 'Makefile', ...kitDocs]) {
    const text = p.files.get(file);
    if (!text) continue;
    const configFile = file !== 'README.md' && file !== 'Makefile';
    text.split('\n').forEach((line, i) => {
      if (configFile && !line.trim().startsWith('#')) return; // only what the comments tell a person
      for (const m of line.matchAll(/\b(?:127\.0\.0\.1|localhost):(\d{2,5})\b/g)) {
        const port = Number(m[1]);
        const service = DOC_SERVICES.find(([re]) => re.test(line))?.[1] ?? (configFile ? 'proxy' : undefined);
        const where = `line ${i + 1}: ${m[0]}`;
        if (service && published.has(service)) {
          if (!published.get(service)!.has(port)) {
            problems.push({
              file,
              check: 'docs.ports',
              message: `${where} for ${service}, but compose.yaml publishes ${service} on ${[...published.get(service)!].join(', ') || 'no port'}`,
            });
          }
        } else if (!all.has(port)) {
          problems.push({ file, check: 'docs.ports', message: `${where}, but compose.yaml publishes no service on host port ${port}` });
        }
      }
    });
  }
  return problems;
}

/** The port the production server binds: gunicorn's bind, else PORT from compose, the image, or the config default. */
function validateAppPort(p: Project): Problem[] {
  const problems: Problem[] = [];
  const port = p.answers.port;
  const add = (file: string, message: string) => problems.push({ file, check: 'app.port', message });
  const gunicorn = p.files.get('gunicorn.conf.py');
  const literal = gunicorn && /^bind\s*=\s*\[?\s*f?["'][^"'{]*:(\d+)["']/m.exec(gunicorn);
  if (literal) {
    if (Number(literal[1]) !== port) add('gunicorn.conf.py', `binds port ${literal[1]}, but the chosen port is ${port}`);
    return problems;
  }
  let source: string | undefined;
  let value: string | undefined;
  const prod = yamlOf(p, 'compose.prod.yaml');
  const env = prod?.ok ? (prod.value as Json)?.services?.web?.environment : undefined;
  const fromCompose = Array.isArray(env)
    ? env
        .map(String)
        .find((e) => e.startsWith('PORT='))
        ?.slice(5)
    : env?.PORT;
  if (fromCompose !== undefined) {
    source = 'compose.prod.yaml';
    value = String(fromCompose);
  }
  const dockerfile = p.files.get('Dockerfile');
  if (value === undefined && dockerfile) {
    const df = parseDockerfile(dockerfile);
    const stage = productionStage(df, p);
    for (const ins of stage ? effectiveInstructions(df, stage) : []) {
      if (ins.keyword === 'ENV') for (const [k, v] of argPairs(ins.args)) if (k === 'PORT') [source, value] = ['Dockerfile', v];
    }
  }
  if (value === undefined) {
    for (const [file, text] of p.files) {
      if (!file.endsWith('.py') || file.startsWith('tests/')) continue;
      const m = /["']PORT["']\s*,[^)\n]*?\b(\d{2,5})\b/.exec(text);
      if (m) [source, value] = [file, m[1]!];
    }
  }
  if (value === undefined) return problems;
  if (Number(value) !== port) add(source!, `the app binds port ${value} (PORT), but the chosen port is ${port}`);
  return problems;
}

/**
 * Variables the app reads, and whether it can do without them: `both` (no default at all), `prod` (a helper
 * named like required(...) that has a development default but insists in production), `none` (a default).
 */
export type Need = 'both' | 'prod' | 'none';
const readsCache = new Map<string, { name: string; need: Need }[]>();
export function envReads(source: string): { name: string; need: Need }[] {
  const cached = readsCache.get(source);
  if (cached) return cached;
  const reads: { name: string; need: Need }[] = [];
  if (readsCache.size > 4000) readsCache.clear();
  readsCache.set(source, reads);
  const code = source.replace(/^\s*#.*$/gm, '');
  for (const m of code.matchAll(/\b(?:os\.)?environ\[\s*["']([A-Z_][A-Z0-9_]*)["']\s*\]/g)) reads.push({ name: m[1]!, need: 'both' });
  // NAME as the first string argument of a call: os.getenv("X"), environ.get("X", d), _number(environ, "X", ...)
  for (const m of code.matchAll(/\b([A-Za-z_][A-Za-z0-9_.]*)\(\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*,\s*)?["']([A-Z][A-Z0-9_]*)["']\s*(,|\))/g)) {
    const fn = m[1]!.split('.').pop()!;
    const name = m[2]!;
    const more = m[3] === ',';
    if (/^(setdefault|pop|print|ConfigError|RuntimeError|ValueError|Literal)$/.test(fn)) continue;
    if (/require|must/i.test(fn)) reads.push({ name, need: more ? 'prod' : 'both' });
    else if (/^(get|getenv)$/.test(fn)) reads.push({ name, need: 'none' });
    else if (/env|choice|number|int|float|bool|str|list|flag/i.test(fn)) reads.push({ name, need: more ? 'none' : 'both' });
  }
  return reads;
}

/** What the app reads without a default must be set by compose (web) or the image (ENV). */
function validateAppEnv(p: Project): Problem[] {
  const problems: Problem[] = [];
  const files = [...p.files.keys()].filter((f) => f.endsWith('.py') && !f.startsWith('tests/') && !f.endsWith('conftest.py'));
  const reads = new Map<string, { file: string; need: Need }>();
  for (const f of files) {
    for (const r of envReads(p.files.get(f)!)) {
      const known = reads.get(r.name);
      if (r.need !== 'none' && (!known || (known.need === 'prod' && r.need === 'both'))) reads.set(r.name, { file: f, need: r.need });
    }
  }
  if (reads.size === 0) return problems;

  const imageEnv = new Map<string, Set<string>>([
    ['dev', new Set()],
    ['prod', new Set()],
  ]);
  const dockerfile = p.files.get('Dockerfile');
  if (dockerfile) {
    const df = parseDockerfile(dockerfile);
    const stages = { dev: df.stages.find((s) => s.name === 'dev'), prod: productionStage(df, p) };
    for (const mode of ['dev', 'prod'] as const) {
      const stage = stages[mode];
      if (!stage) continue;
      for (const ins of effectiveInstructions(df, stage)) if (ins.keyword === 'ENV') for (const [k] of argPairs(ins.args)) imageEnv.get(mode)!.add(k);
    }
  }
  for (const [mode, file] of [
    ['dev', 'compose.yaml'],
    ['prod', 'compose.prod.yaml'],
  ] as const) {
    const parsed = yamlOf(p, file);
    if (!parsed?.ok) continue;
    const web = (parsed.value as Json)?.services?.web;
    const env = web?.environment;
    const set = new Set<string>(Array.isArray(env) ? env.map((e: string) => String(e).split('=')[0]!) : Object.keys(env ?? {}));
    for (const [name, { file: source, need }] of reads) {
      if (need === 'prod' && mode === 'dev') continue;
      // A value handed over as a file counts when the code that requires it reads NAME_FILE.
      const fromFile = set.has(`${name}_FILE`) && /\{name\}_FILE"/.test(p.files.get(source) ?? '');
      if (!set.has(name) && !fromFile && !imageEnv.get(mode)!.has(name)) {
        const what = need === 'prod' ? 'requires ' + name + ' in production' : 'reads ' + name + ' without a default';
        problems.push({ file: source, check: 'env.app-config', message: `${what}, but ${file} does not set it for web (nor does the image)` });
      }
    }
  }
  return problems;
}
