// No end-of-life pin ships: every image line the generator can emit has a recorded support window, checked
// against the day the tests run; and every image in any plan is one of the recorded pins.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combinations } from '../src/answers/combinations.js';
import { PYTHONS } from '../src/answers/options.js';
import { eolProblems, PYTHON_IMAGES } from '../src/components/pins.js';
import { COMPONENTS } from '../src/components/registry.js';
import type { ImagePin } from '../src/components/types.js';
import { plan } from '../src/plan/plan.js';
import { expiring, newerReleases } from '../tools/pins.js';

const today = new Date().toISOString().slice(0, 10);
const pins: ImagePin[] = [...COMPONENTS.flatMap((c) => c.images ?? []), ...PYTHONS.map((v) => PYTHON_IMAGES[v])];

test(`no pinned line is past its end of life today (${today})`, () => {
  assert.equal(eolProblems(pins, today), []);
});

test('the check fails when a line reaches its end of life (a date moved into the past)', () => {
  const nginx = pins.find((p) => p.ref.startsWith('nginx:'))!;
  const expired = { ...nginx, eol: '2026-04-14' };
  assert.equal(eolProblems([expired], today).length, 1);
  assert.match(eolProblems([expired], today)[0]!, /nginx:.* reached its end of life on 2026-04-14/);
  assert.equal(eolProblems([{ ...nginx, eol: 'none' }], today), [`${nginx.ref}: no end of life recorded and no note saying why`]);
  assert.equal(eolProblems([{ ...nginx, eol: '2099-01-01' }], today), []);
});

test('every image a project can run is a recorded pin', () => {
  const known = new Set(pins.map((p) => p.ref));
  const seen = new Set<string>();
  for (const a of combinations().filter((_, i) => i % 7 === 0)) {
    const p = plan(a);
    for (const model of [p.compose.dev, p.compose.prod]) {
      // The app's own image (built, or IMAGE:TAG in production) is not a pin.
      for (const s of Object.values(model.services)) if (typeof s.image === 'string' && !s.build && !s.image.includes('${')) seen.add(s.image);
    }
  }
  assert.equal(
    [...seen].filter((i) => !known.has(i)),
    [],
  );
  assert.ok(seen.size >= 10, `${seen.size} images seen`);
});

test('npm run pins: newer releases in version order (pre-releases only for a pre-release pin), lines near their end', () => {
  assert.equal(newerReleases('2.0.58', ['2.0.57', '2.0.58', '2.0.59', '2.1.0', '2.1.0b1', '2.0.100']), ['2.1.0', '2.0.100', '2.0.59']);
  assert.equal(newerReleases('0.66b1', ['0.66b1', '0.66b2', '0.65b9']), ['0.66b2']);
  const pin = { ref: 'x:1', line: 'X 1', eol: '2027-01-10', source: 's' };
  assert.equal(expiring([pin], new Date('2026-12-01'), 60), ['x:1: X 1 ends in 40 days (2027-01-10; s)']);
  assert.equal(expiring([pin], new Date('2026-12-01'), 30), []);
  assert.match(expiring([pin], new Date('2027-02-01'), 30)[0]!, /ended 22 days ago/);
});

test.run();
