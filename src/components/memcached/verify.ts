// Memcached in the live tier: our own memcached process per stack.
import { startMemcached } from '../../../test/support/live/servers.js';
import type { VerifyKit } from '../verify-kit.js';

export const kit: VerifyKit = {
  liveCache: {
    async provide({ logDir }) {
      const m = await startMemcached(logDir);
      return {
        target: { host: m.host, port: m.port },
        note: `memcached 127.0.0.1:${m.port}`,
        overrides: {},
        forApp: () => {},
        forCi: (env) => {
          if (env.MEMCACHED_SERVERS) env.MEMCACHED_SERVERS = `${m.host}:${m.port}`;
        },
        stop: m.stop,
      };
    },
    locate: (env) => {
      const first = (env.MEMCACHED_SERVERS ?? '').split(',')[0] ?? '';
      return { host: first.split(':')[0], port: Number(first.split(':')[1] ?? 11211) };
    },
  },
};
