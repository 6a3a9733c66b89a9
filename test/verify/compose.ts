// Validates compose.yaml (development) and compose.prod.yaml (production): the Compose-spec JSON schema, then
// the semantics a schema cannot express.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { CheckId } from './checks.js';
import { parseEnv, scanInterpolation, strings, substitute } from './interpolation.js';
import { type Problem, type Project, normalizePath, pathExists, yamlOf } from './project.js';

// Parsed YAML: shapes are checked by the schema first, then read loosely.
type Json = any;

export const COMPOSE_FILES = { dev: 'compose.yaml', prod: 'compose.prod.yaml' } as const;
export type Stack = keyof typeof COMPOSE_FILES;
export const ENV_EXAMPLES: Record<Stack, string> = { dev: '.env.example', prod: '.env.prod.example' };

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let validateSchema: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (!validateSchema) {
    // dclint ships a current Compose-spec schema; its package exports do not list it, so find it by path.
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('dclint/package.json'));
    const schema = JSON.parse(readFileSync(join(root, 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;
    // It names draft-07 by its https URI, which Ajv does not know by that name; draft-07 is Ajv's default anyway.
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validateSchema = ajv.compile(schema);
  }
  return validateSchema;
}

function schemaMessage(e: ErrorObject): string {
  const where = e.instancePath || '(top level)';
  if (e.keyword === 'additionalProperties') return `${where}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum') return `${where}: ${e.message} (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`;
  return `${where}: ${e.message}`;
}

/** Parses a compose file; undefined when absent or not YAML (reported). */
export function loadCompose(p: Project, stack: Stack, problems: Problem[]): Json | undefined {
  const file = COMPOSE_FILES[stack];
  const parsed = yamlOf(p, file);
  if (parsed === undefined) {
    problems.push({ file, check: 'compose.schema', message: `${file} is missing` });
    return undefined;
  }
  if (!parsed.ok) {
    problems.push({ file, check: 'compose.schema', message: `does not parse as YAML: ${parsed.error}` });
    return undefined;
  }
  return parsed.value;
}

const DURATION = /^-?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+)$/;
const DURATION_KEYS: Record<string, string[]> = {
  healthcheck: ['interval', 'timeout', 'start_period', 'start_interval'],
  'deploy.restart_policy': ['delay', 'window'],
  'deploy.update_config': ['delay', 'monitor'],
  'deploy.rollback_config': ['delay', 'monitor'],
  '': ['stop_grace_period'],
};

export function durationSeconds(value: string): number | undefined {
  if (!DURATION.test(value)) return undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

function get(obj: Json, dotted: string): Json {
  if (dotted === '') return obj;
  return dotted.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

const RESTART = /^(?:no|always|unless-stopped|on-failure(?::\d+)?)$/;
const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];

/** depends_on in either form, as name -> condition. */
export function dependencies(service: Json): Map<string, string> {
  const d = service?.depends_on;
  const out = new Map<string, string>();
  if (Array.isArray(d)) for (const name of d) out.set(String(name), 'service_started');
  else if (d && typeof d === 'object') for (const [name, v] of Object.entries<Json>(d)) out.set(name, v?.condition ?? 'service_started');
  return out;
}

function hasHealthcheck(service: Json): boolean {
  const h = service?.healthcheck;
  return !!h && h.disable !== true && !(Array.isArray(h.test) && h.test[0] === 'NONE') && h.test !== undefined;
}

export interface PortBinding {
  hostIp: string;
  published?: [number, number];
  target: [number, number];
  protocol: string;
  text: string;
}

function range(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

/** Parses one entry of `ports`; a string explains what is wrong. */
export function parsePort(entry: Json): PortBinding | string {
  if (typeof entry === 'number') entry = String(entry);
  if (entry && typeof entry === 'object') {
    const target = range(String(entry.target ?? ''));
    if (!target) return `target ${JSON.stringify(entry.target)} is not a port`;
    const published = entry.published === undefined ? undefined : range(String(entry.published));
    if (entry.published !== undefined && !published) return `published ${JSON.stringify(entry.published)} is not a port or range`;
    return { hostIp: String(entry.host_ip ?? ''), published, target, protocol: String(entry.protocol ?? 'tcp'), text: JSON.stringify(entry) };
  }
  if (typeof entry !== 'string') return `${JSON.stringify(entry)} is not a port mapping`;
  const m = /^(?:(?:(\[[0-9A-Fa-f:.]+\]|[0-9]{1,3}(?:\.[0-9]{1,3}){3}):)?(\d+(?:-\d+)?)?:)?(\d+(?:-\d+)?)(?:\/([a-z]+))?$/.exec(entry);
  if (!m) return `"${entry}" is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`;
  const [, ip = '', host, container, protocol = 'tcp'] = m;
  if (ip && !ip.startsWith('[') && ip.split('.').some((o) => Number(o) > 255)) return `"${entry}": ${ip} is not an IPv4 address`;
  if (!['tcp', 'udp', 'sctp'].includes(protocol)) return `"${entry}": protocol ${protocol} is not tcp, udp or sctp`;
  return { hostIp: ip.replace(/^\[|\]$/g, ''), published: host ? range(host) : undefined, target: range(container!)!, protocol, text: entry };
}

function portProblems(b: PortBinding): string | undefined {
  for (const [what, r] of [
    ['container', b.target],
    ['host', b.published],
  ] as const) {
    if (!r) continue;
    if (r[0] < 1 || r[1] > 65535 || r[0] > r[1]) return `"${b.text}": ${what} port ${r.join('-')} is outside 1-65535 or an inverted range`;
  }
  if (b.published && b.published[1] - b.published[0] !== b.target[1] - b.target[0] && b.target[0] !== b.target[1]) {
    return `"${b.text}": host and container ranges differ in size`;
  }
  return undefined;
}

/** Named volume or bind mount of one `volumes` entry of a service. */
function mountOf(entry: Json): { kind: 'volume' | 'bind' | 'other'; source?: string } {
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    if (parts.length < 2) return { kind: 'volume' }; // anonymous volume
    const source = parts[0]!;
    if (/^[./~]/.test(source)) return { kind: 'bind', source };
    return { kind: 'volume', source };
  }
  if (entry && typeof entry === 'object') {
    if (entry.type === 'volume') return { kind: 'volume', source: entry.source };
    if (entry.type === 'bind') return { kind: 'bind', source: entry.source };
  }
  return { kind: 'other' };
}

/** Splits an image reference into repository and tag (after substituting variables). */
export function imageTag(image: string): { repository: string; tag?: string; digest?: string } {
  const [ref, digest] = image.split('@') as [string, string | undefined];
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1), digest };
  return { repository: ref, digest };
}

/** Publicly reachable service of production: the proxy, or web when there is none. */
export function entryService(p: Project): string {
  return p.answers.proxy === 'none' ? 'web' : 'proxy';
}

function serviceEntries(doc: Json): [string, Json][] {
  return doc && typeof doc.services === 'object' && doc.services ? Object.entries<Json>(doc.services) : [];
}

function checkStack(p: Project, stack: Stack, doc: Json, problems: Problem[]): void {
  const file = COMPOSE_FILES[stack];
  const add = (check: CheckId, message: string) => problems.push({ file, check, message });

  const validate = schemaValidator();
  if (!validate(doc)) for (const e of validate.errors ?? []) add('compose.schema', schemaMessage(e));

  const services = serviceEntries(doc);
  const names = new Set(services.map(([n]) => n));
  const oneShot = new Set<string>();
  for (const [, s] of services) for (const [dep, cond] of dependencies(s)) if (cond === 'service_completed_successfully') oneShot.add(dep);
  for (const [n, s] of services) if (s?.restart === 'no') oneShot.add(n);

  // depends_on
  for (const [name, s] of services) {
    for (const [dep, cond] of dependencies(s)) {
      if (!names.has(dep)) add('compose.depends-on', `service ${name} depends on "${dep}", which is not a service of this file`);
      if (!CONDITIONS.includes(cond)) add('compose.depends-on', `service ${name}: depends_on ${dep} has condition "${cond}"; valid: ${CONDITIONS.join(', ')}`);
      const target = doc.services?.[dep];
      if (cond === 'service_healthy' && target && !hasHealthcheck(target)) {
        add('compose.healthy-dependency', `service ${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      }
      if (cond === 'service_completed_successfully' && target && ['always', 'unless-stopped'].includes(target.restart)) {
        add('compose.depends-on', `service ${name} waits for ${dep} to complete, but ${dep} has restart: ${target.restart}`);
      }
    }
  }
  // cycles
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, trail: string[]): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      add('compose.depends-on', `depends_on cycle: ${[...trail.slice(trail.indexOf(n)), n].join(' -> ')}`);
      return;
    }
    state.set(n, 'visiting');
    for (const dep of dependencies(doc.services?.[n]).keys()) if (names.has(dep)) visit(dep, [...trail, n]);
    state.set(n, 'done');
  };
  for (const n of names) visit(n, []);

  // healthchecks
  for (const [name, s] of services) {
    const h = s?.healthcheck;
    if (!h || h.disable === true) continue;
    const test = h.test;
    if (Array.isArray(test)) {
      const kind = test[0];
      if (!['CMD', 'CMD-SHELL', 'NONE'].includes(kind))
        add('compose.healthcheck', `service ${name}: healthcheck test must start with CMD, CMD-SHELL or NONE, not ${JSON.stringify(kind)}`);
      else if (kind === 'CMD-SHELL' && test.length !== 2)
        add('compose.healthcheck', `service ${name}: CMD-SHELL takes exactly one command string, got ${test.length - 1}`);
      else if (kind === 'CMD' && test.length < 2) add('compose.healthcheck', `service ${name}: CMD healthcheck has no command`);
    } else if (typeof test !== 'string' || test.trim() === '') {
      add('compose.healthcheck', `service ${name}: healthcheck has no test`);
    }
    const interval = typeof h.interval === 'string' ? durationSeconds(h.interval) : undefined;
    const timeout = typeof h.timeout === 'string' ? durationSeconds(h.timeout) : undefined;
    if (interval !== undefined && timeout !== undefined && timeout > interval) {
      add('compose.healthcheck', `service ${name}: healthcheck timeout ${h.timeout} is longer than its interval ${h.interval}`);
    }
    if (h.retries !== undefined && !(Number.isInteger(h.retries) && h.retries > 0))
      add('compose.healthcheck', `service ${name}: healthcheck retries ${JSON.stringify(h.retries)} is not a positive whole number`);
  }

  // volumes
  const declared = new Set(Object.keys(doc?.volumes ?? {}));
  const used = new Set<string>();
  for (const [name, s] of services) {
    for (const v of Array.isArray(s?.volumes) ? s.volumes : []) {
      const m = mountOf(v);
      if (m.kind === 'volume' && m.source) {
        used.add(m.source);
        if (!declared.has(m.source)) add('compose.volumes', `service ${name} mounts named volume "${m.source}", which the top-level volumes do not declare`);
      }
      if (m.kind === 'bind' && m.source) {
        if (m.source.startsWith('~')) add('compose.bind-mounts', `service ${name}: bind mount of ${m.source} depends on the user's home`);
        else if (!m.source.startsWith('/') && !pathExists(p, m.source))
          add('compose.bind-mounts', `service ${name} bind-mounts ${m.source}, which is not in the project`);
      }
    }
    const bound = (Array.isArray(s?.volumes) ? s.volumes : [])
      .map(mountOf)
      .filter((m: { kind: string; source?: string }) => m.kind === 'bind' && m.source)
      .map((m: { source?: string }) => normalizePath(m.source!));
    for (const w of Array.isArray(s?.develop?.watch) ? s.develop.watch : []) {
      if (typeof w?.path === 'string' && !pathExists(p, w.path))
        add('compose.bind-mounts', `service ${name}: develop.watch path ${w.path} is not in the project`);
      // Compose does not watch a path that is (inside) a bind mount of the same service: the rule never fires.
      const path = typeof w?.path === 'string' ? normalizePath(w.path) : '';
      const under = bound.find((b: string) => path === b || path.startsWith(`${b}/`) || b === '.');
      if (path && String(w.action).startsWith('sync') && under !== undefined)
        add('compose.watch-overlap', `service ${name}: develop.watch ${w.action} of ${w.path} is also bind-mounted (${under}); Compose will not watch it`);
    }
    const build = typeof s?.build === 'string' ? { context: s.build } : s?.build;
    if (build) {
      const context = String(build.context ?? '.');
      if (!pathExists(p, context)) add('compose.bind-mounts', `service ${name}: build context ${context} is not in the project`);
      const dockerfile = normalizePath(`${context}/${build.dockerfile ?? 'Dockerfile'}`);
      if (!p.files.has(dockerfile)) add('compose.bind-mounts', `service ${name}: build needs ${dockerfile}, which is not in the project`);
    }
    const envFiles = s?.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
    for (const e of envFiles) {
      const path = typeof e === 'string' ? e : e?.path;
      const required = typeof e === 'string' || e?.required !== false;
      // .env.prod is made on the server from .env.prod.example; .env is generated.
      const provided = pathExists(p, path) || pathExists(p, `${path}.example`);
      if (required && typeof path === 'string' && !provided)
        add('compose.bind-mounts', `service ${name}: env_file ${path} is neither in the project nor documented by ${path}.example`);
    }
  }
  for (const v of declared) if (!used.has(v)) add('compose.volumes', `volume "${v}" is declared but no service mounts it`);

  // restart policies and durations
  for (const [name, s] of services) {
    if (s?.restart !== undefined && !(typeof s.restart === 'string' && RESTART.test(s.restart))) {
      add('compose.restart', `service ${name}: restart ${JSON.stringify(s.restart)} is not one of no, always, on-failure[:N], unless-stopped`);
    }
    const cond = s?.deploy?.restart_policy?.condition;
    if (cond !== undefined && !['none', 'on-failure', 'any'].includes(cond))
      add('compose.restart', `service ${name}: deploy.restart_policy.condition ${JSON.stringify(cond)} is not none, on-failure or any`);
    for (const [section, keys] of Object.entries(DURATION_KEYS)) {
      const obj = get(s, section);
      if (!obj || typeof obj !== 'object') continue;
      for (const k of keys) {
        const value = obj[k];
        if (value === undefined) continue;
        if (typeof value !== 'string' || !DURATION.test(value)) {
          add('compose.duration', `service ${name}: ${section ? `${section}.` : ''}${k} ${JSON.stringify(value)} is not a duration such as 10s or 1m30s`);
        }
      }
    }
  }

  // ports
  const bound: { service: string; b: PortBinding }[] = [];
  for (const [name, s] of services) {
    for (const entry of Array.isArray(s?.ports) ? s.ports : []) {
      if (typeof entry === 'string' && entry.includes('$')) continue;
      const b = parsePort(entry);
      if (typeof b === 'string') {
        add('compose.ports', `service ${name}: ${b}`);
        continue;
      }
      const bad = portProblems(b);
      if (bad) add('compose.ports', `service ${name}: ${bad}`);
      if (!b.published) continue;
      for (const other of bound) {
        const o = other.b;
        const overlap = o.published && o.protocol === b.protocol && o.published[0] <= b.published[1] && b.published[0] <= o.published[1];
        const sameIp = !o.hostIp || !b.hostIp || o.hostIp === b.hostIp || o.hostIp === '0.0.0.0' || b.hostIp === '0.0.0.0';
        if (overlap && sameIp)
          add(
            'compose.ports',
            `host port ${b.published.join('-')}/${b.protocol} is published by both ${other.service} ("${o.text}") and ${name} ("${b.text}")`,
          );
      }
      bound.push({ service: name, b });
    }
    if (stack === 'dev') {
      for (const entry of Array.isArray(s?.ports) ? s.ports : []) {
        const b = parsePort(entry);
        if (typeof b === 'string') continue;
        if (b.hostIp !== '127.0.0.1' && b.hostIp !== '::1')
          add('compose.dev-loopback', `service ${name} publishes "${b.text}" on every interface; bind it to 127.0.0.1`);
      }
    }
  }

  // images
  for (const [name, s] of services) {
    if (typeof s?.image !== 'string') {
      if (!s?.build) add('compose.image-tag', `service ${name} has neither image nor build`);
      continue;
    }
    const resolved = substitute(s.image, (v) => `VAR_${v}`);
    const { tag, digest } = imageTag(resolved);
    if (digest) continue;
    if (!tag) add('compose.image-tag', `service ${name}: image ${s.image} has no tag (it means latest)`);
    else if (tag === 'latest') add('compose.image-tag', `service ${name}: image ${s.image} uses the latest tag`);
  }

  // interpolation
  const exampleFile = ENV_EXAMPLES[stack];
  const example = p.files.get(exampleFile);
  const defined = example === undefined ? new Map<string, string>() : parseEnv(example);
  const dotenv = parseEnv(p.files.get('.env') ?? '');
  const reported = new Set<string>();
  for (const [path, value] of strings(doc)) {
    const scan = scanInterpolation(value);
    for (const e of scan.errors) add('compose.interpolation', `${path}: ${e}`);
    for (const ref of scan.refs) {
      if (reported.has(ref.name)) continue;
      if (stack === 'prod' && (ref.name === 'IMAGE' || ref.name === 'TAG') && !defined.has(ref.name)) {
        // The deploy script sets these; they must then be set there.
        if (!deploySets(p, ref.name)) {
          reported.add(ref.name);
          add(
            'compose.env-defined',
            `${path} uses \${${ref.name}}, which neither ${exampleFile} documents nor scripts/deploy.sh (or a script it sources) exports`,
          );
        }
        continue;
      }
      if (!defined.has(ref.name)) {
        reported.add(ref.name);
        add(
          'compose.env-defined',
          `${path} uses \${${ref.name}}, which ${exampleFile} does not define${example === undefined ? ` (${exampleFile} is missing)` : ''}`,
        );
        continue;
      }
      if (stack === 'dev' && (ref.op === ':?' || ref.op === '?')) {
        const v = dotenv.get(ref.name);
        if (v === undefined || (ref.op === ':?' && v === '')) {
          reported.add(ref.name);
          add(
            'compose.env-defined',
            `${path} requires ${ref.name}, but the generated .env ${v === undefined ? 'does not set it' : 'leaves it empty'}: docker compose up would refuse to start`,
          );
        }
      }
    }
  }

  // host names in service environments
  for (const [name, s] of services) {
    const env = s?.environment;
    const values: [string, string][] = Array.isArray(env)
      ? env.map((e: string) => {
          const i = String(e).indexOf('=');
          return [String(e).slice(0, i), String(e).slice(i + 1)] as [string, string];
        })
      : Object.entries<Json>(env ?? {}).map(([k, v]) => [k, String(v ?? '')]);
    // A value handed over as a file is checked as deploy writes it.
    const written = secretValues(p);
    for (const [key, raw] of values) {
      const value = written.get(/^\/run\/secrets\/(.+)$/.exec(raw)?.[1] ?? '') ?? raw;
      for (const host of hostsIn(substitute(value, (v) => `VAR_${v}`))) {
        if (host.startsWith('VAR_') || host === 'localhost' || /^\d+(\.\d+){3}$/.test(host) || host.includes('.')) continue;
        if (!names.has(host)) add('compose.service-refs', `service ${name}: ${key} points at host "${host}", which is not a service of this file`);
      }
    }
  }

  if (stack === 'prod') checkProduction(p, doc, services, oneShot, add);
  checkWebPort(p, stack, doc, add);
}

/** Host names in URLs (scheme://[user@]host[:port]) and host:port lists. */
export function hostsIn(value: string): string[] {
  const hosts: string[] = [];
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([A-Za-z0-9_.-]+)(?::\d+)?/g)) hosts.push(m[1]!);
  if (hosts.length === 0 && /^[A-Za-z][A-Za-z0-9_.-]*:\d+(?:,[A-Za-z][A-Za-z0-9_.-]*:\d+)*$/.test(value)) {
    for (const part of value.split(',')) hosts.push(part.split(':')[0]!);
  }
  return hosts;
}

/** Whether scripts/deploy.sh, or a script it sources, exports the variable (compose reads it from there). */
function deploySets(p: Project, name: string): boolean {
  const deploy = p.files.get('scripts/deploy.sh');
  if (!deploy) return false;
  const texts = [deploy];
  for (const m of deploy.matchAll(/^\s*(?:source|\.)\s+[^\n]*?([A-Za-z0-9_.-]+\.sh)\b/gm)) {
    const lib = p.files.get(`scripts/${m[1]}`);
    if (lib) texts.push(lib);
  }
  const exported = new RegExp(`^\\s*export\\s+[^\\n#]*\\b${name}=`, 'm');
  return texts.some((t) => exported.test(t));
}

function checkProduction(p: Project, doc: Json, services: [string, Json][], oneShot: Set<string>, add: (c: CheckId, m: string) => void): void {
  checkNetworks(p, doc, services, add);
  checkSecrets(p, doc, services, add);
  const entry = entryService(p);
  if (!doc.services?.[entry]) add('compose.prod-exposure', `the public entry point "${entry}" is not a service of the production stack`);
  else if (!Array.isArray(doc.services[entry].ports) || doc.services[entry].ports.length === 0)
    add('compose.prod-exposure', `the public entry point ${entry} publishes no port`);
  for (const [name, s] of services) {
    if (name !== entry && Array.isArray(s?.ports) && s.ports.length > 0) {
      add('compose.prod-exposure', `service ${name} publishes ${s.ports.map(String).join(', ')} in production; only ${entry} may`);
    }
    if (s?.network_mode === 'host') add('compose.prod-exposure', `service ${name} uses the host network in production`);
  }

  const web = doc.services?.web;
  if (!web) {
    add('compose.prod-hardening', 'production has no web service');
  } else {
    if (web.read_only !== true) add('compose.prod-hardening', 'web is not read_only');
    if (!Array.isArray(web.cap_drop) || !web.cap_drop.includes('ALL')) add('compose.prod-hardening', 'web does not cap_drop ALL');
    if (!hasHealthcheck(web)) add('compose.prod-hardening', 'web has no healthcheck');
    const limits = web.deploy?.resources?.limits;
    if (!limits?.memory) add('compose.prod-hardening', 'web has no memory limit (deploy.resources.limits.memory)');
    if (!limits?.cpus) add('compose.prod-hardening', 'web has no CPU limit (deploy.resources.limits.cpus)');
  }
  for (const [name, s] of services) {
    const opts: string[] = Array.isArray(s?.security_opt) ? s.security_opt.map(String) : [];
    if (!opts.some((o) => /^no-new-privileges(?::true)?$/.test(o))) add('compose.prod-hardening', `${name} lacks security_opt no-new-privileges:true`);
    const logging = s?.logging;
    if (!logging?.driver) add('compose.prod-hardening', `${name} has no logging configuration`);
    else if (logging.driver === 'json-file' && !logging.options?.['max-size'])
      add('compose.prod-hardening', `${name} logs to json-file without max-size rotation`);
    if (oneShot.has(name)) continue;
    if (!['always', 'unless-stopped', 'on-failure'].some((r) => String(s?.restart ?? '').startsWith(r))) {
      add('compose.prod-hardening', `${name} has no restart policy (restart: ${JSON.stringify(s?.restart)})`);
    }
    if (!s?.deploy?.resources?.limits?.memory) add('compose.prod-hardening', `${name} has no memory limit`);
  }
  for (const [name, s] of services) {
    // Added capabilities mean something only on top of dropping the rest.
    if (Array.isArray(s?.cap_add) && s.cap_add.length > 0 && !(Array.isArray(s.cap_drop) && s.cap_drop.includes('ALL'))) {
      add('compose.prod-hardening', `${name} adds ${s.cap_add.join(', ')} without cap_drop ALL (it keeps the engine's default set too)`);
    }
    if (!s?.deploy?.resources?.limits?.pids && !s?.pids_limit) add('compose.prod-hardening', `${name} has no PIDs limit (deploy.resources.limits.pids)`);
    // Every process of the app's image (web, migrate, workers) is confined like web.
    if (!String(s?.image ?? '').startsWith('${IMAGE')) continue;
    if (s.read_only !== true) add('compose.prod-hardening', `${name} runs the app's image without read_only`);
    if (!Array.isArray(s.cap_drop) || !s.cap_drop.includes('ALL')) add('compose.prod-hardening', `${name} runs the app's image without cap_drop ALL`);
  }
}

/** Variable names that hold a secret, whoever declared them (a tester's rule, not the generator's list). */
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|_PASS$/;

/** What scripts/lib.sh's write_secrets puts in each file (`secret "$1" NAME "VALUE"`), as written there. */
export function secretValues(p: Project): Map<string, string> {
  const lib = p.files.get('scripts/lib.sh') ?? '';
  return new Map([...lib.matchAll(/^\s*secret "\$1" ([A-Za-z0-9_.-]+) "((?:[^"\\]|\\.)*)"/gm)].map((m) => [m[1]!, m[2]!]));
}

function checkSecrets(p: Project, doc: Json, services: [string, Json][], add: (c: CheckId, m: string) => void): void {
  const declared: Record<string, Json> = doc.secrets ?? {};
  const written = secretValues(p);
  const mountedAnywhere = new Set<string>();
  for (const [name, s] of services) {
    const mounted = new Set<string>((Array.isArray(s?.secrets) ? s.secrets : []).map((x: Json) => String(typeof x === 'string' ? x : x?.source)));
    for (const m of mounted) {
      mountedAnywhere.add(m);
      if (!declared[m]) add('compose.prod-secrets', `${name} mounts secret ${m}, which compose.prod.yaml does not define`);
    }
    const env = s?.environment;
    const entries: [string, string][] = Array.isArray(env)
      ? env.map((e: string) => [String(e).split('=')[0]!, String(e).split('=').slice(1).join('=')])
      : Object.entries(env ?? {}).map(([k, v]) => [k, String(v ?? '')]);
    for (const [k, v] of entries) {
      for (const { name: ref } of scanInterpolation(v).refs) {
        if (SECRET_NAME.test(ref))
          add('compose.prod-secrets', `${name}'s ${k} puts ${ref} in the container's environment (docker inspect shows it); hand it over as a file`);
      }
    }
    // Every /run/secrets file the service names (environment, command, healthcheck) must be one it mounts.
    for (const m of JSON.stringify(s).matchAll(/\/run\/secrets\/([A-Za-z0-9_.-]+)/g)) {
      if (!mounted.has(m[1]!)) add('compose.prod-secrets', `${name} reads /run/secrets/${m[1]}, a secret it does not mount`);
    }
  }
  for (const [n, d] of Object.entries(declared)) {
    if (!mountedAnywhere.has(n)) add('compose.prod-secrets', `secret ${n} is defined but no service mounts it`);
    if (d?.file !== `./secrets/${n}`)
      add('compose.prod-secrets', `secret ${n} is not the file ./secrets/${n} deploy writes (file: ${JSON.stringify(d?.file)})`);
    if (!written.has(n)) add('compose.prod-secrets', `secret ${n} is not written by scripts/lib.sh's write_secrets`);
  }
}

/** Services that hold data: the entry point must not be able to reach them. */
const DATA_SERVICES = ['db', 'cache', 'rabbitmq'];

function checkNetworks(p: Project, doc: Json, services: [string, Json][], add: (c: CheckId, m: string) => void): void {
  const declared: Record<string, Json> = doc.networks ?? {};
  const of = (s: Json): string[] => (Array.isArray(s?.networks) ? s.networks.map(String) : Object.keys(s?.networks ?? { default: {} }));
  const used = new Set<string>();
  for (const [name, s] of services) {
    for (const n of of(s)) {
      used.add(n);
      if (n !== 'default' && !(n in declared)) add('compose.prod-networks', `service ${name} joins network ${n}, which the top-level networks do not declare`);
    }
  }
  for (const n of Object.keys(declared)) if (!used.has(n)) add('compose.prod-networks', `network ${n} is declared but no service joins it`);
  if (declared.backend?.internal !== true) add('compose.prod-networks', 'the backend network is missing or not internal: services on it could reach out');
  // A proxy as the entry point must not reach the data services (web, the entry point without one, must).
  const entry = entryService(p);
  const entryNets = new Set(entry === 'web' ? [] : of(doc.services?.[entry]));
  for (const data of DATA_SERVICES) {
    const shared = of(doc.services?.[data] ?? { networks: [] }).filter((n) => entryNets.has(n));
    if (doc.services?.[data] && shared.length > 0)
      add('compose.prod-networks', `the entry point ${entry} shares network ${shared.join(', ')} with ${data}: it could reach it`);
  }
  for (const [name, s] of services) {
    const mine = new Set(of(s));
    for (const dep of dependencies(s).keys()) {
      if (doc.services?.[dep] && !of(doc.services[dep]).some((n) => mine.has(n)))
        add('compose.prod-networks', `${name} depends on ${dep} but shares no network with it`);
    }
  }
}

function checkWebPort(p: Project, stack: Stack, doc: Json, add: (c: CheckId, m: string) => void): void {
  const web = doc.services?.web;
  if (!web) return;
  const port = p.answers.port;
  for (const entry of Array.isArray(web.ports) ? web.ports : []) {
    const b = parsePort(entry);
    if (typeof b !== 'string' && b.target[0] !== port) add('compose.web-port', `web publishes container port ${b.target[0]}, but the app listens on ${port}`);
  }
  if (stack === 'dev' && (!Array.isArray(web.ports) || web.ports.length === 0)) add('compose.web-port', `web publishes no port in development`);
  const command = Array.isArray(web.command) ? web.command.join(' ') : typeof web.command === 'string' ? web.command : '';
  for (const m of command.matchAll(/(?:--port[ =]|--bind[ =]\S*:|\b0\.0\.0\.0:)(\d+)/g)) {
    if (Number(m[1]) !== port) add('compose.web-port', `web command listens on ${m[1]}, but the app port is ${port}: ${command}`);
  }
}

export function validateCompose(p: Project): Problem[] {
  const problems: Problem[] = [];
  for (const stack of ['dev', 'prod'] as const) {
    const doc = loadCompose(p, stack, problems);
    if (doc !== undefined) checkStack(p, stack, doc, problems);
  }
  return problems;
}
