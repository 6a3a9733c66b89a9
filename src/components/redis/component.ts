// Redis as the cache: a `cache` service with a password, its client and readiness check.
import type { Component } from '../types.js';
import { IMAGES, PY } from '../pins.js';

export const component: Component = {
  id: 'redis',
  slot: 'cache',
  capabilities: ['cache'],
  // Redis can carry the worker's tasks too, in its own database number apart from the cache's keys.
  celeryBroker: { url: 'redis://:${REDIS_PASSWORD}@cache:6379/1', requirement: PY.celeryRedis, about: 'Redis (database 1)', devUrl: 'redis://localhost:6379/1', testUrl: 'redis://:pw@cache:6379/1' },
  label: 'Redis',
  contribute: () => {
    // REDISCLI_AUTH lets the healthcheck authenticate without a password on the command line.
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.redis,
      command: ['sh', '-c', 'exec redis-server --requirepass "$$REDIS_PASSWORD" --maxmemory 256mb --maxmemory-policy allkeys-lru'],
      environment: {
        REDIS_PASSWORD: mode === 'prod' ? '${REDIS_PASSWORD:?set REDIS_PASSWORD in .env.prod}' : '${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}',
        REDISCLI_AUTH: '${REDIS_PASSWORD}',
      },
      volumes: ['redis-data:/data'],
      healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', retries: 10, start_period: '10s', start_interval: '1s' },
      ...(mode === 'dev'
        ? { ports: ['127.0.0.1:6379:6379'] }
        : { read_only: true, deploy: { resources: { limits: { memory: '320M' } } } }),
    });
    const url = 'redis://:${REDIS_PASSWORD}@cache:6379/0';
    return {
      services: { dev: { cache: service('dev') }, prod: { cache: service('prod') } },
      volumes: { dev: ['redis-data'], prod: ['redis-data'] },
      env: [{ name: 'REDIS_PASSWORD', description: 'Password of the Redis cache', dev: { secret: true }, requiredInProd: true }],
      appEnv: { dev: { REDIS_URL: url }, prod: { REDIS_URL: url } },
      appDependsOn: ['cache'],
      requirements: [PY.redis],
      // Django's cache framework uses it too (app/settings.py).
      partials: { 'django-cache': 'django/caches.py.ejs' },
      settings: [
        {
          group: 'connection',
          field: 'redis_url: str',
          read: 'redis_url=required("REDIS_URL", "redis://localhost:6379/0")',
          production: ['REDIS_URL', 'redis://:pw@cache:6379/0'],
          devAssert: '    assert settings.redis_url == "redis://localhost:6379/0"',
        },
      ],
      readiness: [{ name: 'redis', module: 'cache' }],
      ci: { service: 'ci/service.yml.ejs', env: { REDIS_URL: 'redis://127.0.0.1:6379/0' } },
      docs: {
        name: 'Redis',
        parts: [{ part: 'Cache', choice: 'Redis' }],
        native: { service: 'cache', lines: ['export REDIS_URL="redis://:$REDIS_PASSWORD@localhost:6379/0"'] },
        builtVariables: ['REDIS_URL'],
      },
      files: [
        { from: 'app/cache.py.ejs', to: 'app/cache.py' },
        { from: 'tests/test_cache.py.ejs', to: 'tests/test_cache.py' },
      ],
    };
  },
};
