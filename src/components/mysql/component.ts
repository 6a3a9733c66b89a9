// MySQL: a database server in a `db` service; drivers per ORM.
import { IMAGES, PY } from '../pins.js';
import { serverDb } from '../shared/server-db.js';

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
  nativeScheme: 'mysql+pymysql',
  sqlalchemyDriver: PY.pymysql,
  djangoDriver: PY.mysqlclient,
  backup: {
    ext: 'sql',
    about: 'The dump is mysqldump --single-transaction (a consistent snapshot without locking the app out),\nrun in the db container.',
    readme: '`mysqldump --single-transaction` runs in the `db` container;',
    tool: { prefix: 'MYSQL', dump: 'mysqldump', client: 'mysql' },
    // The MySQL family shares its dump and restore steps.
    partials: {
      'backup-dump': '../../shared/templates/mysql-family/backup-dump.sh.ejs',
      'backup-restore': '../../shared/templates/mysql-family/backup-restore.sh.ejs',
    },
  },
  buildPackages: { django: ['default-libmysqlclient-dev', 'pkg-config'] },
  runtimePackages: { django: ['libmariadb3'] },
});
