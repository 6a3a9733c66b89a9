// MariaDB: a database server in a `db` service; drivers per ORM.
import { IMAGES, PY } from '../pins.js';
import { serverDb } from '../shared/server-db.js';

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
  nativeScheme: 'mysql+pymysql',
  sqlalchemyDriver: PY.pymysql,
  djangoDriver: PY.mysqlclient,
  backup: {
    ext: 'sql',
    about: 'The dump is mariadb-dump --single-transaction (a consistent snapshot without locking the app out),\nrun in the db container.',
    readme: '`mariadb-dump --single-transaction` runs in the `db` container;',
    tool: { prefix: 'MARIADB', dump: 'mariadb-dump', client: 'mariadb' },
    // The MySQL family shares its dump and restore steps.
    partials: {
      'backup-dump': '../../shared/templates/mysql-family/backup-dump.sh.ejs',
      'backup-restore': '../../shared/templates/mysql-family/backup-restore.sh.ejs',
    },
  },
  buildPackages: { django: ['libmariadb-dev', 'pkg-config'] },
  runtimePackages: { django: ['libmariadb3'] },
});
