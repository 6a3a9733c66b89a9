// FastAPI (ASGI): served by gunicorn with uvicorn workers.
import type { Component, FileSpec } from '../types.js';
import { PY } from '../pins.js';

const tpl = (paths: string[]): FileSpec[] => paths.map((p) => ({ from: `${p}.ejs`, to: p }));

export const component: Component = {
  id: 'fastapi',
  order: 1,
  slot: 'framework',
  // SQLAlchemy 2 + Alembic is this framework's ORM when there is a database.
  implies: (a) => (a.database !== 'none' ? ['sqlalchemy'] : []),
  label: 'FastAPI (ASGI, gunicorn + uvicorn workers)',
  contribute: ({ answers }) => ({
    serve: {
      command: ['gunicorn', 'app.main:app', '--config', 'gunicorn.conf.py'],
      devCommand: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', String(answers.port), '--reload', '--reload-dir', 'app'],
      ...(answers.database !== 'none' ? { migrateCommand: ['alembic', 'upgrade', 'head'] } : {}),
      entryPoint: 'app/main.py',
      server: 'gunicorn with uvicorn workers',
      workers: 'worker_class = "uvicorn_worker.UvicornWorker"',
    },
    docs: { name: 'FastAPI' },
    requirements: [PY.fastapi, PY.uvicorn, PY.uvicornWorker],
    devRequirements: [PY.httpx2],
    files: [
      // Flask's app/__init__.py is its app factory; FastAPI's package marker is shared from common/.
      { from: 'app/__init__.py.ejs', to: 'app/__init__.py' },
      ...tpl(['app/main.py', 'app/middleware.py', 'tests/conftest.py', 'tests/test_health.py', 'tests/test_metrics.py']),
    ],
  }),
};
