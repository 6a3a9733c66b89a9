// Always-on parts of every project: the framework-neutral app modules (config, logging, metrics, readiness),
// packaging, the container image, scripts, CI and docs.
import type { Component } from './types.js';
import { PY } from './pins.js';

const app: Component = {
  id: 'app',
  slot: 'core',
  label: 'App core',
  contribute: ({ answers }) => ({
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
      { from: 'python/common/app/readiness.py.ejs', to: 'app/readiness.py' },
      { from: 'python/common/app/healthcheck.py.ejs', to: 'app/healthcheck.py' },
      { from: 'python/common/gunicorn.conf.py.ejs', to: 'gunicorn.conf.py' },
      { from: 'python/common/pyproject.toml.ejs', to: 'pyproject.toml' },
      { from: 'python/common/tests/test_config.py.ejs', to: 'tests/test_config.py' },
      { from: 'python/common/tests/test_readiness.py.ejs', to: 'tests/test_readiness.py' },
      { from: 'python/common/tests/__init__.py', to: 'tests/__init__.py' },
      ...(answers.cache !== 'none'
        ? [
            { from: `python/${answers.cache}/app/cache.py.ejs`, to: 'app/cache.py' },
            { from: 'python/common/tests/test_cache.py.ejs', to: 'tests/test_cache.py' },
          ]
        : []),
      ...(answers.observability.includes('otel') ? [{ from: 'python/common/tests/test_tracing.py.ejs', to: 'tests/test_tracing.py' }] : []),
      ...(answers.observability.includes('sentry') ? [{ from: 'python/common/tests/test_errors.py.ejs', to: 'tests/test_errors.py' }] : []),
    ],
  }),
};

const project: Component = {
  id: 'project',
  slot: 'core',
  label: 'Container image, scripts, CI and docs',
  contribute: ({ answers }) => ({
    files: [
      { from: 'docker/Dockerfile.ejs', to: 'Dockerfile' },
      { from: 'docker/dockerignore.ejs', to: '.dockerignore' },
      { from: 'project/gitignore', to: '.gitignore' },
      { from: 'project/Makefile.ejs', to: 'Makefile' },
      { from: 'project/README.md.ejs', to: 'README.md' },
      { from: 'project/github/workflows/ci.yml.ejs', to: '.github/workflows/ci.yml' },
      // Helpers the scripts share (compose invocation, readiness wait, deploy state); sourced, not run.
      { from: 'scripts/lib.sh.ejs', to: 'scripts/lib.sh' },
      { from: 'scripts/deploy.sh.ejs', to: 'scripts/deploy.sh', executable: true },
      { from: 'scripts/rollback.sh.ejs', to: 'scripts/rollback.sh', executable: true },
      // Nothing to back up without a database.
      ...(answers.database !== 'none'
        ? [
            { from: 'scripts/backup.sh.ejs', to: 'scripts/backup.sh', executable: true },
            { from: 'scripts/restore.sh.ejs', to: 'scripts/restore.sh', executable: true },
          ]
        : []),
    ],
  }),
};

export const CORE_COMPONENTS: Component[] = [app, project];
