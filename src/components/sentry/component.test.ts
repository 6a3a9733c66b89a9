// Sentry: off until SENTRY_DSN is set.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { plan } from '../../plan/plan.js';

test('sentry: SENTRY_DSN is documented, empty by default, passed to the app', () => {
  const p = plan({ ...defaultsFor('demo'), observability: ['sentry'] });
  assert.equal(p.env.find((v) => v.name === 'SENTRY_DSN')?.dev, '');
  assert.is((p.compose.prod.services.web as { environment: Record<string, string> }).environment.SENTRY_DSN, '${SENTRY_DSN:-}');
});

test.run();
