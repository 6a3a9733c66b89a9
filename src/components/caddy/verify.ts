// Caddy for the test tiers: which Caddyfiles it loads and where they forward.
import type { ProxyConfig, VerifyKit } from '../verify-kit.js';
import { balanced } from '../../../test/verify/text.js';

export const kit: VerifyKit = {
  proxyConfigs: (files) =>
    [...files]
      .filter(([f]) => /^caddy\/Caddyfile/.test(f))
      .map(([file, text]): ProxyConfig => {
        const code = text.replace(/#.*$/gm, '');
        const backends = [...code.matchAll(/reverse_proxy\s+([^{\n]*)/g)].flatMap((m) => m[1]!.trim().split(/\s+/).filter((w) => w && !w.startsWith('/') && w !== '*'));
        return { file, backends, problems: balanced(text) ? [] : ['braces { } do not balance'] };
      }),
  docFiles: ['caddy/Caddyfile.dev'],
};
