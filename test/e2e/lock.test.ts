// uv itself accepts the locks the generator writes without the network: for a spread of combinations, a
// project's pins and its lock pass `uv lock --check --offline` with an empty uv cache (nothing but the lock to go
// on), and a lock that no longer matches a pin is refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combinationLabel, combinations } from '../../src/answers/combinations.js';
import type { Answers } from '../../src/answers/options.js';
import { uvLock } from '../../src/lock/uv-lock.js';
import { plan } from '../../src/plan/plan.js';
import { UV } from '../../tools/pins.js';
import { requireTool } from '../support/tools/common.js';

const list = (items: string[]) => items.map((r) => `  "${r}",`).join('\n');

/** A project folder with the pins of `a` in pyproject.toml and the lock the generator makes for them. */
function lockedProject(a: Answers, edit: (pyproject: string) => string = (t) => t): string {
  const p = plan(a);
  const dir = mkdtempSync(join(tmpdir(), 'pydocker-lock-'));
  const pyproject = `[project]\nname = "${a.name}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = [\n${list(p.requirements)}\n]\n\n[dependency-groups]\ndev = [\n${list(p.devRequirements)}\n]\n\n[tool.uv]\npackage = false\n`;
  writeFileSync(join(dir, 'pyproject.toml'), edit(pyproject));
  writeFileSync(join(dir, 'uv.lock'), uvLock(a.name, p.requirements, p.devRequirements));
  return dir;
}

function check(dir: string) {
  const r = spawnSync(requireTool('uv', UV), ['lock', '--check', '--offline'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, UV_CACHE_DIR: mkdtempSync(join(tmpdir(), 'pydocker-uv-cache-')), UV_PYTHON_DOWNLOADS: 'never' },
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('uv lock --check --offline accepts the generated lock of every 20th combination', () => {
  const sample = combinations().filter((_, i) => i % 20 === 0);
  const refused = sample.map((a) => ({ a, r: check(lockedProject(a)) })).filter(({ r }) => r.code !== 0);
  assert.equal(
    refused.map(({ a, r }) => `${combinationLabel(a)}: ${r.out.trim().split('\n').slice(-3).join(' | ')}`),
    [],
    `${refused.length} of ${sample.length} locks refused`,
  );
});

test('a lock that no longer matches a pin is refused', () => {
  const a = combinations()[0]!;
  const r = check(lockedProject(a, (t) => t.replace(/"fastapi==[^"]+"/, '"fastapi==0.164.0"')));
  assert.is.not(r.code, 0, r.out);
  // Offline, uv cannot re-resolve the changed pin: it refuses rather than accept a lock that does not match.
  assert.match(r.out, /No solution found|needs to be updated/);
});

test.run();
