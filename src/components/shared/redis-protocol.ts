// A cache that speaks the Redis protocol (Redis, Valkey): a password-protected `cache` service, the redis-py
// client, a PING readiness check, Django's RedisCache, and a Celery broker in its database 1. Each such cache's
// folder describes only what differs: its id, label, image and server binaries.
import { PY } from '../pins.js';
import type { Component, ImagePin } from '../types.js';
import { requiredSecret, secretPath } from './secrets.js';

export interface RedisProtocolCache {
  id: string;
  order: number;
  label: string;
  image: ImagePin;
  /** The server binary in the image, and its command-line client (used by the healthchecks). */
  server: string;
  cli: string;
  /** The variable the client reads the password from (so it is never on a command line). */
  cliAuthEnv: string;
  /** The image's own unprivileged account, which owns /data in it. */
  user: string;
}

export function redisProtocolCache(d: RedisProtocolCache): Component {
  const PREFIX = d.id.toUpperCase();
  const password = `${PREFIX}_PASSWORD`;
  const urlVar = `${PREFIX}_URL`;
  const setting = `${d.id}_url`;
  const volume = `${d.id}-data`;
  // Every template of this family renders with these values.
  const self = { id: d.id, label: d.label, image: d.image.ref, cli: d.cli, urlVar, setting };
  const shared = (from: string) => ({ from: `../../shared/templates/redis-protocol/${from}`, locals: { self } });
  return {
    id: d.id,
    order: d.order,
    slot: 'cache',
    images: [d.image],
    label: d.label,
    capabilities: ['cache'],
    // It can carry the worker's tasks too, in its own database number apart from the cache's keys.
    celeryBroker: {
      url: `redis://:\${${password}}@cache:6379/1`,
      requirement: PY.celeryRedis,
      about: `${d.label} (database 1)`,
      devUrl: 'redis://localhost:6379/1',
      testUrl: 'redis://:pw@cache:6379/1',
    },
    contribute: () => {
      const secret = requiredSecret(password);
      const limits = '--maxmemory 256mb --maxmemory-policy allkeys-lru';
      const timing = { interval: '5s', timeout: '3s', retries: 10, start_period: '10s', start_interval: '1s' };
      const dev = {
        image: d.image.ref,
        command: ['sh', '-c', `exec ${d.server} --requirepass "$$${password}" ${limits}`],
        environment: {
          [password]: `\${${password}:?set ${password} in .env}`,
          // Lets the healthcheck authenticate without a password on the command line.
          [d.cliAuthEnv]: `\${${password}}`,
        },
        volumes: [`${volume}:/data`],
        healthcheck: { test: ['CMD', d.cli, 'ping'], ...timing },
        ports: ['127.0.0.1:6379:6379'],
      };
      // Production: the password is a file. The server takes it as an argument (it rewrites its process title, so
      // ps shows no password); the healthcheck's client reads it from its variable, set for that command only.
      // The image's entrypoint drops root only for a command that starts with the server, and this one starts
      // with `sh`: the service runs as the image's own account instead, which needs no capability at all.
      const file = secretPath(secret.name);
      const prod = {
        image: d.image.ref,
        user: d.user,
        command: ['sh', '-c', `exec ${d.server} --requirepass "$$(cat ${file})" ${limits}`],
        secrets: [secret.name],
        volumes: [`${volume}:/data`],
        healthcheck: { test: ['CMD-SHELL', `${d.cliAuthEnv}="$$(cat ${file})" ${d.cli} ping | grep -qx PONG`], ...timing },
        read_only: true,
        cap_drop: ['ALL'],
        deploy: { resources: { limits: { memory: '320M' } } },
      };
      const url = `redis://:\${${password}}@cache:6379/0`;
      return {
        services: { dev: { cache: dev }, prod: { cache: prod } },
        volumes: { dev: [volume], prod: [volume] },
        secrets: [secret],
        env: [{ name: password, description: `Password of the ${d.label} cache`, dev: { secret: true }, requiredInProd: true }],
        appEnv: { dev: { [urlVar]: url }, prod: { [urlVar]: url } },
        appDependsOn: ['cache'],
        requirements: [PY.redis],
        // Django's cache framework uses it too (app/settings.py).
        partials: { 'django-cache': shared('django-caches.py.ejs') },
        settings: [
          {
            group: 'connection',
            field: `${setting}: str`,
            read: `${setting}=required("${urlVar}", "redis://localhost:6379/0")`,
            production: [urlVar, 'redis://:pw@cache:6379/0'],
            devAssert: `    assert settings.${setting} == "redis://localhost:6379/0"`,
          },
        ],
        readiness: [{ name: d.id, module: 'cache' }],
        ci: { service: shared('ci-service.yml.ejs'), env: { [urlVar]: 'redis://127.0.0.1:6379/0' } },
        docs: {
          name: d.label,
          parts: [{ part: 'Cache', choice: d.label }],
          native: { service: 'cache', lines: [`export ${urlVar}="redis://:$${password}@localhost:6379/0"`] },
          builtVariables: [urlVar],
        },
        files: [
          { to: 'app/cache.py', ...shared('cache.py.ejs') },
          { to: 'tests/test_cache.py', ...shared('test_cache.py.ejs') },
        ],
      };
    },
  };
}
