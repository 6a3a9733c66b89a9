// The shape every database server component shares (a `db` service with a healthcheck and a volume,
// credentials as secrets, a DATABASE_URL for the app); each server's folder describes its own differences.
import { pyConstant } from '../../render/python-text.js';
import type { BackupFacet, Component, ComposeService, EnvVar, ImagePin, SettingFacet } from '../types.js';
import { requiredSecret, secretPath } from './secrets.js';

/** DATABASE_URL in app/config.py: required in production, a localhost default in development. */
export function databaseSetting(devUrl: string, productionUrl: string, prefix: string): SettingFacet {
  return {
    group: 'connection',
    field: 'database_url: str',
    read: 'database_url=required("DATABASE_URL", DEV_DATABASE_URL)',
    constants: ['# Where a natively run app (outside compose) finds its database in development.', pyConstant('DEV_DATABASE_URL', devUrl)],
    production: ['DATABASE_URL', productionUrl],
    devAssert: `    assert settings.database_url.startswith("${prefix}")`,
  };
}

/** Backups of the MySQL family (MySQL, MariaDB): their own dump and client programs, one shared script part. */
export function mysqlFamilyBackup(tool: { prefix: string; dump: string; client: string }): ServerDb['backup'] {
  return {
    ext: 'sql',
    about: `The dump is ${tool.dump} --single-transaction (a consistent snapshot without locking the app out),\nrun in the db container.`,
    readme: `\`${tool.dump} --single-transaction\` runs in the \`db\` container;`,
    tool,
    partials: {
      'backup-dump': '../../shared/templates/mysql-family/backup-dump.sh.ejs',
      'backup-restore': '../../shared/templates/mysql-family/backup-restore.sh.ejs',
    },
  };
}

export interface ServerDb {
  id: string;
  order: number;
  label: string;
  image: ImagePin;
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
  /** How its backups are taken (scripts/backup.sh, restore.sh, README), with the templates of its script parts. */
  backup: Omit<BackupFacet, 'engine' | 'needsImage'> & { partials: { 'backup-dump': string; 'backup-restore': string } };
  /** Older lines an existing project may keep (PlanContext.hold), with where that line keeps its data. */
  heldLines?: Record<string, { image: ImagePin; dataDir: string }>;
  buildPackages?: { django?: string[] };
  runtimePackages?: { django?: string[] };
}

export function serverDb(d: ServerDb): Component {
  return {
    id: d.id,
    order: d.order,
    slot: 'database',
    images: [d.image, ...Object.values(d.heldLines ?? {}).map((l) => l.image)],
    capabilities: ['database', 'database-server'],
    label: d.label,
    contribute: ({ answers, has, hold }) => {
      const held = hold[d.id] !== undefined ? d.heldLines?.[hold[d.id]!] : undefined;
      if (hold[d.id] !== undefined && !held) throw new Error(`${d.id} has no line ${hold[d.id]} to keep (.yo-rc.json "hold")`);
      const image = held?.image ?? d.image;
      const dataDir = held?.dataDir ?? d.dataDir;
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
      const passwords = d.rootPassword ? [password, root] : [password];
      // Production: the image's entrypoint reads each password from the file its *_FILE variable names.
      const secrets = passwords.map(requiredSecret);
      const environment = (mode: 'dev' | 'prod'): Record<string, string> => {
        const secret = (v: string): [string, string] =>
          mode === 'prod' ? [`${v}_FILE`, secretPath(requiredSecret(v).name)] : [v, `\${${v}:?set ${v} in .env}`];
        // In this order since 0.1.0: upgrades keep a file's key order, so a new order would differ from a fresh project.
        return Object.fromEntries([
          [user, `\${${user}:-app}`],
          secret(password),
          [d.dbVar, `\${${d.dbVar}:-${dbName}}`],
          ...(d.rootPassword ? [secret(root)] : []),
        ]);
      };
      const healthcheck = { test: d.healthcheck, interval: '5s', timeout: '5s', retries: 10, start_period: '30s', start_interval: '1s' };
      const volume = `${d.id}-data`;
      const dev: ComposeService = {
        image: image.ref,
        environment: environment('dev'),
        volumes: [`${volume}:${dataDir}`],
        ports: [`127.0.0.1:${d.port}:${d.port}`],
        healthcheck,
      };
      const prod: ComposeService = {
        image: image.ref,
        environment: environment('prod'),
        secrets: secrets.map((f) => f.name),
        volumes: [`${volume}:${dataDir}`],
        healthcheck,
        stop_grace_period: '60s',
        deploy: { resources: { limits: { memory: '1G' } } },
      };
      const url = `${d.urlScheme}://\${${user}:-app}:\${${password}}@db:${d.port}/\${${d.dbVar}:-${dbName}}`;
      // The driver of the app's ORM: SQLAlchemy's, or the framework's own (Django).
      const django = !has('sqlalchemy');
      return {
        services: { dev: { db: dev }, prod: { db: prod } },
        volumes: { dev: [volume], prod: [volume] },
        env,
        secrets,
        appEnv: { dev: { DATABASE_URL: url }, prod: { DATABASE_URL: url } },
        appDependsOn: ['db'],
        requirements: [django ? d.djangoDriver : d.sqlalchemyDriver],
        buildPackages: django ? (d.buildPackages?.django ?? []) : [],
        runtimePackages: django ? (d.runtimePackages?.django ?? []) : [],
        readiness: [{ name: d.id, module: 'db' }],
        settings: [databaseSetting(`${d.urlScheme}://app@localhost:${d.port}/${dbName}`, `${d.urlScheme}://app:pw@db:${d.port}/app`, `${d.urlScheme}://`)],
        docs: {
          name: d.label,
          native: { service: 'db', lines: [`export DATABASE_URL="${d.urlScheme}://app:$${password}@localhost:${d.port}/${dbName}"`] },
          builtVariables: ['DATABASE_URL'],
        },
        ci: {
          service: { from: 'ci/service.yml.ejs', locals: { dbImage: image.ref } },
          env: { DATABASE_URL: `${d.urlScheme}://app:ci-password@127.0.0.1:${d.port}/${dbName}` },
        },
        backup: {
          engine: d.label,
          needsImage: false,
          ext: d.backup.ext,
          about: d.backup.about,
          readme: d.backup.readme,
          ...(d.backup.tool ? { tool: d.backup.tool } : {}),
        },
        partials: d.backup.partials,
      };
    },
  };
}
