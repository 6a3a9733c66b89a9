// MySQL: played by the machine's MariaDB (the MySQL protocol; see issue 14 on what that cannot catch), a scratch database per stack.
import { serverDbLive } from '../shared/server-db.verify.js';
import type { VerifyKit } from '../verify-kit.js';

export const kit: VerifyKit = {
  liveDatabase: serverDbLive({ server: 'mariadb', prefix: 'MYSQL_', dbVar: 'MYSQL_DATABASE', rootPassword: true, defaultPort: 3306 }),
};
