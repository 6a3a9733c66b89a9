// MySQL: a database server in a `db` service; drivers per ORM.
import { IMAGES, PY } from '../pins.js';
import { mysqlFamilyBackup, serverDb } from '../shared/server-db.js';

export const component = serverDb({
  id: 'mysql',
  order: 2,
  label: 'MySQL',
  image: IMAGES.mysql,
  port: 3306,
  dataDir: '/var/lib/mysql',
  prefix: 'MYSQL_',
  dbVar: 'MYSQL_DATABASE',
  rootPassword: true,
  // `mysqladmin ping` exits 0 once the server answers on TCP, even when it refuses the login (MySQL's manual),
  // so the check needs no password; TCP because the entrypoint's first, socket-only server is not yet the real one.
  healthcheck: ['CMD', 'mysqladmin', 'ping', '-h', '127.0.0.1', '--silent'],
  urlScheme: 'mysql+pymysql',
  sqlalchemyDriver: PY.pymysqlRsa,
  djangoDriver: PY.mysqlclient,
  backup: mysqlFamilyBackup({ prefix: 'MYSQL', dump: 'mysqldump', client: 'mysql' }),
  buildPackages: { django: ['default-libmysqlclient-dev', 'pkg-config'] },
  runtimePackages: { django: ['libmariadb3'] },
});
