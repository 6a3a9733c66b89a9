// PostgreSQL: a database server in a `db` service; drivers per ORM.
import { IMAGES, PY } from '../pins.js';
import { serverDb } from '../shared/server-db.js';

export const component = serverDb({
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
});
