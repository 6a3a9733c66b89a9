// Adminer, a database UI for development only.
import type { Component } from '../types.js';
import { IMAGES } from '../pins.js';
import { devHostPort } from '../shared/dev-port.js';

export const component: Component = {
  id: 'adminer',
  order: 3,
  slot: 'extra',
  images: [IMAGES.adminer],
  check: (a, rules) =>
    rules.can('database-server')
      ? []
      : [
          `--extras adminer: adminer needs a database server (${rules
            .providers('database-server')
            .join(', ')
            .replace(/, ([^,]*)$/, ' or $1')}), but --database is ${a.database}`,
        ],
  label: 'Adminer, a database UI for development only',
  contribute: ({ answers }) => ({
    docs: {
      parts: [{ part: 'Database UI', choice: 'Adminer, development only' }],
      urls: [{ what: 'Adminer', url: `http://127.0.0.1:${devHostPort(8082, answers.port)} (server \`db\`, credentials from \`.env\`)` }],
    },
    services: {
      dev: {
        adminer: {
          image: IMAGES.adminer.ref,
          environment: { ADMINER_DEFAULT_SERVER: 'db' },
          ports: [`127.0.0.1:${devHostPort(8082, answers.port)}:8080`],
          depends_on: { db: { condition: 'service_healthy' } },
        },
      },
    },
  }),
};
