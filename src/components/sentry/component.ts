// Sentry error reporting, on when SENTRY_DSN is set.
import type { Component } from '../types.js';
import { PY } from '../pins.js';

export const component: Component = {
  id: 'sentry',
  order: 4,
  slot: 'observability',
  capabilities: ['error-reporting'],
  label: 'Sentry error reporting',
  contribute: () => ({
    settings: [{ group: 'errors', field: 'sentry_dsn: str | None', read: 'sentry_dsn=environ.get("SENTRY_DSN", "").strip() or None' }],
    docs: {
      name: 'Sentry',
      parts: [{ part: 'Errors', choice: 'Sentry, on when `SENTRY_DSN` is set' }],
      observability: ['**Sentry**: set `SENTRY_DSN` to report unhandled errors.'],
    },
    env: [{ name: 'SENTRY_DSN', description: 'Sentry DSN; error reporting is off while empty', dev: '', prod: '' }],
    appEnv: { dev: { SENTRY_DSN: '${SENTRY_DSN:-}' }, prod: { SENTRY_DSN: '${SENTRY_DSN:-}' } },
    requirements: [PY.sentry],
    files: [
      { from: 'app/errors.py.ejs', to: 'app/errors.py' },
      { from: 'tests/test_errors.py.ejs', to: 'tests/test_errors.py' },
    ],
  }),
};
