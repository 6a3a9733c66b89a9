// Caddy for the test tiers: which Caddyfiles it loads and where they forward.
import { mkdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { shortTemp } from '../../../test/support/live/paths.js';
import { CADDYFILE_IN_IMAGE, proxyEnvironment } from '../../../test/support/tools/caddy.js';
import { bindMounts, composeService, hostPathOf, readCompose, requireTool } from '../../../test/support/tools/common.js';
import { balanced } from '../../../test/verify/text.js';
import type { ProxyConfig, VerifyKit } from '../verify-kit.js';

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };

export const kit: VerifyKit = {
  proxyConfigs: (files) =>
    [...files]
      .filter(([f]) => /^caddy\/Caddyfile/.test(f))
      .map(([file, text]): ProxyConfig => {
        const code = text.replace(/#.*$/gm, '');
        const backends = [...code.matchAll(/reverse_proxy\s+([^{\n]*)/g)].flatMap((m) =>
          m[1]!
            .trim()
            .split(/\s+/)
            .filter((w) => w && !w.startsWith('/') && w !== '*'),
        );
        return { file, backends, problems: balanced(text) ? [] : ['braces { } do not balance'] };
      }),
  docFiles: ['caddy/Caddyfile.dev'],
  // Debian's Caddy with the Caddyfile compose mounts and the environment compose gives it. Production needs a
  // real domain and ACME, so the live tier runs the development Caddyfile only.
  liveProxy: {
    modes: ['dev'],
    async launch(sandbox, projectDir, mode, log) {
      const proxy = composeService(readCompose(projectDir, mode), 'proxy', 'compose.yaml');
      const caddyfile = hostPathOf(bindMounts(projectDir, proxy), CADDYFILE_IN_IMAGE);
      if (!caddyfile || !existsSync(caddyfile)) throw new Error(`compose does not mount a Caddyfile at ${CADDYFILE_IN_IMAGE}`);
      const problems: string[] = [];
      const containerEnv = proxyEnvironment(projectDir, mode, proxy, problems);
      if (problems.length) throw new Error(problems.join('; '));
      const home = shortTemp('caddy');
      for (const d of ['data', 'config']) mkdirSync(join(home, d));
      const process = await sandbox.exec([requireTool('caddy'), 'run', '--config', caddyfile, '--adapter', 'caddyfile'], {
        env: { ...ENV, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), ...containerEnv },
        cwd: '/',
        log,
      });
      return { process, healthPath: '/caddy-health', notes: [], cleanup: () => rmSync(home, { recursive: true, force: true }) };
    },
  },
};
