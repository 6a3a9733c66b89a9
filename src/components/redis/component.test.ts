// Redis: a password-protected `cache`, REDIS_URL for the app, and a broker for the worker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { plan } from '../../plan/plan.js';

test('redis: the app gets REDIS_URL with the password; the worker can use it as broker (database 1)', () => {
  const p = plan({ ...defaultsFor('demo'), cache: 'redis', extras: ['worker'], broker: 'redis' });
  const web = p.compose.dev.services.web as { environment: Record<string, string> };
  assert.is(web.environment.REDIS_URL, 'redis://:${REDIS_PASSWORD}@cache:6379/0');
  assert.is(web.environment.CELERY_BROKER_URL, 'redis://:${REDIS_PASSWORD}@cache:6379/1');
  assert.ok(p.requirements.some((r) => r.startsWith('celery[redis]==')));
});

test.run();
