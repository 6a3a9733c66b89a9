// PostgreSQL: the machine's own server, a scratch database per stack.
import { serverDbLive } from '../shared/server-db.verify.js';
import type { VerifyKit } from '../verify-kit.js';

export const kit: VerifyKit = {
  liveDatabase: serverDbLive({ server: 'postgres', prefix: 'POSTGRES_', dbVar: 'POSTGRES_DB', rootPassword: false, defaultPort: 5432 }),
};
