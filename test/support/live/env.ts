// The environment a generated app gets, taken from the generated files themselves:
//   - compose.prod.yaml `web`/`migrate` environment, interpolated with .env.prod.example (the production env
//     file's template) whose required secrets are filled with test values and whose database credentials
//     name the scratch database on the real server;
//   - the generated CI workflow's `test` job env (for pytest), pointed at the real servers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { StackPlan } from '../../../src/plan/types.js';
import { interpolate, readCompose, readEnvFile } from '../tools/common.js';

export interface UrlParts {
  scheme: string;
  user?: string;
  password?: string;
  host: string;
  port?: string;
  path?: string;
  query?: string;
}

const URL_RE = /^([a-z][a-z0-9+.-]*):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^:/?]*)(?::(\d+))?(\/[^?]*)?(?:\?(.*))?$/i;

export function parseUrl(url: string): UrlParts | undefined {
  const m = URL_RE.exec(url);
  if (!m) return undefined;
  return { scheme: m[1]!, user: m[2], password: m[3], host: m[4]!, port: m[5], path: m[6], query: m[7] };
}

export function formatUrl(u: UrlParts): string {
  const auth = u.user !== undefined || u.password !== undefined ? `${u.user ?? ''}${u.password !== undefined ? `:${u.password}` : ''}@` : '';
  return `${u.scheme}://${auth}${u.host}${u.port ? `:${u.port}` : ''}${u.path ?? ''}${u.query ? `?${u.query}` : ''}`;
}

export function rewriteUrl(url: string, changes: Partial<UrlParts>): string {
  const u = parseUrl(url);
  if (!u) throw new Error(`not a URL: ${url}`);
  return formatUrl({ ...u, ...changes });
}

/** Values for the interpolation of compose files: .env.prod.example, secrets filled in, then `overrides`. */
export function prodEnvFile(projectDir: string, plan: StackPlan, overrides: Record<string, string>): Record<string, string> {
  const env = readEnvFile(join(projectDir, '.env.prod.example'));
  for (const v of plan.env) {
    if (v.requiredInProd && !env[v.name]) env[v.name] = `e2e-${v.name.toLowerCase().replace(/_/g, '-')}-0123456789abcdef0123456789abcdef`;
  }
  return { ...env, ...overrides };
}

/** What scripts/lib.sh's write_secrets writes into each file of secrets/, as written there (`secret "$1" NAME "VALUE"`). */
export function writtenSecrets(projectDir: string): Map<string, string> {
  const lib = readFileSync(join(projectDir, 'scripts/lib.sh'), 'utf8');
  return new Map([...lib.matchAll(/^\s*secret "\$1" ([A-Za-z0-9_.-]+) "([^"]*)"/gm)].map((m) => [m[1]!, m[2]!]));
}

const SECRET_FILE = /^\/run\/secrets\/([A-Za-z0-9_.-]+)$/;

/**
 * A compose service's environment (mapping or list form), interpolated. A variable handed over as a file
 * (NAME_FILE=/run/secrets/x) comes back as NAME with the value deploy writes into x, unless `files` is 'keep'.
 */
export function composeEnvironment(
  projectDir: string,
  service: string,
  values: Record<string, string>,
  mode: 'prod' | 'dev' = 'prod',
  files: 'resolve' | 'keep' = 'resolve',
): Record<string, string> {
  const compose = readCompose(projectDir, mode);
  const file = mode === 'prod' ? 'compose.prod.yaml' : 'compose.yaml';
  const s = compose.services[service];
  if (!s) throw new Error(`${file} has no service ${service}`);
  const raw = s.environment;
  const entries: Array<[string, string]> = Array.isArray(raw)
    ? raw.map((e: string) => [e.split('=')[0]!, e.split('=').slice(1).join('=')])
    : Object.entries((raw as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]);
  const problems: string[] = [];
  const out: Record<string, string> = {};
  const written = files === 'resolve' ? writtenSecrets(projectDir) : new Map<string, string>();
  for (const [k, v] of entries) {
    const file = k.endsWith('_FILE') ? SECRET_FILE.exec(v)?.[1] : undefined;
    if (file && written.has(file)) out[k.slice(0, -'_FILE'.length)] = interpolate(written.get(file)!, values, problems);
    else out[k] = interpolate(v, values, problems);
  }
  if (problems.length) throw new Error(`${file} ${service}: ${problems.join('; ')}`);
  return out;
}

/** The variables of a service compose hands over as files: NAME → the file's name under /run/secrets. */
export function fileBackedVariables(projectDir: string, service: string): Map<string, string> {
  const env = (readCompose(projectDir, 'prod').services[service]?.environment ?? {}) as Record<string, unknown>;
  return new Map(
    Object.entries(env).flatMap(([k, v]) => {
      const file = k.endsWith('_FILE') ? SECRET_FILE.exec(String(v))?.[1] : undefined;
      return file ? [[k.slice(0, -'_FILE'.length), file] as [string, string]] : [];
    }),
  );
}

export function composeCommand(projectDir: string, service: string): string[] | undefined {
  const s = readCompose(projectDir, 'prod').services[service];
  const c = s?.command;
  if (c === undefined) return undefined;
  return Array.isArray(c) ? c.map(String) : ['/bin/sh', '-c', String(c)];
}

/** The `test` job's env of the generated CI workflow (empty when there is none). */
export function ciTestEnv(projectDir: string): Record<string, string> {
  const ci = parse(readFileSync(join(projectDir, '.github/workflows/ci.yml'), 'utf8')) as { jobs?: Record<string, { env?: Record<string, unknown> }> };
  const env = ci.jobs?.test?.env ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}
