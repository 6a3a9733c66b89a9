// Flask (WSGI): served by gunicorn.
import type { Component, FileSpec } from '../types.js';
import { PY } from '../pins.js';
import { GTHREAD_WORKERS, SECRET_KEY_SETTING } from '../shared/wsgi.js';

const tpl = (paths: string[]): FileSpec[] => paths.map((p) => ({ from: `${p}.ejs`, to: p }));

export const component: Component = {
  id: 'flask',
  order: 2,
  slot: 'framework',
  // SQLAlchemy 2 + Alembic is this framework's ORM when there is a database.
  implies: (a) => (a.database !== 'none' ? ['sqlalchemy'] : []),
  label: 'Flask (WSGI, gunicorn)',
  contribute: ({ answers }) => ({
    serve: {
      command: ['gunicorn', 'app.wsgi:app', '--config', 'gunicorn.conf.py'],
      devCommand: ['flask', '--app', 'app.wsgi:app', 'run', '--host', '0.0.0.0', '--port', String(answers.port), '--debug'],
      ...(answers.database !== 'none' ? { migrateCommand: ['alembic', 'upgrade', 'head'] } : {}),
      entryPoint: 'app/wsgi.py',
      server: 'gunicorn',
      workers: GTHREAD_WORKERS,
    },
    docs: { name: 'Flask' },
    settings: [SECRET_KEY_SETTING],
    requirements: [PY.flask],
    env: [{ name: 'SECRET_KEY', description: 'Flask secret key (sessions, signing)', dev: { secret: true }, requiredInProd: true }],
    appEnv: { dev: { SECRET_KEY: '${SECRET_KEY:?set SECRET_KEY in .env}' }, prod: { SECRET_KEY: '${SECRET_KEY:?set SECRET_KEY in .env.prod}' } },
    files: tpl([
      'app/__init__.py',
      'app/wsgi.py',
      'app/views.py',
      'tests/conftest.py',
      'tests/test_health.py',
      'tests/test_metrics.py',
      ...(answers.database !== 'none' ? ['tests/test_items.py'] : []),
    ]),
  }),
};
