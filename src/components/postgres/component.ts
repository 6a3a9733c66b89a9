// PostgreSQL: a database server in a `db` service; drivers per ORM.
import { IMAGES, PY } from '../pins.js';
import { serverDb } from '../shared/server-db.js';

export const component = serverDb({
  id: 'postgres',
  order: 1,
  label: 'PostgreSQL',
  image: IMAGES.postgres,
  port: 5432,
  // PostgreSQL 18's image keeps its data under /var/lib/postgresql/18/docker: the volume is the parent.
  dataDir: '/var/lib/postgresql',
  // Projects upgraded from 17 keep it until their data is moved (pydocker upgrade --migrate-postgres).
  heldLines: { '17': { image: IMAGES.postgres17, dataDir: '/var/lib/postgresql/data' } },
  prefix: 'POSTGRES_',
  dbVar: 'POSTGRES_DB',
  rootPassword: false,
  healthcheck: ['CMD-SHELL', 'pg_isready -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"'],
  urlScheme: 'postgresql+psycopg',
  sqlalchemyDriver: PY.psycopg,
  djangoDriver: PY.psycopg,
  backup: {
    ext: 'dump',
    about: "The dump is pg_dump's custom format (restore with scripts/restore.sh or pg_restore), run in the db container.",
    readme: '`pg_dump --format=custom` runs in the `db` container;',
    partials: { 'backup-dump': 'backup/dump.sh.ejs', 'backup-restore': 'backup/restore.sh.ejs' },
  },
});
