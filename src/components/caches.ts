// Cache components: a `cache` service, its client library and readiness check.
import type { Component } from './types.js';
import { IMAGES, PY } from './pins.js';

const redis: Component = {
  id: 'redis',
  slot: 'cache',
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
      readiness: ['redis'],
    };
  },
};

const memcached: Component = {
  id: 'memcached',
  slot: 'cache',
  label: 'Memcached',
  contribute: () => {
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.memcached,
      command: ['memcached', '-m', '128', '-c', '1024'],
      healthcheck: {
        test: ['CMD-SHELL', 'echo version | nc -w 2 127.0.0.1 11211 | grep -q VERSION'],
        interval: '5s',
        timeout: '3s',
        retries: 10,
        start_period: '5s',
        start_interval: '1s',
      },
      ...(mode === 'dev'
        ? { ports: ['127.0.0.1:11211:11211'] }
        : { read_only: true, cap_drop: ['ALL'], deploy: { resources: { limits: { memory: '192M' } } } }),
    });
    return {
      services: { dev: { cache: service('dev') }, prod: { cache: service('prod') } },
      appEnv: { dev: { MEMCACHED_SERVERS: 'cache:11211' }, prod: { MEMCACHED_SERVERS: 'cache:11211' } },
      appDependsOn: ['cache'],
      requirements: [PY.pymemcache],
      readiness: ['memcached'],
    };
  },
};

export const CACHE_COMPONENTS: Component[] = [redis, memcached];
