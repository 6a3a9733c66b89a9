// Observability components: Prometheus (scrapes the app's /metrics, alert rules), Grafana (provisioned
// datasource and dashboard), an OpenTelemetry collector for traces, and Sentry error reporting.
import type { Component } from './types.js';
import { IMAGES, PY } from './pins.js';
import { devHostPort } from './proxies.js';

const prometheus: Component = {
  id: 'prometheus',
  slot: 'observability',
  label: 'Prometheus (scrape + alert rules)',
  contribute: ({ answers }) => {
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.prometheus,
      command: [
        '--config.file=/etc/prometheus/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
        `--storage.tsdb.retention.time=${mode === 'dev' ? '2d' : '15d'}`,
        '--web.enable-lifecycle',
      ],
      volumes: ['./prometheus:/etc/prometheus:ro', 'prometheus-data:/prometheus'],
      healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9090/-/ready'], interval: '10s', timeout: '3s', retries: 5 },
      depends_on: { web: { condition: 'service_healthy' } },
      ...(mode === 'dev' ? { ports: [`127.0.0.1:${devHostPort(9090, answers.port)}:9090`] } : { deploy: { resources: { limits: { memory: '512M' } } } }),
    });
    return {
      services: { dev: { prometheus: service('dev') }, prod: { prometheus: service('prod') } },
      volumes: { dev: ['prometheus-data'], prod: ['prometheus-data'] },
      files: [
        { from: 'prometheus/prometheus.yml.ejs', to: 'prometheus/prometheus.yml' },
        { from: 'prometheus/alerts.yml.ejs', to: 'prometheus/alerts.yml' },
        { from: 'prometheus/alerts_test.yml.ejs', to: 'prometheus/alerts_test.yml' },
      ],
    };
  },
};

const grafana: Component = {
  id: 'grafana',
  slot: 'observability',
  label: 'Grafana (provisioned dashboard)',
  requires: ['prometheus'],
  contribute: ({ answers }) => {
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.grafana,
      environment: {
        GF_SECURITY_ADMIN_USER: '${GRAFANA_ADMIN_USER:-admin}',
        GF_SECURITY_ADMIN_PASSWORD: mode === 'prod' ? '${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in .env.prod}' : '${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in .env}',
        GF_USERS_ALLOW_SIGN_UP: 'false',
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
      },
      volumes: [
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        './grafana/dashboards:/var/lib/grafana/dashboards:ro',
        'grafana-data:/var/lib/grafana',
      ],
      healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3000/api/health'], interval: '10s', timeout: '3s', retries: 5 },
      depends_on: { prometheus: { condition: 'service_healthy' } },
      ...(mode === 'dev' ? { ports: [`127.0.0.1:${devHostPort(3000, answers.port)}:3000`] } : { deploy: { resources: { limits: { memory: '256M' } } } }),
    });
    return {
      services: { dev: { grafana: service('dev') }, prod: { grafana: service('prod') } },
      volumes: { dev: ['grafana-data'], prod: ['grafana-data'] },
      env: [
        { name: 'GRAFANA_ADMIN_USER', description: 'Grafana administrator login', dev: 'admin', prod: 'admin' },
        { name: 'GRAFANA_ADMIN_PASSWORD', description: 'Grafana administrator password', dev: { secret: true }, requiredInProd: true },
      ],
      files: [
        { from: 'grafana/provisioning/datasources/prometheus.yml', to: 'grafana/provisioning/datasources/prometheus.yml' },
        { from: 'grafana/provisioning/dashboards/dashboards.yml', to: 'grafana/provisioning/dashboards/dashboards.yml' },
        { from: 'grafana/dashboards/app.json.ejs', to: 'grafana/dashboards/app.json' },
      ],
    };
  },
};

const otel: Component = {
  id: 'otel',
  slot: 'observability',
  label: 'OpenTelemetry tracing (OTLP collector)',
  contribute: ({ answers }) => {
    // The collector image is distroless (no shell, no wget), so it has no healthcheck and the app does not wait
    // for it: the OTLP exporter retries in the background.
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.otelCollector,
      command: ['--config=/etc/otelcol/config.yaml'],
      volumes: ['./otel/collector.yaml:/etc/otelcol/config.yaml:ro'],
      ...(mode === 'dev' ? { ports: [`127.0.0.1:${devHostPort(4318, answers.port)}:4318`] } : { deploy: { resources: { limits: { memory: '256M' } } } }),
    });
    const appEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318', OTEL_SERVICE_NAME: answers.name };
    const framework = { fastapi: PY.otelFastapi, flask: PY.otelFlask, django: PY.otelDjango }[answers.framework];
    const sqlalchemy = answers.framework !== 'django' && answers.database !== 'none' ? [PY.otelSqlalchemy] : [];
    return {
      services: { dev: { 'otel-collector': service('dev') }, prod: { 'otel-collector': service('prod') } },
      appEnv: { dev: appEnv, prod: appEnv },
      requirements: [PY.otelSdk, PY.otelExporter, framework, ...sqlalchemy],
      files: [
        { from: 'otel/collector.yaml', to: 'otel/collector.yaml' },
        { from: 'python/otel/app/tracing.py.ejs', to: 'app/tracing.py' },
      ],
    };
  },
};

const sentry: Component = {
  id: 'sentry',
  slot: 'observability',
  label: 'Sentry error reporting',
  contribute: () => ({
    env: [{ name: 'SENTRY_DSN', description: 'Sentry DSN; error reporting is off while empty', dev: '', prod: '' }],
    appEnv: { dev: { SENTRY_DSN: '${SENTRY_DSN:-}' }, prod: { SENTRY_DSN: '${SENTRY_DSN:-}' } },
    requirements: [PY.sentry],
    files: [{ from: 'python/sentry/app/errors.py.ejs', to: 'app/errors.py' }],
  }),
};

export const OBSERVABILITY_COMPONENTS: Component[] = [prometheus, grafana, otel, sentry];
