// Database components. They share a shape (a `db` service with a healthcheck and a volume, credentials as
// secrets, a DATABASE_URL for the app), so they are built by one function from a small description each.
import type { Component, ComposeService, EnvVar } from './types.js';
import { IMAGES, PY } from './pins.js';

interface ServerDb {
  id: 'postgres' | 'mysql' | 'mariadb';
  label: string;
  image: string;
  port: number;
  dataDir: string;
  /** Prefix of the image's own env variables (POSTGRES_, MYSQL_, MARIADB_). */
  prefix: string;
  dbVar: string;
  rootPassword: boolean;
  healthcheck: string[];
  urlScheme: string;
  /** Python driver per ORM. */
  sqlalchemyDriver: string;
  djangoDriver: string;
  buildPackages?: { django?: string[] };
  runtimePackages?: { django?: string[] };
}

const SERVER_DBS: ServerDb[] = [
  {
    id: 'postgres',
    label: 'PostgreSQL',
    image: IMAGES.postgres,
    port: 5432,
    dataDir: '/var/lib/postgresql/data',
    prefix: 'POSTGRES_',
    dbVar: 'POSTGRES_DB',
    rootPassword: false,
    healthcheck: ['CMD-SHELL', 'pg_isready -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"'],
    urlScheme: 'postgresql+psycopg',
    sqlalchemyDriver: PY.psycopg,
    djangoDriver: PY.psycopg,
  },
  {
    id: 'mysql',
    label: 'MySQL',
    image: IMAGES.mysql,
    port: 3306,
    dataDir: '/var/lib/mysql',
    prefix: 'MYSQL_',
    dbVar: 'MYSQL_DATABASE',
    rootPassword: true,
    healthcheck: ['CMD-SHELL', 'mysqladmin ping -h 127.0.0.1 -u root --password="$${MYSQL_ROOT_PASSWORD}" --silent'],
    urlScheme: 'mysql+pymysql',
    sqlalchemyDriver: PY.pymysql,
    djangoDriver: PY.mysqlclient,
    buildPackages: { django: ['default-libmysqlclient-dev', 'pkg-config'] },
    runtimePackages: { django: ['libmariadb3'] },
  },
  {
    id: 'mariadb',
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
    buildPackages: { django: ['libmariadb-dev', 'pkg-config'] },
    runtimePackages: { django: ['libmariadb3'] },
  },
];

function serverDb(d: ServerDb): Component {
  return {
    id: d.id,
    slot: 'database',
    label: d.label,
    contribute: ({ answers }) => {
      const user = `${d.prefix}USER`;
      const password = `${d.prefix}PASSWORD`;
      const root = `${d.prefix}ROOT_PASSWORD`;
      const dbName = answers.name.replace(/-/g, '_');
      const env: EnvVar[] = [
        { name: user, description: `${d.label} user the app connects as`, dev: 'app', prod: 'app' },
        { name: password, description: `${d.label} password of that user`, dev: { secret: true }, requiredInProd: true },
        { name: d.dbVar, description: `${d.label} database name`, dev: dbName, prod: dbName },
      ];
      if (d.rootPassword) {
        env.push({ name: root, description: `${d.label} root password (administration and healthcheck)`, dev: { secret: true }, requiredInProd: true });
      }
      const environment = (mode: 'dev' | 'prod'): Record<string, string> => {
        const req = (v: string) => (mode === 'prod' ? `\${${v}:?set ${v} in .env.prod}` : `\${${v}:?set ${v} in .env}`);
        const e: Record<string, string> = { [user]: `\${${user}:-app}`, [password]: req(password), [d.dbVar]: `\${${d.dbVar}:-${dbName}}` };
        if (d.rootPassword) e[root] = req(root);
        return e;
      };
      const healthcheck = { test: d.healthcheck, interval: '5s', timeout: '5s', retries: 10, start_period: '30s', start_interval: '1s' };
      const volume = `${d.id}-data`;
      const dev: ComposeService = {
        image: d.image,
        environment: environment('dev'),
        volumes: [`${volume}:${d.dataDir}`],
        ports: [`127.0.0.1:${d.port}:${d.port}`],
        healthcheck,
      };
      const prod: ComposeService = {
        image: d.image,
        environment: environment('prod'),
        volumes: [`${volume}:${d.dataDir}`],
        healthcheck,
        stop_grace_period: '60s',
        deploy: { resources: { limits: { memory: '1G' } } },
      };
      const url = `${d.urlScheme}://\${${user}:-app}:\${${password}}@db:${d.port}/\${${d.dbVar}:-${dbName}}`;
      const django = answers.framework === 'django';
      return {
        services: { dev: { db: dev }, prod: { db: prod } },
        volumes: { dev: [volume], prod: [volume] },
        env,
        appEnv: { dev: { DATABASE_URL: url }, prod: { DATABASE_URL: url } },
        appDependsOn: ['db'],
        requirements: [django ? d.djangoDriver : d.sqlalchemyDriver],
        buildPackages: django ? (d.buildPackages?.django ?? []) : [],
        runtimePackages: django ? (d.runtimePackages?.django ?? []) : [],
        readiness: [d.id],
      };
    },
  };
}

const sqlite: Component = {
  id: 'sqlite',
  slot: 'database',
  label: 'SQLite (file in a volume)',
  contribute: () => ({
    // The file lives in a named volume shared by the migrate step and the app; see compose.ts.
    volumes: { dev: ['sqlite-data'], prod: ['sqlite-data'] },
    appEnv: { dev: { DATABASE_URL: 'sqlite:////data/app.db' }, prod: { DATABASE_URL: 'sqlite:////data/app.db' } },
    readiness: ['sqlite'],
  }),
};

export const DATABASE_COMPONENTS: Component[] = [...SERVER_DBS.map(serverDb), sqlite];
