// OpenTelemetry: a collector service and the OTLP endpoint in the app's environment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { plan } from '../../plan/plan.js';

test('otel: the app exports to the collector, instrumenting its framework (and SQLAlchemy when used)', () => {
  for (const framework of ['fastapi', 'flask', 'django']) {
    const p = plan({ ...defaultsFor('demo'), framework, observability: ['otel'] });
    const web = p.compose.dev.services.web as { environment: Record<string, string> };
    assert.is(web.environment.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4318');
    assert.ok(
      p.requirements.some((r) => r.startsWith(`opentelemetry-instrumentation-${framework}==`)),
      framework,
    );
    assert.is(
      p.requirements.some((r) => r.startsWith('opentelemetry-instrumentation-sqlalchemy==')),
      framework !== 'django',
    );
  }
});

test.run();
