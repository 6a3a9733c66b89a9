// Celery worker and beat scheduler, run from the app's own image.
import { UsageError } from '../../answers/errors.js';
import type { Component } from '../types.js';

/** A broker the project already has, a dedicated one first; none is a question for the person. */
function brokerIn(components: readonly Component[], has: (id: string) => boolean, free: (id: string) => boolean): string {
  const brokers = components.filter((c) => c.celeryBroker);
  const dedicated = (c: Component) => Boolean(c.capabilities?.includes('broker'));
  const byPreference = brokers.sort((x, y) => Number(dedicated(y)) - Number(dedicated(x)));
  const present = byPreference.find((c) => has(c.id));
  if (present) return present.id;
  throw new UsageError(
    `the worker needs a broker and this project has none: pass ${byPreference
      .filter((c) => free(c.id))
      .map((c) => `--broker ${c.id} (adds ${c.label})`)
      .join(' or ')}`,
  );
}

export const component: Component = {
  id: 'worker',
  order: 2,
  slot: 'extra',
  label: 'Celery worker and beat scheduler',
  // The broker is another component of the project: chosen with --broker, it must be chosen itself too.
  check: (a, rules) => {
    const broker = rules.choice(a.broker);
    if (!broker || a.extras.includes(a.broker) || broker.current === a.broker) return [];
    return [
      broker.multi
        ? `--broker ${a.broker}: add ${a.broker} to --${broker.key} (e.g. ${broker.flag},worker)`
        : `--broker ${a.broker}: the worker's broker would be the ${broker.label} ${broker.key}, but --${broker.key} is ${broker.current}; use ${broker.flag}, or another broker (${rules
            .providers('broker')
            .map((b) => `--broker ${b}`)
            .join(', ')})`,
    ];
  },
  // Added to a project, the worker brings its broker: the one asked for, else one the project has.
  whenAdded: (next, options, { has, choose, free, components }) => {
    const broker = options.broker ?? brokerIn(components, has, free);
    return { ...(has(broker) ? next : choose(next, broker)), broker };
  },
  contribute: ({ answers, lookup }) => {
    const broker = lookup(answers.broker)?.celeryBroker;
    if (!broker) throw new Error(`internal: ${answers.broker} cannot be the worker's broker`);
    const url = broker.url;
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
      settings: [
        {
          group: 'connection',
          field: 'celery_broker_url: str',
          read: `celery_broker_url=required("CELERY_BROKER_URL", "${broker.devUrl}")`,
          production: ['CELERY_BROKER_URL', broker.testUrl],
        },
      ],
      docs: {
        parts: [
          {
            part: 'Background jobs',
            choice: `Celery worker and beat scheduler from the app image (\`app/worker.py\`, tasks in \`app/tasks.py\`), broker ${broker.about}`,
          },
        ],
      },
      requirements: [broker.requirement],
      typing: {
        untypedModules: ['celery.*'],
        overrides:
          '[[tool.mypy.overrides]]\n# Celery\'s task and signal decorators are untyped.\nmodule = ["app.tasks", "app.worker"]\ndisallow_untyped_decorators = false',
      },
      files: [
        { from: 'app/worker.py.ejs', to: 'app/worker.py' },
        { from: 'app/tasks.py.ejs', to: 'app/tasks.py' },
        { from: 'tests/test_tasks.py.ejs', to: 'tests/test_tasks.py' },
      ],
    };
  },
};
