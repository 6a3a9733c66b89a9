// RabbitMQ message broker; readiness performs the AMQP handshake.
import type { Component } from '../types.js';
import { IMAGES, PY } from '../pins.js';
import { devHostPort } from '../shared/dev-port.js';

export const component: Component = {
  id: 'rabbitmq',
  order: 1,
  slot: 'extra',
  images: [IMAGES.rabbitmq],
  capabilities: ['broker'],
  celeryBroker: {
    url: 'amqp://${RABBITMQ_USER:-app}:${RABBITMQ_PASSWORD}@rabbitmq:5672/',
    requirement: PY.celery,
    about: 'RabbitMQ',
    // No credentials: AMQP clients (Celery's kombu) log in as RabbitMQ's guest account when the URL names none.
    devUrl: 'amqp://localhost:5672/',
    testUrl: 'amqp://app:pw@rabbitmq:5672/',
  },
  label: 'RabbitMQ',
  contribute: ({ answers }) => {
    // The image reads no *_FILE variable: in production the first user comes from a config file of its own, a
    // secret mounted into the server's conf.d (RabbitMQ reads every file there).
    const userConf = {
      name: 'rabbitmq_default_user',
      value: 'default_user = ${RABBITMQ_USER:-app}\ndefault_pass = ${RABBITMQ_PASSWORD:?set RABBITMQ_PASSWORD in .env.prod}',
    };
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.rabbitmq.ref,
      ...(mode === 'dev'
        ? { environment: { RABBITMQ_DEFAULT_USER: '${RABBITMQ_USER:-app}', RABBITMQ_DEFAULT_PASS: '${RABBITMQ_PASSWORD:?set RABBITMQ_PASSWORD in .env}' } }
        : { secrets: [{ source: userConf.name, target: '/etc/rabbitmq/conf.d/20-default-user.conf' }] }),
      volumes: ['rabbitmq-data:/var/lib/rabbitmq'],
      healthcheck: {
        test: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'],
        interval: '10s',
        timeout: '10s',
        retries: 10,
        start_period: '30s',
        start_interval: '2s',
      },
      ...(mode === 'dev'
        ? { ports: ['127.0.0.1:5672:5672', `127.0.0.1:${devHostPort(15672, answers.port)}:15672`] }
        : { deploy: { resources: { limits: { memory: '512M' } } } }),
    });
    const url = 'amqp://${RABBITMQ_USER:-app}:${RABBITMQ_PASSWORD}@rabbitmq:5672/';
    return {
      services: { dev: { rabbitmq: service('dev') }, prod: { rabbitmq: service('prod') } },
      volumes: { dev: ['rabbitmq-data'], prod: ['rabbitmq-data'] },
      secrets: [userConf],
      env: [
        { name: 'RABBITMQ_USER', description: 'RabbitMQ user the app connects as', dev: 'app', prod: 'app' },
        { name: 'RABBITMQ_PASSWORD', description: 'RabbitMQ password of that user', dev: { secret: true }, requiredInProd: true },
      ],
      appEnv: { dev: { AMQP_URL: url }, prod: { AMQP_URL: url } },
      appDependsOn: ['rabbitmq'],
      settings: [
        {
          group: 'connection',
          field: 'amqp_url: str',
          read: 'amqp_url=required("AMQP_URL", "amqp://localhost:5672/")',
          production: ['AMQP_URL', 'amqp://app:pw@rabbitmq:5672/'],
        },
      ],
      readiness: [{ name: 'rabbitmq', module: 'broker' }],
      docs: {
        name: 'RabbitMQ',
        parts: [{ part: 'Message broker', choice: 'RabbitMQ (`AMQP_URL`; readiness performs the AMQP handshake)' }],
        urls: [
          {
            what: 'RabbitMQ management',
            url: `http://127.0.0.1:${devHostPort(15672, answers.port)} (user and password: \`RABBITMQ_USER\`, \`RABBITMQ_PASSWORD\` in \`.env\`)`,
          },
        ],
      },
      files: [
        { from: 'app/broker.py.ejs', to: 'app/broker.py' },
        { from: 'tests/test_broker.py.ejs', to: 'tests/test_broker.py' },
      ],
    };
  },
};
