// Django: runserver in development, gunicorn in production, its own ORM and migrations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { plan } from '../../plan/plan.js';

test('django: runserver in development, manage.py migrate, no SQLAlchemy, required ALLOWED_HOSTS', () => {
  const p = plan({ ...defaultsFor('demo'), framework: 'django' });
  assert.match(p.serve.devCommand.join(' '), /^python manage\.py runserver 0\.0\.0\.0:8000$/);
  assert.equal(p.serve.migrateCommand, ['python', 'manage.py', 'migrate', '--noinput']);
  assert.not.ok(p.components.includes('sqlalchemy'));
  assert.ok(p.env.find((v) => v.name === 'ALLOWED_HOSTS')?.requiredInProd);
});

test.run();
