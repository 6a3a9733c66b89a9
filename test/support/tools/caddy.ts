// `caddy validate` on a generated project's Caddyfile, as the `proxy` service loads it (/etc/caddy/Caddyfile,
// the environment compose gives it), inside `unshare --net` so nothing can reach the network (no ACME), with
// Caddy's storage in a scratch folder. Caddy resolves upstreams only when it proxies, so the adapted JSON is
// also read here: every reverse_proxy upstream must be a compose service. Warnings (e.g. an unformatted
// Caddyfile) fail the check.
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  type CheckResult,
  type Mode,
  bindMounts,
  composeService,
  envFor,
  formatOutput,
  hostOf,
  hostPathOf,
  interpolate,
  readCompose,
  requireTool,
  run,
  scratch,
} from './common.js';

/** Where the official caddy image reads its configuration (its CMD). */
export const CADDYFILE_IN_IMAGE = '/etc/caddy/Caddyfile';

/** Warnings that describe what the generated Caddyfiles mean to do (plain-HTTP sites), not problems. */
export const EXPECTED_CADDY_WARNINGS = [
  'automatic HTTPS is completely disabled for server', // development: auto_https off
  'server is listening only on the HTTP port, so no automatic HTTPS will be applied to this server', // http:// sites
];

function upstreamDials(node: unknown, out: string[]): string[] {
  if (Array.isArray(node)) for (const n of node) upstreamDials(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.handler === 'reverse_proxy') for (const u of (o.upstreams as Array<{ dial?: string }> | undefined) ?? []) if (u.dial) out.push(u.dial);
    for (const v of Object.values(o)) upstreamDials(v, out);
  }
  return out;
}

/** The environment the proxy container gets from compose (interpolated with the project's env file). */
export function proxyEnvironment(projectDir: string, mode: Mode, service: Record<string, unknown>, problems: string[]): Record<string, string> {
  const env = envFor(projectDir, mode);
  const raw = service.environment;
  const out: Record<string, string> = {};
  const entries: Array<[string, string]> = Array.isArray(raw)
    ? raw.map((e: string) => [e.split('=')[0]!, e.split('=').slice(1).join('=')])
    : Object.entries((raw as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v ?? '')]);
  for (const [k, v] of entries) out[k] = interpolate(v, env, problems);
  return out;
}

export function caddyValidate(projectDir: string, mode: Mode): CheckResult {
  const caddy = requireTool('caddy');
  requireTool('unshare');
  requireTool('ip');
  const s = scratch('caddy');
  try {
    const compose = readCompose(projectDir, mode);
    const proxy = composeService(compose, 'proxy', mode === 'dev' ? 'compose.yaml' : 'compose.prod.yaml');
    const problems: string[] = [];
    const caddyfile = hostPathOf(bindMounts(projectDir, proxy), CADDYFILE_IN_IMAGE);
    if (!caddyfile || !existsSync(caddyfile)) {
      return {
        ok: false,
        output: formatOutput([['problems', `compose does not mount a Caddyfile at ${CADDYFILE_IN_IMAGE} (found: ${caddyfile ?? 'no mount'})`]]),
      };
    }
    const containerEnv = proxyEnvironment(projectDir, mode, proxy, problems);
    for (const d of ['home', 'data', 'config']) mkdirSync(join(s.dir, d));
    const env = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: join(s.dir, 'home'),
      XDG_DATA_HOME: join(s.dir, 'data'),
      XDG_CONFIG_HOME: join(s.dir, 'config'),
      ...containerEnv,
    };
    const unshare = requireTool('unshare');
    const inNet = (args: string[]) =>
      run(unshare, ['--net', '--pid', '--mount-proc', '--fork', '--kill-child', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', caddy, ...args], {
        env,
        timeoutMs: 30_000,
      });

    const validate = inNet(['validate', '--config', caddyfile, '--adapter', 'caddyfile']);
    if (validate.code !== 0) problems.push(`caddy validate exited ${validate.code}`);
    const adapt = inNet(['adapt', '--config', caddyfile, '--adapter', 'caddyfile']);
    const warnings = `${validate.output}\n${adapt.output}`
      .split('\n')
      .filter((l) => /"level":"(warn|error)"|\bWARN\b|\bERROR\b/.test(l))
      .filter((l) => !EXPECTED_CADDY_WARNINGS.some((w) => l.includes(`"msg":"${w}"`)));
    if (warnings.length) problems.push(`caddy warned:\n${[...new Set(warnings)].join('\n')}`);

    let dials: string[] = [];
    if (adapt.code === 0) {
      const json = adapt.output.slice(adapt.output.indexOf('{'), adapt.output.lastIndexOf('}') + 1);
      try {
        dials = upstreamDials(JSON.parse(json), []);
      } catch {
        problems.push('caddy adapt printed no JSON');
      }
      const services = new Set(Object.keys(compose.services));
      for (const dial of dials)
        if (!services.has(hostOf(dial))) problems.push(`reverse_proxy upstream ${dial} is not a compose service (${[...services].join(', ')})`);
      if (dials.length === 0 && !problems.length) problems.push('no reverse_proxy upstream found');
    } else if (validate.code === 0) problems.push(`caddy adapt exited ${adapt.code}`);

    return {
      ok: problems.length === 0,
      output: formatOutput([
        [
          `caddy validate ${relative(projectDir, caddyfile)} (${mode}) in ${validate.ms} ms`,
          validate.output
            .split('\n')
            .filter((l) => !/"level":"info"/.test(l))
            .join('\n'),
        ],
        ['upstreams', dials.join(', ')],
        ...(problems.length ? [['problems', problems.join('\n')] as [string, string]] : []),
      ]),
    };
  } finally {
    s.done();
  }
}
