// `npm run pins`: what a maintainer checks before a release. Newer PyPI releases of every Python package the
// generator pins (asked of PyPI's JSON API), and every image line whose end of life is near or past. Reports
// only: a pin is changed by hand in src/components/pins.ts (or the component's folder), then the tests run.
// `npm run pins -- --lock` also resolves, with uv, every package any project can get, into the resolution the
// generator ships (src/lock/union.uv.lock), so projects get their locks without the network.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combinations } from '../src/answers/combinations.js';
import { PYTHONS } from '../src/answers/options.js';
import { IMAGES, PY, PYTHON_IMAGES, UV_VERSION } from '../src/components/pins.js';
import { COMPONENTS } from '../src/components/registry.js';
import type { ImagePin } from '../src/components/types.js';
import { UNION_LOCK } from '../src/lock/uv-lock.js';
import { plan } from '../src/plan/plan.js';
import { requireTool } from '../test/support/tools/common.js';

export const UV = { pip: `uv==${UV_VERSION}` };

/** Every runtime and development requirement any combination of choices can emit. */
export function unionRequirements(): { runtime: string[]; dev: string[] } {
  const runtime = new Set<string>();
  const dev = new Set<string>();
  for (const a of combinations()) {
    const p = plan(a);
    for (const r of p.requirements) runtime.add(r);
    for (const r of p.devRequirements) dev.add(r);
  }
  return { runtime: [...runtime].sort(), dev: [...dev].sort() };
}

/** Resolves the union with uv (PyPI) into src/lock/union.uv.lock. */
function writeUnionLock(): void {
  const { runtime, dev } = unionRequirements();
  const dir = mkdtempSync(join(tmpdir(), 'pydocker-union-'));
  const list = (items: string[]) => items.map((r) => `  "${r}",`).join('\n');
  writeFileSync(
    join(dir, 'pyproject.toml'),
    `[project]\nname = "pydocker-union"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = [\n${list(runtime)}\n]\n\n[dependency-groups]\ndev = [\n${list(dev)}\n]\n\n[tool.uv]\npackage = false\n`,
  );
  const r = spawnSync(requireTool('uv', UV), ['lock', '--quiet'], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`uv lock failed:\n${r.stdout}${r.stderr}`);
  copyFileSync(join(dir, 'uv.lock'), UNION_LOCK);
  console.log(`resolved ${runtime.length} runtime and ${dev.length} development requirements into ${UNION_LOCK}\n`);
}

const SOON_DAYS = Number(process.env.PINS_SOON_DAYS ?? 120);
const INDEX = (process.env.PINS_PYPI ?? 'https://pypi.org/pypi').replace(/\/$/, '');

/** `name[extra]==1.2.3` → name and version. */
function parsePin(pin: string): { name: string; version: string } {
  const m = /^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(.+)$/.exec(pin);
  if (!m) throw new Error(`not an exact pin: ${pin}`);
  return { name: m[1]!, version: m[2]! };
}

/** Release versions newer than `version` (no pre-releases unless the pin is one), newest first. */
export function newerReleases(version: string, releases: string[]): string[] {
  const key = (v: string) => v.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? p.padStart(8, '0') : p));
  const cmp = (a: string, b: string) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? '') !== (y[i] ?? '')) return (x[i] ?? '') < (y[i] ?? '') ? -1 : 1;
    return 0;
  };
  const pre = /[a-z]/i.test(version);
  return releases.filter((r) => (pre || !/[a-z]/i.test(r)) && cmp(r, version) > 0).sort((a, b) => cmp(b, a));
}

/** Image lines past or within `soonDays` of their end of life on `today`. */
export function expiring(pins: readonly ImagePin[], today: Date, soonDays: number): string[] {
  return pins
    .filter((p) => p.eol !== 'none')
    .map((p) => ({ p, days: Math.floor((Date.parse(p.eol) - today.getTime()) / 86_400_000) }))
    .filter(({ days }) => days <= soonDays)
    .map(({ p, days }) => `${p.ref}: ${p.line} ${days < 0 ? `ended ${-days} days ago` : `ends in ${days} days`} (${p.eol}; ${p.source})`);
}

async function main(): Promise<number> {
  if (process.argv.includes('--lock')) writeUnionLock();
  const pins = [...new Set(Object.values(PY))].map(parsePin);
  console.log(`Python packages (${pins.length}), newer releases on PyPI:`);
  let outdated = 0;
  for (const { name, version } of pins) {
    try {
      const r = await fetch(`${INDEX}/${name}/json`, { signal: AbortSignal.timeout(20_000) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const releases = Object.keys(((await r.json()) as { releases: Record<string, unknown> }).releases);
      const newer = newerReleases(version, releases);
      if (newer.length) {
        outdated++;
        console.log(`  ${name} ${version} -> ${newer[0]}${newer.length > 1 ? ` (${newer.length} newer)` : ''}`);
      }
    } catch (err) {
      console.log(`  ${name}: could not ask PyPI (${(err as Error).message})`);
    }
  }
  if (outdated === 0) console.log('  none: every pin is the newest release');
  const images = [...Object.values(IMAGES), ...COMPONENTS.flatMap((c) => c.images ?? []), ...PYTHONS.map((v) => PYTHON_IMAGES[v])];
  const soon = expiring([...new Set(images)], new Date(), SOON_DAYS);
  console.log(`\nImage lines ending within ${SOON_DAYS} days (or already ended):`);
  console.log(soon.length ? soon.map((s) => `  ${s}`).join('\n') : '  none');
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) process.exitCode = await main();
