// Memcached: a `cache` without credentials; MEMCACHED_SERVERS for the app.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { plan } from '../../plan/plan.js';

test('memcached: the app gets MEMCACHED_SERVERS; no secret is generated for it', () => {
  const p = plan({ ...defaultsFor('demo'), cache: 'memcached' });
  const web = p.compose.dev.services.web as { environment: Record<string, string> };
  assert.is(web.environment.MEMCACHED_SERVERS, 'cache:11211');
  assert.not.ok(p.env.some((v) => v.name.startsWith('MEMCACHED') && typeof v.dev !== 'string'));
});

test.run();
