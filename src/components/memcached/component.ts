// Memcached as the cache: a `cache` service, its client and readiness check.
import type { Component } from '../types.js';
import { IMAGES, PY } from '../pins.js';

export const component: Component = {
  id: 'memcached',
  slot: 'cache',
  capabilities: ['cache'],
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
      typing: { untypedModules: ['pymemcache.*'] },
      readiness: [{ name: 'memcached', module: 'cache' }],
      ci: { service: 'ci/service.yml.ejs', env: { MEMCACHED_SERVERS: '127.0.0.1:11211' } },
      docs: { name: 'Memcached', parts: [{ part: 'Cache', choice: 'Memcached' }], native: { service: 'cache' } },
      files: [
        { from: 'app/cache.py.ejs', to: 'app/cache.py' },
        { from: 'tests/test_cache.py.ejs', to: 'tests/test_cache.py' },
      ],
    };
  },
};
