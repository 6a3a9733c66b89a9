// Offline locks: the shipped resolution covers exactly what the generator can emit, and each project's lock is
// closed (every package a locked package needs is locked too) and names the project's own pins.
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combinations } from '../src/answers/combinations.js';
import { closure, normalise, parseRequirement, UNION_LOCK, uvLock } from '../src/lock/uv-lock.js';
import { plan } from '../src/plan/plan.js';
import { unionRequirements } from '../tools/pins.js';

type Pkg = { name: string; version: string; dependencies?: { name: string; extra?: string[] }[]; 'optional-dependencies'?: Record<string, { name: string }[]> };
type Root = Pkg & { metadata: { 'requires-dist': { name: string; specifier: string }[]; 'requires-dev': { dev: { name: string; specifier: string }[] } } };

test('the shipped resolution was made from exactly the pins the generator emits now (else: npm run pins -- --lock)', () => {
  const lock = parse(readFileSync(UNION_LOCK, 'utf8')) as unknown as { package: Root[] };
  const root = lock.package.find((p) => p.name === 'pydocker-union')!;
  const { runtime, dev } = unionRequirements();
  const spec = (r: string) => {
    const p = parseRequirement(r);
    return `${p.name}${p.specifier}`;
  };
  // celery and celery[redis] are two entries of one pin: compare the sets.
  const set = (items: string[]) => [...new Set(items)].sort();
  assert.equal(set(root.metadata['requires-dist'].map((d) => `${d.name}${d.specifier}`)), set(runtime.map(spec)));
  assert.equal(set(root.metadata['requires-dev'].dev.map((d) => `${d.name}${d.specifier}`)), set(dev.map(spec)));
});

test("every project lock is closed, pins the project's versions, and has a root entry for the project", () => {
  for (const a of combinations().filter((_, i) => i % 9 === 0)) {
    const p = plan(a);
    const lock = parse(uvLock(a.name, p.requirements, p.devRequirements)) as unknown as { package: Root[] };
    const byName = new Map(lock.package.map((x) => [x.name, x]));
    const root = byName.get(normalise(a.name))!;
    assert.ok(root, `root ${a.name}`);
    for (const r of [...p.requirements, ...p.devRequirements]) {
      const { name, specifier } = parseRequirement(r);
      assert.is(byName.get(name)?.version, specifier.slice(2), `${name} locked at its pin`);
    }
    for (const x of lock.package) for (const d of x.dependencies ?? []) assert.ok(byName.has(d.name), `${x.name} needs ${d.name}, which is not locked`);
    assert.equal(lock.package.length, closure([...p.requirements, ...p.devRequirements]).length + 1);
  }
});

test('a requirement outside the shipped resolution is refused with the fix', () => {
  assert.throws(() => closure(['left-pad==1.0.0']), /left-pad is not in the shipped resolution; run `npm run pins -- --lock`/);
});

test.run();
