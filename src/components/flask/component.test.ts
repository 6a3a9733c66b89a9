// Flask: the debug server in development, gunicorn in production, Alembic migrates, a SECRET_KEY.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { plan } from '../../plan/plan.js';

test('flask: debug server in development, gunicorn in production, Alembic, a generated SECRET_KEY', () => {
  const p = plan({ ...defaultsFor('demo'), framework: 'flask' });
  assert.match(p.serve.devCommand.join(' '), /^flask --app app\.wsgi:app run .*--debug/);
  assert.equal(p.serve.command, ['gunicorn', 'app.wsgi:app', '--config', 'gunicorn.conf.py']);
  assert.equal(p.serve.migrateCommand, ['alembic', 'upgrade', 'head']);
  assert.ok(p.components.includes('sqlalchemy'));
  assert.equal(p.env.find((v) => v.name === 'SECRET_KEY')?.dev, { secret: true });
});

test.run();
