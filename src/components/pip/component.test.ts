// pip: requirements.in files carry the pins, the hashed requirements files everything they reach; the image,
// Makefile and CI install with --require-hashes --no-deps, so nothing unlocked can get in.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { closure, normalise, parseRequirement } from '../../lock/uv-lock.js';
import { plan } from '../../plan/plan.js';
import { render } from '../../render/render.js';
import { readStoredAnswers } from '../../usecase/project-folder.js';
import { PY } from '../pins.js';

const answers = (o = {}) => ({ ...defaultsFor('demo'), packaging: 'pip', ...o });
const files = (o = {}) => new Map(render(plan(answers(o)), { secret: () => 's' }).map((f) => [f.path, f.content]));

/** `name -> { version, hashes, marker }` of a hashed requirements file. */
function entries(text: string) {
  const out = new Map<string, { version: string; hashes: number; marker: string }>();
  for (const block of text.replace(/\\\n/g, ' ').split('\n')) {
    const m = /^([a-z0-9-]+)==(\S+)(?: ; ([^-]+?))?\s+((?:--hash=sha256:[0-9a-f]{64}\s*)+)$/.exec(block.trim());
    if (m) out.set(m[1]!, { version: m[2]!, hashes: m[4]!.trim().split(/\s+/).length, marker: m[3] ?? '' });
    else assert.ok(block.trim() === '' || block.trim().startsWith('#'), `not a hashed requirement: ${block}`);
  }
  return out;
}

test('requirements.txt: every package the runtime pins reach, at the pin, each with its hashes', () => {
  for (const framework of ['fastapi', 'flask', 'django']) {
    const p = plan(answers({ framework, database: 'mysql', extras: ['worker'] }));
    const f = files({ framework, database: 'mysql', extras: ['worker'] });
    const runtime = entries(f.get('requirements.txt')!);
    assert.equal([...runtime.keys()].sort(), closure(p.requirements));
    for (const pin of p.requirements) {
      const { name, specifier } = parseRequirement(pin);
      assert.is(runtime.get(normalise(name))?.version, specifier.slice(2), pin);
    }
    for (const [name, e] of runtime) assert.ok(e.hashes >= 1, name);
    const dev = entries(f.get('requirements-dev.txt')!);
    assert.equal([...dev.keys()].sort(), closure([...p.requirements, ...p.devRequirements]));
    assert.match(f.get('requirements.in')!, new RegExp(`^${p.requirements[0]!.replace(/[[\].]/g, '\\$&')}$`, 'm'));
    assert.match(f.get('requirements-dev.in')!, /^-c requirements\.txt\n-r requirements\.in\n/m);
    assert.not.ok(f.has('uv.lock'));
  }
});

test('a package needed only on some platforms keeps its marker (colorama: Windows only, via pytest and click)', () => {
  const dev = entries(files({ framework: 'flask' }).get('requirements-dev.txt')!);
  // pytest needs it where sys_platform is win32, click where os_name is nt: either condition installs it.
  assert.is(dev.get('colorama')?.marker, "(os_name == 'nt') or (sys_platform == 'win32')");
  assert.is(dev.get('click')?.marker, '');
});

test('the Dockerfile, Makefile and CI install only hashed, locked packages; make lock runs pip-compile', () => {
  const f = files();
  const d = f.get('Dockerfile')!;
  assert.match(d, /pip install --cache-dir=\/root\/\.cache\/pip --require-hashes --no-deps -r requirements\.txt\n/);
  assert.match(d, /pip install --cache-dir=\/root\/\.cache\/pip --require-hashes --no-deps -r requirements-dev\.txt\n/);
  assert.not.match(d, /\buv\b/);
  assert.match(f.get('Makefile')!, /\$\(BIN\)\/pip install --require-hashes --no-deps -r requirements-dev\.txt/);
  assert.match(f.get('Makefile')!, /^PIP_COMPILE = \$\(BIN\)\/pip-compile --allow-unsafe --generate-hashes --strip-extras$/m);
  assert.ok(plan(answers()).devRequirements.includes(PY.pipTools), 'pip-tools is locked for make lock');
  const ci = f.get('.github/workflows/ci.yml')!;
  assert.is(ci.split('run: pip install --require-hashes --no-deps -r requirements-dev.txt').length - 1, 2);
  assert.match(f.get('.dockerignore')!, /^!requirements\.txt\n!requirements-dev\.txt\n/m);
});

test("a pin outside the shipped resolution (a preset's own) is listed unhashed, so pip refuses it until make lock", async () => {
  const { hashedRequirements } = await import('../../lock/requirements-lock.js');
  const text = hashedRequirements(['flask==3.1.3', 'structlog==25.4.0'], ['t']);
  assert.match(text, /run `make lock` before the first build\.\nstructlog==25\.4\.0\n/);
  assert.match(text, /^flask==3\.1\.3 \\$/m);
});

test('a project made before the packaging choice keeps installing with pip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pydocker-legacy-'));
  const { packaging: _, ...old } = defaultsFor('old');
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-pydocker': { answers: old, version: 1 } }));
  assert.is(readStoredAnswers(dir)?.packaging, 'pip');
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-pydocker': { answers: { ...old, packaging: 'uv' }, version: 2 } }));
  assert.is(readStoredAnswers(dir)?.packaging, 'uv');
});

test.run();
