// Framework components: how the app is laid out and served. FastAPI and Flask use SQLAlchemy 2 + Alembic
// (the `sqlalchemy` component); Django uses its own ORM and migrations.
import type { Component, FileSpec } from './types.js';
import { PY } from './pins.js';

const tpl = (framework: string, paths: string[]): FileSpec[] =>
  paths.map((p) => ({ from: `python/${framework}/${p}.ejs`, to: p }));

const fastapi: Component = {
  id: 'fastapi',
  slot: 'framework',
  label: 'FastAPI (ASGI, gunicorn + uvicorn workers)',
  contribute: ({ answers }) => ({
    serve: {
      command: ['gunicorn', 'app.main:app', '--config', 'gunicorn.conf.py'],
      devCommand: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', String(answers.port), '--reload', '--reload-dir', 'app'],
      ...(answers.database !== 'none' ? { migrateCommand: ['alembic', 'upgrade', 'head'] } : {}),
    },
    requirements: [PY.fastapi, PY.uvicorn, PY.uvicornWorker],
    devRequirements: [PY.httpx2],
    files: [
      // Flask's app/__init__.py is its app factory; FastAPI's package marker is shared from common/.
      { from: 'python/common/app/__init__.py.ejs', to: 'app/__init__.py' },
      ...tpl('fastapi', ['app/main.py', 'app/middleware.py', 'tests/conftest.py', 'tests/test_health.py', 'tests/test_metrics.py']),
    ],
  }),
};

const flask: Component = {
  id: 'flask',
  slot: 'framework',
  label: 'Flask (WSGI, gunicorn)',
  contribute: ({ answers }) => ({
    serve: {
      command: ['gunicorn', 'app.wsgi:app', '--config', 'gunicorn.conf.py'],
      devCommand: ['flask', '--app', 'app.wsgi:app', 'run', '--host', '0.0.0.0', '--port', String(answers.port), '--debug'],
      ...(answers.database !== 'none' ? { migrateCommand: ['alembic', 'upgrade', 'head'] } : {}),
    },
    requirements: [PY.flask],
    env: [{ name: 'SECRET_KEY', description: 'Flask secret key (sessions, signing)', dev: { secret: true }, requiredInProd: true }],
    appEnv: { dev: { SECRET_KEY: '${SECRET_KEY:?set SECRET_KEY in .env}' }, prod: { SECRET_KEY: '${SECRET_KEY:?set SECRET_KEY in .env.prod}' } },
    files: tpl('flask', [
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

const django: Component = {
  id: 'django',
  slot: 'framework',
  label: 'Django (WSGI, gunicorn)',
  contribute: ({ answers }) => {
    const database = answers.database !== 'none';
    return {
      serve: {
        command: ['gunicorn', 'app.wsgi:application', '--config', 'gunicorn.conf.py'],
        devCommand: ['python', 'manage.py', 'runserver', `0.0.0.0:${answers.port}`],
        // Without a database there is nothing to migrate: the project installs no app that has tables.
        ...(database ? { migrateCommand: ['python', 'manage.py', 'migrate', '--noinput'] } : {}),
      },
      requirements: [PY.django],
      // django-stubs: Django's types for mypy (used without its plugin, so pyproject needs no Django settings).
      devRequirements: [PY.pytestDjango, PY.djangoStubs],
      env: [
        { name: 'SECRET_KEY', description: 'Django SECRET_KEY (signing, sessions)', dev: { secret: true }, requiredInProd: true },
        { name: 'ALLOWED_HOSTS', description: 'Comma-separated public host names Django answers to', dev: 'localhost,127.0.0.1', prod: 'app.example.com', requiredInProd: true },
      ],
      appEnv: {
        dev: { SECRET_KEY: '${SECRET_KEY:?set SECRET_KEY in .env}', ALLOWED_HOSTS: '${ALLOWED_HOSTS:-localhost,127.0.0.1}' },
        prod: { SECRET_KEY: '${SECRET_KEY:?set SECRET_KEY in .env.prod}', ALLOWED_HOSTS: '${ALLOWED_HOSTS:?set ALLOWED_HOSTS in .env.prod}' },
      },
      files: [
        { from: 'python/django/manage.py.ejs', to: 'manage.py', executable: true },
        ...tpl('django', [
          'app/__init__.py',
          'app/settings.py',
          'app/urls.py',
          'app/views.py',
          'app/wsgi.py',
          'app/middleware.py',
          ...(database ? ['app/db.py', 'app/models.py'] : []),
          'tests/conftest.py',
          'tests/test_health.py',
          'tests/test_metrics.py',
          ...(database ? ['tests/test_settings.py', 'tests/test_db.py', 'tests/test_items.py'] : []),
        ]),
        ...(database
          ? [
              { from: 'python/django/app/migrations/__init__.py', to: 'app/migrations/__init__.py' },
              { from: 'python/django/app/migrations/0001_initial.py', to: 'app/migrations/0001_initial.py' },
            ]
          : []),
      ],
    };
  },
};

/** SQLAlchemy 2 + Alembic, for FastAPI and Flask projects with a database (added by the registry). */
const sqlalchemy: Component = {
  id: 'sqlalchemy',
  slot: 'core',
  label: 'SQLAlchemy 2 + Alembic',
  contribute: () => ({
    requirements: [PY.sqlalchemy, PY.alembic],
    files: [
      { from: 'python/sqlalchemy/app/db.py.ejs', to: 'app/db.py' },
      { from: 'python/sqlalchemy/app/models.py.ejs', to: 'app/models.py' },
      { from: 'python/sqlalchemy/alembic.ini.ejs', to: 'alembic.ini' },
      { from: 'python/sqlalchemy/migrations/env.py.ejs', to: 'migrations/env.py' },
      { from: 'python/sqlalchemy/migrations/script.py.mako', to: 'migrations/script.py.mako' },
      { from: 'python/sqlalchemy/migrations/versions/0001_initial.py.ejs', to: 'migrations/versions/0001_initial.py' },
      { from: 'python/sqlalchemy/tests/test_db.py.ejs', to: 'tests/test_db.py' },
    ],
  }),
};

export const FRAMEWORK_COMPONENTS: Component[] = [fastapi, flask, django];
export const ORM_COMPONENTS: Component[] = [sqlalchemy];
