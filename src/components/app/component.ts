// The framework-neutral app modules every project has: config, logging, metrics, readiness.
import type { Component } from '../types.js';
import { PY } from '../pins.js';

export const component: Component = {
  id: 'app',
  order: 1,
  slot: 'core',
  sharedTemplates: true,
  label: 'App core',
  contribute: () => ({
    env: [
      { name: 'APP_ENV', description: 'development or production; production enforces required settings', dev: 'development', prod: 'production' },
      { name: 'LOG_LEVEL', description: 'Log level: debug, info, warning, error', dev: 'debug', prod: 'info' },
      { name: 'WEB_CONCURRENCY', description: 'Number of gunicorn worker processes', dev: '1', prod: '2' },
    ],
    appEnv: {
      dev: { APP_ENV: '${APP_ENV:-development}', LOG_LEVEL: '${LOG_LEVEL:-debug}' },
      prod: { APP_ENV: 'production', LOG_LEVEL: '${LOG_LEVEL:-info}', WEB_CONCURRENCY: '${WEB_CONCURRENCY:-2}' },
    },
    requirements: [PY.gunicorn, PY.prometheusClient],
    devRequirements: [PY.pytest, PY.pytestCov, PY.ruff, PY.mypy],
    readiness: [],
    files: [
      { from: 'python/common/app/config.py.ejs', to: 'app/config.py' },
      { from: 'python/common/app/logs.py.ejs', to: 'app/logs.py' },
      { from: 'python/common/app/metrics.py.ejs', to: 'app/metrics.py' },
      { from: 'python/common/app/metrics_files.py', to: 'app/metrics_files.py' },
      { from: 'python/common/app/metrics_merge.py', to: 'app/metrics_merge.py' },
      { from: 'python/common/app/readiness.py.ejs', to: 'app/readiness.py' },
      { from: 'python/common/app/healthcheck.py.ejs', to: 'app/healthcheck.py' },
      { from: 'python/common/gunicorn.conf.py.ejs', to: 'gunicorn.conf.py' },
      { from: 'python/common/pyproject.toml.ejs', to: 'pyproject.toml' },
      { from: 'python/common/tests/test_config.py.ejs', to: 'tests/test_config.py' },
      { from: 'python/common/tests/test_readiness.py.ejs', to: 'tests/test_readiness.py' },
      { from: 'python/common/tests/test_logs.py.ejs', to: 'tests/test_logs.py' },
      { from: 'python/common/tests/test_metrics_files.py', to: 'tests/test_metrics_files.py' },
      { from: 'python/common/tests/test_metrics_merge.py', to: 'tests/test_metrics_merge.py' },
      { from: 'python/common/tests/__init__.py', to: 'tests/__init__.py' },
    ],
  }),
};
