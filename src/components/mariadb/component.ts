// MariaDB: a database server in a `db` service; drivers per ORM.
import { IMAGES, PY } from '../pins.js';
import { mysqlFamilyBackup, serverDb } from '../shared/server-db.js';

export const component = serverDb({
  id: 'mariadb',
  order: 3,
  label: 'MariaDB',
  image: IMAGES.mariadb,
  port: 3306,
  dataDir: '/var/lib/mysql',
  prefix: 'MARIADB_',
  dbVar: 'MARIADB_DATABASE',
  rootPassword: true,
  healthcheck: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
  urlScheme: 'mysql+pymysql',
  sqlalchemyDriver: PY.pymysql,
  djangoDriver: PY.mysqlclient,
  backup: mysqlFamilyBackup({ prefix: 'MARIADB', dump: 'mariadb-dump', client: 'mariadb' }),
  buildPackages: { django: ['libmariadb-dev', 'pkg-config'] },
  runtimePackages: { django: ['libmariadb3'] },
});
