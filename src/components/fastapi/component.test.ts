// FastAPI: uvicorn reloads in development, gunicorn with uvicorn workers in production, Alembic migrates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { plan } from '../../plan/plan.js';

test('fastapi: reloads in development, serves through uvicorn workers, migrates with Alembic', () => {
  const p = plan({ ...defaultsFor('demo'), framework: 'fastapi' });
  assert.match(p.serve.devCommand.join(' '), /^uvicorn app\.main:app .*--reload/);
  assert.equal(p.serve.command, ['gunicorn', 'app.main:app', '--config', 'gunicorn.conf.py']);
  assert.equal(p.serve.migrateCommand, ['alembic', 'upgrade', 'head']);
  assert.ok(p.components.includes('sqlalchemy'), 'SQLAlchemy comes with a database');
  assert.not.ok(plan({ ...defaultsFor('demo'), framework: 'fastapi', database: 'none' }).components.includes('sqlalchemy'));
});

test.run();
