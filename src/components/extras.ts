// Extra services: a RabbitMQ broker, a Celery worker (+ beat scheduler) run from the app's image, and Adminer,
// a database UI for development only.
import type { Component } from './types.js';
import { IMAGES, PY } from './pins.js';
import { devHostPort } from './proxies.js';

const rabbitmq: Component = {
  id: 'rabbitmq',
  slot: 'extra',
  label: 'RabbitMQ message broker',
  contribute: ({ answers }) => {
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.rabbitmq,
      environment: {
        RABBITMQ_DEFAULT_USER: '${RABBITMQ_USER:-app}',
        RABBITMQ_DEFAULT_PASS: `\${RABBITMQ_PASSWORD:?set RABBITMQ_PASSWORD in ${mode === 'prod' ? '.env.prod' : '.env'}}`,
      },
      volumes: ['rabbitmq-data:/var/lib/rabbitmq'],
      healthcheck: { test: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], interval: '10s', timeout: '10s', retries: 10, start_period: '30s', start_interval: '2s' },
      ...(mode === 'dev'
        ? { ports: ['127.0.0.1:5672:5672', `127.0.0.1:${devHostPort(15672, answers.port)}:15672`] }
        : { deploy: { resources: { limits: { memory: '512M' } } } }),
    });
    const url = 'amqp://${RABBITMQ_USER:-app}:${RABBITMQ_PASSWORD}@rabbitmq:5672/';
    return {
      services: { dev: { rabbitmq: service('dev') }, prod: { rabbitmq: service('prod') } },
      volumes: { dev: ['rabbitmq-data'], prod: ['rabbitmq-data'] },
      env: [
        { name: 'RABBITMQ_USER', description: 'RabbitMQ user the app connects as', dev: 'app', prod: 'app' },
        { name: 'RABBITMQ_PASSWORD', description: 'RabbitMQ password of that user', dev: { secret: true }, requiredInProd: true },
      ],
      appEnv: { dev: { AMQP_URL: url }, prod: { AMQP_URL: url } },
      appDependsOn: ['rabbitmq'],
      readiness: ['rabbitmq'],
      files: [
        { from: 'python/rabbitmq/app/broker.py.ejs', to: 'app/broker.py' },
        { from: 'python/rabbitmq/tests/test_broker.py.ejs', to: 'tests/test_broker.py' },
      ],
    };
  },
};

const worker: Component = {
  id: 'worker',
  slot: 'extra',
  label: 'Celery worker and beat scheduler',
  contribute: ({ answers }) => {
    // Redis as broker uses its own database number, apart from the cache's keys.
    const url = answers.broker === 'rabbitmq' ? 'amqp://${RABBITMQ_USER:-app}:${RABBITMQ_PASSWORD}@rabbitmq:5672/' : 'redis://:${REDIS_PASSWORD}@cache:6379/1';
    return {
      appProcesses: {
        worker: {
          command: ['celery', '--app', 'app.worker', 'worker', '--loglevel', 'INFO', '--concurrency', '2'],
          devCommand: ['celery', '--app', 'app.worker', 'worker', '--loglevel', 'DEBUG', '--concurrency', '1'],
          healthcheck: {
            test: ['CMD-SHELL', 'celery --app app.worker inspect ping --timeout 5 --destination "celery@$$HOSTNAME" > /dev/null'],
            interval: '30s',
            timeout: '15s',
            retries: 3,
            start_period: '30s',
          },
          // A task gets this long to finish after SIGTERM (Celery's warm shutdown).
          stopGracePeriod: '60s',
          limits: { memory: '512M' },
        },
        beat: {
          command: ['celery', '--app', 'app.worker', 'beat', '--loglevel', 'INFO', '--schedule', '/tmp/celerybeat-schedule'],
          limits: { memory: '128M' },
        },
      },
      appEnv: { dev: { CELERY_BROKER_URL: url }, prod: { CELERY_BROKER_URL: url } },
      requirements: [answers.broker === 'redis' ? PY.celeryRedis : PY.celery],
      files: [
        { from: 'python/worker/app/worker.py.ejs', to: 'app/worker.py' },
        { from: 'python/worker/app/tasks.py.ejs', to: 'app/tasks.py' },
        { from: 'python/worker/tests/test_tasks.py.ejs', to: 'tests/test_tasks.py' },
      ],
    };
  },
};

const adminer: Component = {
  id: 'adminer',
  slot: 'extra',
  label: 'Adminer database UI (development only)',
  contribute: ({ answers }) => ({
    services: {
      dev: {
        adminer: {
          image: IMAGES.adminer,
          environment: { ADMINER_DEFAULT_SERVER: 'db' },
          ports: [`127.0.0.1:${devHostPort(8082, answers.port)}:8080`],
          depends_on: { db: { condition: 'service_healthy' } },
        },
      },
    },
  }),
};

export const EXTRA_COMPONENTS: Component[] = [rabbitmq, worker, adminer];
