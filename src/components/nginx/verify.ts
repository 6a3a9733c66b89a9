// nginx for the test tiers: which config files it loads and where they forward.
import type { ProxyConfig, VerifyKit } from '../verify-kit.js';
import { balanced } from '../../../test/verify/text.js';

function backendsOf(text: string): string[] {
  const code = text.replace(/#.*$/gm, '');
  const upstreams = new Map<string, string[]>();
  for (const m of code.matchAll(/upstream\s+([A-Za-z0-9_.-]+)\s*\{([^}]*)\}/g)) {
    upstreams.set(m[1]!, [...m[2]!.matchAll(/(?:^|[;{\s])server\s+([^\s;]+)/g)].map((s) => s[1]!));
  }
  const backends: string[] = [];
  for (const m of code.matchAll(/proxy_pass\s+(?:https?:\/\/)?([^\s;/]+)/g)) {
    const target = m[1]!;
    if (target.startsWith('$')) continue;
    backends.push(...(upstreams.get(target) ?? [target]));
  }
  for (const [name, servers] of upstreams) {
    if (!code.match(new RegExp(`proxy_pass\\s+https?://${name.replace(/\./g, '\\.')}\\b`))) backends.push(...servers.map((s) => `${s} (upstream ${name}, unused)`));
  }
  return backends;
}

export const kit: VerifyKit = {
  proxyConfigs: (files) =>
    [...files]
      .filter(([f]) => /^nginx\/.*\.conf$/.test(f))
      .map(([file, text]): ProxyConfig => ({ file, backends: backendsOf(text), problems: balanced(text) ? [] : ['braces { } do not balance'] })),
  docFiles: ['nginx/dev.conf'],
};
