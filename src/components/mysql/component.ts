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
  healthcheck: ['CMD-SHELL', 'mysqladmin ping -h 127.0.0.1 -u root --password="$${MYSQL_ROOT_PASSWORD}" --silent'],
  urlScheme: 'mysql+pymysql',
  sqlalchemyDriver: PY.pymysqlRsa,
  djangoDriver: PY.mysqlclient,
  backup: mysqlFamilyBackup({ prefix: 'MYSQL', dump: 'mysqldump', client: 'mysql' }),
  buildPackages: { django: ['default-libmysqlclient-dev', 'pkg-config'] },
  runtimePackages: { django: ['libmariadb3'] },
});
