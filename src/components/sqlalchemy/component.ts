// SQLAlchemy 2 + Alembic, for FastAPI and Flask projects with a database (derived by the registry).
import type { Component } from '../types.js';
import { PY } from '../pins.js';

export const component: Component = {
  id: 'sqlalchemy',
  order: 1,
  slot: 'support',
  label: 'SQLAlchemy 2 + Alembic',
  contribute: () => ({
    docs: { orm: ' with SQLAlchemy 2 and Alembic migrations' },
    partials: { 'readme-migrations': 'docs/migrations.md.ejs' },
    requirements: [PY.sqlalchemy, PY.alembic],
    files: [
      { from: 'app/db.py.ejs', to: 'app/db.py' },
      { from: 'app/models.py.ejs', to: 'app/models.py' },
      { from: 'alembic.ini.ejs', to: 'alembic.ini' },
      { from: 'migrations/env.py.ejs', to: 'migrations/env.py' },
      { from: 'migrations/script.py.mako', to: 'migrations/script.py.mako' },
      { from: 'migrations/versions/0001_initial.py.ejs', to: 'migrations/versions/0001_initial.py' },
      { from: 'tests/test_db.py.ejs', to: 'tests/test_db.py' },
    ],
  }),
};
