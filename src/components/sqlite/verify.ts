// SQLite in the live tier: no server, a file in the stack's writable data folder (its volume).
import { join } from 'node:path';
import type { VerifyKit } from '../verify-kit.js';

export const kit: VerifyKit = {
  liveDatabase: {
    provide: async () => ({
      note: 'a file in the data volume',
      overrides: {},
      forApp: (env, { dataDir }) => {
        if (env.DATABASE_URL?.startsWith('sqlite:')) env.DATABASE_URL = `sqlite:///${join(dataDir, 'app.db')}`;
      },
      forCi: () => {},
      stop: async () => {},
    }),
    locate: () => ({ port: 0 }),
  },
};
