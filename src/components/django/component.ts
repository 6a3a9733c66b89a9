// Django (WSGI): served by gunicorn; its own ORM and migrations.
import type { Component, FileSpec } from '../types.js';
import { PY } from '../pins.js';
import { GTHREAD_WORKERS, SECRET_KEY_SETTING } from '../shared/wsgi.js';

const tpl = (paths: string[]): FileSpec[] => paths.map((p) => ({ from: `${p}.ejs`, to: p }));

export const component: Component = {
  id: 'django',
  order: 3,
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
        entryPoint: 'app/wsgi.py',
        server: 'gunicorn',
        workers: GTHREAD_WORKERS,
      },
      docs: { name: 'Django', ...(database ? { orm: " with Django's ORM and migrations" } : {}) },
      ...(database ? { partials: { 'readme-migrations': 'docs/migrations.md.ejs' } } : {}),
      requirements: [PY.django],
      typing: { untypedModules: ['django.*'] },
      settings: [
        SECRET_KEY_SETTING,
        {
          group: 'secret',
          field: 'allowed_hosts: tuple[str, ...]',
          read: 'allowed_hosts=_csv(required("ALLOWED_HOSTS", "localhost,127.0.0.1"))',
          helper: 'def _csv(value: str) -> tuple[str, ...]:\n    return tuple(item.strip() for item in value.split(",") if item.strip())',
          production: ['ALLOWED_HOSTS', 'app.example.com'],
        },
      ],
      // django-stubs: Django's types for mypy (used without its plugin, so pyproject needs no Django settings).
      devRequirements: [PY.pytestDjango, PY.djangoStubs],
      env: [
        { name: 'SECRET_KEY', description: 'Django SECRET_KEY (signing, sessions)', dev: { secret: true }, requiredInProd: true },
        {
          name: 'ALLOWED_HOSTS',
          description: 'Comma-separated public host names Django answers to',
          dev: 'localhost,127.0.0.1',
          prod: 'app.example.com',
          requiredInProd: true,
        },
      ],
      appEnv: {
        dev: { SECRET_KEY: '${SECRET_KEY:?set SECRET_KEY in .env}', ALLOWED_HOSTS: '${ALLOWED_HOSTS:-localhost,127.0.0.1}' },
        prod: { SECRET_KEY: '${SECRET_KEY:?set SECRET_KEY in .env.prod}', ALLOWED_HOSTS: '${ALLOWED_HOSTS:?set ALLOWED_HOSTS in .env.prod}' },
      },
      files: [
        { from: 'manage.py.ejs', to: 'manage.py', executable: true },
        ...tpl([
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
              { from: 'app/migrations/__init__.py', to: 'app/migrations/__init__.py' },
              { from: 'app/migrations/0001_initial.py', to: 'app/migrations/0001_initial.py' },
            ]
          : []),
      ],
    };
  },
};
