// Every version the generated project pins, in one place so a release bump is one edit.
// Python packages: the newest releases that install on Python 3.11 through 3.14 (checked against PyPI).
// Images: exact release tags (never `latest`); Python bases use slim Debian bookworm.
import type { PythonVersion } from '../answers/options.js';

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
} as const;

export const IMAGES = {
  postgres: 'postgres:17.6-alpine',
  mysql: 'mysql:8.4.6',
  mariadb: 'mariadb:11.8.3',
  redis: 'redis:8.2.1-alpine',
  memcached: 'memcached:1.6.39-alpine',
  nginx: 'nginx:1.28.0-alpine',
  caddy: 'caddy:2.10.2-alpine',
  prometheus: 'prom/prometheus:v3.5.0',
  grafana: 'grafana/grafana:12.1.1',
  otelCollector: 'otel/opentelemetry-collector-contrib:0.135.0',
  rabbitmq: 'rabbitmq:4.1.4-management-alpine',
  adminer: 'adminer:5.3.0-standalone',
} as const;

const PYTHON_PATCH: Record<PythonVersion, string> = {
  '3.11': '3.11.13',
  '3.12': '3.12.11',
  '3.13': '3.13.7',
  '3.14': '3.14.0',
};

export function pythonImage(version: PythonVersion): string {
  return `python:${PYTHON_PATCH[version]}-slim-bookworm`;
}
