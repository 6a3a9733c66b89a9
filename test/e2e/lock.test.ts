// uv itself judges the locks the generator writes without the network. uv projects: for a spread of
// combinations, the generated pyproject.toml and uv.lock pass `uv lock --check --offline` with an empty uv cache
// (nothing but the lock to go on), and a lock that no longer matches a pin is refused. pip projects: the hashed
// requirements files name exactly the packages, versions and hashes `uv export` derives from the same answers'
// uv.lock, needed on the same platforms (markers evaluated for Linux, macOS and Windows on Python 3.11 to 3.14).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combinationLabel, combinations } from '../../src/answers/combinations.js';
import type { Answers } from '../../src/answers/options.js';
import { UV } from '../../tools/pins.js';
import { renderProject, writeProject } from '../support/generate.js';
import { requireTool } from '../support/tools/common.js';

function generated(a: Answers, edit: (pyproject: string) => string = (t) => t): string {
  const dir = mkdtempSync(join(tmpdir(), 'pydocker-lock-'));
  writeProject(dir, renderProject(a));
  const path = join(dir, 'pyproject.toml');
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dir;
}

function uv(dir: string, args: string[]) {
  const r = spawnSync(requireTool('uv', UV), args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, UV_CACHE_DIR: mkdtempSync(join(tmpdir(), 'pydocker-uv-cache-')), UV_PYTHON_DOWNLOADS: 'never' },
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('uv lock --check --offline accepts the generated lock of every 20th uv combination', () => {
  const sample = combinations()
    .filter((a) => a.packaging === 'uv')
    .filter((_, i) => i % 20 === 0);
  assert.ok(sample.length >= 50, `${sample.length} combinations`);
  const refused = sample.map((a) => ({ a, r: uv(generated(a), ['lock', '--check', '--offline']) })).filter(({ r }) => r.code !== 0);
  assert.equal(
    refused.map(({ a, r }) => `${combinationLabel(a)}: ${r.out.trim().split('\n').slice(-3).join(' | ')}`),
    [],
    `${refused.length} of ${sample.length} locks refused`,
  );
});

test('a lock that no longer matches a pin is refused', () => {
  const a = combinations().find((c) => c.packaging === 'uv' && c.framework === 'fastapi')!;
  const r = uv(
    generated(a, (t) => t.replace(/"fastapi==[^"]+"/, '"fastapi==0.164.0"')),
    ['lock', '--check', '--offline'],
  );
  assert.is.not(r.code, 0, r.out);
  // Offline, uv cannot re-resolve the changed pin: it refuses rather than accept a lock that does not match.
  assert.match(r.out, /No solution found|needs to be updated/);
});

// Python (with `packaging`, which pip vendors) reads both files and evaluates each marker per environment.
const COMPARE = String.raw`
import json, re, sys
from pip._vendor.packaging.markers import Marker
ENVS = [dict(sys_platform=s, platform_system=ps, os_name=o, platform_machine="x86_64", implementation_name="cpython",
             platform_python_implementation="CPython", python_version=v, python_full_version=v + ".5",
             platform_release="", platform_version="", implementation_version=v + ".5", extra="")
        for s, ps, o in (("linux", "Linux", "posix"), ("darwin", "Darwin", "posix"), ("win32", "Windows", "nt"))
        for v in ("3.11", "3.12", "3.13", "3.14")]
def read(path):
    text = re.sub(r"\\\n", " ", open(path).read())
    out = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req, _, opts = line.partition(" --hash")
        spec, _, marker = req.partition(";")
        name, _, version = spec.strip().partition("==")
        hashes = sorted(re.findall(r"sha256:[0-9a-f]{64}", line))
        where = [i for i, env in enumerate(ENVS) if not marker.strip() or Marker(marker.strip()).evaluate(env)]
        out[name.lower()] = dict(version=version.strip(), hashes=hashes, where=where)
    return out
print(json.dumps(dict(ours=read(sys.argv[1]), uv=read(sys.argv[2]))))
`;

test("pip projects' hashed requirements match what uv exports from the same pins", () => {
  const sample = combinations()
    .filter((a) => a.packaging === 'pip')
    .filter((_, i) => i % 60 === 0);
  assert.ok(sample.length >= 20, `${sample.length} combinations`);
  for (const a of sample) {
    const pipDir = generated(a);
    const uvDir = generated({ ...a, packaging: 'uv' });
    for (const [file, args] of [
      ['requirements.txt', ['--no-dev']],
      ['requirements-dev.txt', []],
    ] as const) {
      const exported = join(uvDir, `exported-${file}`);
      const r = uv(uvDir, ['export', '--frozen', '--offline', '--no-emit-project', '--format', 'requirements-txt', ...args, '-o', exported]);
      assert.is(r.code, 0, r.out);
      const cmp = spawnSync('python3', ['-c', COMPARE, join(pipDir, file), exported], { encoding: 'utf8' });
      assert.is(cmp.status, 0, cmp.stderr);
      const { ours, uv: theirs } = JSON.parse(cmp.stdout) as Record<'ours' | 'uv', Record<string, unknown>>;
      // The pip project also locks pip-tools (for `make lock`) and what it needs; uv's export of the uv
      // project cannot have them. Everything uv exports must be in ours, identically.
      for (const [name, entry] of Object.entries(theirs)) assert.equal(ours[name], entry, `${combinationLabel(a)} ${file}: ${name}`);
      if (file === 'requirements.txt') assert.equal(Object.keys(ours).sort(), Object.keys(theirs).sort(), `${combinationLabel(a)} ${file}`);
    }
  }
});

test.run();
