// MariaDB: the machine's own server, a scratch database per stack.
import { serverDbLive } from '../shared/server-db.verify.js';
import type { VerifyKit } from '../verify-kit.js';

export const kit: VerifyKit = {
  liveDatabase: serverDbLive({ server: 'mariadb', prefix: 'MARIADB_', dbVar: 'MARIADB_DATABASE', rootPassword: true, defaultPort: 3306 }),
};
