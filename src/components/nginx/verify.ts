// nginx for the test tiers: which config files it loads and where they forward.
import { requireTool } from '../../../test/support/tools/common.js';
import { prepareNginxNamespace } from '../../../test/support/tools/nginx.js';
import { balanced } from '../../../test/verify/text.js';
import type { ProxyConfig, VerifyKit } from '../verify-kit.js';

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function backendsOf(text: string): string[] {
  const code = text.replace(/#.*$/gm, '');
  const upstreams = new Map<string, string[]>();
  for (const m of code.matchAll(/upstream\s+([A-Za-z0-9_.-]+)\s*\{([^}]*)\}/g)) {
    upstreams.set(
      m[1]!,
      [...m[2]!.matchAll(/(?:^|[;{\s])server\s+([^\s;]+)/g)].map((s) => s[1]!),
    );
  }
  const backends: string[] = [];
  for (const m of code.matchAll(/proxy_pass\s+(?:https?:\/\/)?([^\s;/]+)/g)) {
    const target = m[1]!;
    if (target.startsWith('$')) continue;
    backends.push(...(upstreams.get(target) ?? [target]));
  }
  for (const [name, servers] of upstreams) {
    if (!code.match(new RegExp(`proxy_pass\\s+https?://${name.replace(/\./g, '\\.')}\\b`)))
      backends.push(...servers.map((s) => `${s} (upstream ${name}, unused)`));
  }
  return backends;
}

export const kit: VerifyKit = {
  proxyConfigs: (files) =>
    [...files]
      .filter(([f]) => /^nginx\/.*\.conf$/.test(f))
      .map(([file, text]): ProxyConfig => ({ file, backends: backendsOf(text), problems: balanced(text) ? [] : ['braces { } do not balance'] })),
  docFiles: ['nginx/dev.conf'],
  // Debian's nginx with the mounts of tools/nginx.ts (the image's nginx.conf, the compose mounts, a self-signed
  // certificate when the project has none) in a nested mount namespace.
  liveProxy: {
    modes: ['dev', 'prod'],
    async launch(sandbox, projectDir, mode, log) {
      const ns = prepareNginxNamespace(projectDir, mode);
      const script = ['set -e', ...ns.setup, `exec ${q(requireTool('nginx'))} -g 'daemon off; error_log stderr notice;'`].join('\n');
      const process = await sandbox.exec(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script], { env: ENV, cwd: '/', log }).catch((err) => {
        ns.done();
        throw err;
      });
      return { process, healthPath: '/nginx-health', notes: ns.notes, cleanup: ns.done };
    },
  },
};
