// Valkey: everything a Redis-protocol cache gets, under its own names, from its own image.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CACHES, defaultsFor } from '../../answers/options.js';
import { BROKER_IDS } from '../choices.js';
import { plan } from '../../plan/plan.js';
import { render } from '../../render/render.js';

const valkey = (o = {}) => plan({ ...defaultsFor('demo'), cache: 'valkey', ...o });
const env = (p: ReturnType<typeof plan>, mode: 'dev' | 'prod' = 'dev') => (p.compose[mode].services.web as { environment: Record<string, string> }).environment;

test('valkey is a cache choice and a broker the worker can use', () => {
  assert.ok(CACHES.includes('valkey'));
  assert.ok(BROKER_IDS.includes('valkey'));
});

test('valkey: its own service, password and URL; the redis-py client; a PING readiness check', () => {
  const p = valkey();
  type Cache = { image: string; command: string[]; healthcheck: { test: string[] }; environment?: Record<string, string>; secrets?: string[] };
  const dev = p.compose.dev.services.cache as Cache;
  assert.match(dev.image, /^valkey\/valkey:\d+\.\d+\.\d+/);
  assert.match(dev.command.join(' '), /exec valkey-server --requirepass "\$\$VALKEY_PASSWORD"/);
  assert.equal(dev.healthcheck.test, ['CMD', 'valkey-cli', 'ping']);
  assert.is(dev.environment?.REDISCLI_AUTH, '${VALKEY_PASSWORD}');
  assert.is(env(p, 'dev').VALKEY_URL, 'redis://:${VALKEY_PASSWORD}@cache:6379/0');
  // Production: the password is a file, for the server, its healthcheck and the app's URL alike.
  const prod = p.compose.prod.services.cache as Cache;
  assert.match(prod.command.join(' '), /exec valkey-server --requirepass "\$\$\(cat \/run\/secrets\/valkey_password\)"/);
  assert.match(prod.healthcheck.test.join(' '), /REDISCLI_AUTH="\$\$\(cat \/run\/secrets\/valkey_password\)" valkey-cli ping/);
  assert.is(prod.environment, undefined);
  // Run as the image's account: its entrypoint would not drop root for a command starting with `sh`.
  assert.is((prod as { user?: string }).user, 'valkey');
  assert.equal((prod as { cap_drop?: string[] }).cap_drop, ['ALL']);
  assert.equal(prod.secrets, ['valkey_password']);
  assert.is(env(p, 'prod').VALKEY_URL_FILE, '/run/secrets/valkey_url');
  assert.ok(p.secrets.some((f) => f.name === 'valkey_url' && f.value === 'redis://:${VALKEY_PASSWORD}@cache:6379/0'));
  assert.ok(p.env.some((v) => v.name === 'VALKEY_PASSWORD' && typeof v.dev !== 'string'));
  assert.ok(p.requirements.some((r) => r.startsWith('redis==')));
  assert.equal(p.readinessChecks, [
    { name: 'postgres', module: 'db' },
    { name: 'valkey', module: 'cache' },
  ]);
});

test('valkey: the generated app reads VALKEY_URL, and Django caches through it', () => {
  const files = new Map(render(valkey({ framework: 'django' }), { secret: () => 's' }).map((f) => [f.path, f.content]));
  assert.match(files.get('app/config.py')!, /valkey_url=required\("VALKEY_URL", "redis:\/\/localhost:6379\/0"\)/);
  assert.match(files.get('app/cache.py')!, /get_settings\(\)\.valkey_url/);
  assert.match(files.get('app/settings.py')!, /"LOCATION": _config\.valkey_url/);
  assert.match(files.get('.github/workflows/ci.yml')!, /image: valkey\/valkey:[\d.]+-alpine[\s\S]*--health-cmd "valkey-cli ping"/);
  assert.match(files.get('README.md')!, /\| Cache \| Valkey \|/);
});

test('valkey as the worker broker: database 1 of the cache', () => {
  const p = valkey({ extras: ['worker'], broker: 'valkey' });
  assert.is(env(p).CELERY_BROKER_URL, 'redis://:${VALKEY_PASSWORD}@cache:6379/1');
});

test.run();
