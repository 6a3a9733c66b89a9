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

// The builder stage's own install lines, run natively: its ENV settings and its RUN command exactly as the
// Dockerfile has them, in a folder holding only what the stage's mounts or COPY give it, into a fresh venv
// standing in for /opt/venv. What lands there must be exactly the lock's runtime set for this platform.
function builderInstall(dir: string): { command: string; env: Record<string, string> } {
  const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  const builder = dockerfile.split(/^FROM /m).find((s) => s.startsWith('base AS builder'))!;
  const joined = builder.replace(/\s*\\\n\s*/g, ' ');
  const env: Record<string, string> = {};
  for (const m of joined.matchAll(/^ENV (.+)$/gm)) for (const kv of m[1]!.trim().split(/\s+/)) env[kv.split('=')[0]!] = kv.split('=').slice(1).join('=');
  const run = [...joined.matchAll(/^RUN (?:--mount=\S+ )*((?:uv|pip) .+)$/gm)].at(-1)![1]!;
  return { command: run.replace(/--cache-dir=\S+ /, ''), env };
}

const INSTALLED = String.raw`
import json, re, subprocess, sys
from pip._vendor.packaging.markers import Marker
venv_python, exported = sys.argv[1], sys.argv[2]
# The venv's own Python lists what is installed (uv sync removes pip: it is not in the lock).
listing = "import importlib.metadata as m, json; print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
frozen = subprocess.run([venv_python, "-c", listing], capture_output=True, text=True, check=True).stdout
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
have = {norm(n): v for n, v in json.loads(frozen).items() if norm(n) not in ("pip", "setuptools")}
want = {}
for line in re.sub(r"\\\n", " ", open(exported).read()).splitlines():
    line = line.split("#", 1)[0].strip()
    if not line or line.startswith("-"):
        continue
    spec, _, marker = line.partition(" --hash")[0].partition(";")
    if marker.strip() and not Marker(marker.strip()).evaluate():
        continue
    name, _, version = spec.strip().partition("==")
    want[norm(name)] = version.strip()
print(json.dumps(dict(have=have, want=want)))
`;

for (const packaging of ['uv', 'pip'] as const) {
  test(`the Dockerfile's builder installs exactly the locked runtime set (${packaging}, run natively)`, () => {
    const a = { ...combinations().find((c) => c.framework === 'fastapi' && c.database === 'postgres' && c.extras.length === 0)!, packaging };
    const dir = generated(a);
    const { command, env } = builderInstall(dir);
    const stage = mkdtempSync(join(tmpdir(), 'pydocker-builder-'));
    for (const f of packaging === 'uv' ? ['pyproject.toml', 'uv.lock'] : ['requirements.txt']) writeFileSync(join(stage, f), readFileSync(join(dir, f)));
    const venv = join(mkdtempSync(join(tmpdir(), 'pydocker-venv-')), 'venv');
    assert.is(spawnSync('python3', ['-m', 'venv', venv]).status, 0);
    const [tool, ...args] = command.split(' ');
    const bin = tool === 'uv' ? requireTool('uv', UV) : join(venv, 'bin', 'pip');
    const r = spawnSync(bin, args, {
      cwd: stage,
      encoding: 'utf8',
      timeout: 600_000,
      env: {
        ...process.env,
        ...env,
        UV_PROJECT_ENVIRONMENT: venv, // /opt/venv in the image
        UV_CACHE_DIR: join(process.cwd(), '.tmp', 'uv-cache'),
        PIP_CACHE_DIR: join(process.cwd(), '.tmp', 'pip-cache'),
        UV_PYTHON: join(venv, 'bin', 'python'),
      },
    });
    assert.is(r.status, 0, `${command}\n${r.stdout}${r.stderr}`);
    assert.match(
      command,
      packaging === 'uv' ? /^uv sync --locked --no-install-project --no-dev$/ : /^pip install --require-hashes --no-deps -r requirements\.txt$/,
    );
    // What the lock says this platform gets: uv's own export of the uv variant of the same answers.
    const uvDir = generated({ ...a, packaging: 'uv' });
    const exported = join(uvDir, 'exported.txt');
    assert.is(uv(uvDir, ['export', '--frozen', '--offline', '--no-dev', '--no-emit-project', '-o', exported]).code, 0);
    const cmp = spawnSync('python3', ['-c', INSTALLED, join(venv, 'bin', 'python'), exported], { encoding: 'utf8' });
    assert.is(cmp.status, 0, cmp.stderr);
    const { have, want } = JSON.parse(cmp.stdout) as { have: Record<string, string>; want: Record<string, string> };
    assert.ok(Object.keys(want).length >= 20, `${Object.keys(want).length} packages`);
    assert.equal(have, want);
  });
}

test.run();
