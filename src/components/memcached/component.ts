// Memcached as the cache: a `cache` service, its client and readiness check.
import type { Component } from '../types.js';
import { IMAGES, PY } from '../pins.js';

const SERVERS_HELPER = `def _servers(name: str, value: str) -> tuple[tuple[str, int], ...]:
    servers = []
    for item in value.split(","):
        host, sep, port = item.strip().rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ConfigError(f"{name} must be host:port[,host:port] (got {value!r})")
        servers.append((host, int(port)))
    return tuple(servers)`;

const SERVERS_TEST = `def test_memcached_servers_are_parsed() -> None:
    settings = Settings.from_env({"MEMCACHED_SERVERS": "cache-a:11211, cache-b:11212"})

    assert settings.memcached_servers == (("cache-a", 11211), ("cache-b", 11212))`;

export const component: Component = {
  id: 'memcached',
  order: 2,
  slot: 'cache',
  images: [IMAGES.memcached],
  capabilities: ['cache'],
  label: 'Memcached',
  contribute: () => {
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.memcached.ref,
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
      // Django's cache framework uses it too (app/settings.py).
      partials: { 'django-cache': 'django/caches.py.ejs' },
      typing: { untypedModules: ['pymemcache.*'] },
      settings: [
        {
          group: 'connection',
          field: 'memcached_servers: tuple[tuple[str, int], ...]',
          read: 'memcached_servers=_servers("MEMCACHED_SERVERS", required("MEMCACHED_SERVERS", "localhost:11211"))',
          helper: SERVERS_HELPER,
          production: ['MEMCACHED_SERVERS', 'cache:11211'],
          devAssert: '    assert settings.memcached_servers == (("localhost", 11211),)',
          invalid: ['MEMCACHED_SERVERS', 'cache'],
          test: SERVERS_TEST,
        },
      ],
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
