// Celery worker and beat scheduler, run from the app's own image.
import type { Component } from '../types.js';
import { PY } from '../pins.js';

export const component: Component = {
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
        { from: 'app/worker.py.ejs', to: 'app/worker.py' },
        { from: 'app/tasks.py.ejs', to: 'app/tasks.py' },
        { from: 'tests/test_tasks.py.ejs', to: 'tests/test_tasks.py' },
      ],
    };
  },
};
