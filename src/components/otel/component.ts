// OpenTelemetry tracing: the app exports over OTLP to a collector.
import type { Component } from '../types.js';
import { IMAGES, PY } from '../pins.js';
import { devHostPort } from '../shared/dev-port.js';

const INSTRUMENTATION: Record<string, string> = { fastapi: PY.otelFastapi, flask: PY.otelFlask, django: PY.otelDjango };

export const component: Component = {
  id: 'otel',
  order: 3,
  slot: 'observability',
  images: [IMAGES.otelCollector],
  capabilities: ['tracing'],
  label: 'OpenTelemetry tracing (OTLP collector)',
  contribute: ({ answers, has }) => {
    // The collector image is distroless (no shell, no wget), so it has no healthcheck and the app does not wait
    // for it: the OTLP exporter retries in the background.
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.otelCollector.ref,
      command: ['--config=/etc/otelcol/config.yaml'],
      volumes: ['./otel/collector.yaml:/etc/otelcol/config.yaml:ro'],
      ...(mode === 'dev'
        ? { ports: [`127.0.0.1:${devHostPort(4318, answers.port)}:4318`] }
        : // The image runs as UID 10001: a process that is not root holds no capability to drop.
          { cap_drop: ['ALL'], deploy: { resources: { limits: { memory: '256M' } } }, networks: ['backend', 'egress'] }),
    });
    const appEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318', OTEL_SERVICE_NAME: answers.name };
    // Tracing instruments the framework (and SQLAlchemy where the project uses it): their packages are ours.
    const framework = INSTRUMENTATION[answers.framework];
    if (!framework) throw new Error(`internal: no OpenTelemetry instrumentation known for ${answers.framework}`);
    const sqlalchemy = has('sqlalchemy') ? [PY.otelSqlalchemy] : [];
    return {
      settings: [
        {
          group: 'tracing',
          field: 'otel_endpoint: str | None',
          read: 'otel_endpoint=environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip() or None',
          constants: [`SERVICE_NAME = "${answers.name}"`],
        },
        { group: 'tracing', field: 'otel_service_name: str', read: 'otel_service_name=environ.get("OTEL_SERVICE_NAME", "").strip() or SERVICE_NAME' },
      ],
      docs: {
        name: 'OpenTelemetry',
        parts: [{ part: 'Tracing', choice: 'OpenTelemetry, exported over OTLP to a collector (`otel/collector.yaml`)' }],
        urls: [
          { what: 'OTLP collector', url: `http://127.0.0.1:${devHostPort(4318, answers.port)} (traces appear in \`docker compose logs otel-collector\`)` },
        ],
        alsoRead: ['`OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_SERVICE_NAME` (set by compose)'],
        observability: [
          "**OpenTelemetry**: the app sends traces over OTLP/HTTP to `otel-collector`; point the collector's exporter at\n  your tracing backend in `otel/collector.yaml` (it prints to its log until then).",
        ],
        layout: [{ path: 'otel/', about: 'OpenTelemetry collector config' }],
      },
      services: { dev: { 'otel-collector': service('dev') }, prod: { 'otel-collector': service('prod') } },
      appEnv: { dev: appEnv, prod: appEnv },
      requirements: [PY.otelSdk, PY.otelExporter, framework, ...sqlalchemy],
      typing: { untypedCalls: ['opentelemetry.instrumentation'] },
      files: [
        { from: 'collector.yaml', to: 'otel/collector.yaml' },
        { from: 'app/tracing.py.ejs', to: 'app/tracing.py' },
        { from: 'tests/test_tracing.py.ejs', to: 'tests/test_tracing.py' },
      ],
    };
  },
};
