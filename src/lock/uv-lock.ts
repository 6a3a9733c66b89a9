// Locks without the network: the generator ships one resolution (src/lock/union.uv.lock, made by `uv lock` of
// every package it can emit, by `npm run pins -- --lock`), and a project's uv.lock is the part of it the
// project's own requirements reach, under a root entry for the project. uv accepts such a lock as it is
// (`uv lock --check`, also offline): every version in it satisfies the project's pins, so uv keeps them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

export const UNION_LOCK = fileURLToPath(new URL('../../src/lock/union.uv.lock', import.meta.url));

export interface Dep {
  name: string;
  extra?: string[];
  marker?: string;
}
export interface LockedPackage {
  name: string;
  version: string;
  dependencies?: Dep[];
  'optional-dependencies'?: Record<string, Dep[]>;
  sdist?: { hash: string };
  wheels?: { hash: string }[];
}

export interface Resolution {
  header: string;
  /** Each package's `[[package]]` block, verbatim, by name. */
  blocks: Map<string, string>;
  packages: Map<string, LockedPackage>;
}

let cached: Resolution | undefined;

export function resolution(): Resolution {
  if (cached) return cached;
  const text = readFileSync(UNION_LOCK, 'utf8');
  const [header, ...rest] = text.split('\n[[package]]\n');
  const blocks = new Map<string, string>();
  for (const body of rest) blocks.set(/^name = "([^"]+)"/.exec(body)![1]!, `[[package]]\n${body.replace(/\n+$/, '')}\n`);
  const parsed = parse(text) as unknown as { package: LockedPackage[] };
  cached = { header: `${header!.replace(/\n+$/, '')}\n`, blocks, packages: new Map(parsed.package.map((p) => [p.name, p])) };
  return cached;
}

/** `name[extra,…]==version` as PEP 508 parts; names normalised as uv writes them (PEP 503). */
export function parseRequirement(pin: string): { name: string; extras: string[]; specifier: string } {
  const m = /^([A-Za-z0-9._-]+)(?:\[([^\]]*)\])?(==.+)$/.exec(pin.trim());
  if (!m) throw new Error(`not an exact requirement: ${pin}`);
  return {
    name: normalise(m[1]!),
    extras: (m[2] ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)
      .sort(),
    specifier: m[3]!,
  };
}

export const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * Pins outside the shipped resolution (a team preset's own requirements): no lock can be written for them
 * offline. Locks leave them out, so the project's lock is stale until `make lock` (with the network) adds them:
 * `uv sync --locked` and `pip install --require-hashes` refuse to build before that, nothing floats.
 */
export function unresolved(requirements: string[]): string[] {
  const { packages } = resolution();
  return requirements.filter((r) => !packages.has(parseRequirement(r).name));
}

/** Every locked package the requirements reach (their extras' dependencies included), sorted. */
export function closure(requirements: string[]): string[] {
  return [...reach(requirements).packages].sort();
}

/** The packages the requirements reach, and the extras (`name[extra]`) they turn on. */
function reach(requirements: string[]): { packages: Set<string>; extras: Set<string> } {
  const { packages } = resolution();
  const seen = new Set<string>();
  const extrasSeen = new Set<string>();
  const todo: Dep[] = requirements.map((r) => {
    const { name, extras } = parseRequirement(r);
    return { name, extra: extras };
  });
  while (todo.length) {
    const dep = todo.pop()!;
    const p = packages.get(dep.name);
    if (!p) throw new Error(`${dep.name} is not in the shipped resolution; run \`npm run pins -- --lock\``);
    if (!seen.has(dep.name)) {
      seen.add(dep.name);
      todo.push(...(p.dependencies ?? []));
    }
    for (const extra of dep.extra ?? []) {
      if (extrasSeen.has(`${dep.name}[${extra}]`)) continue;
      extrasSeen.add(`${dep.name}[${extra}]`);
      todo.push(...(p['optional-dependencies']?.[extra] ?? []));
    }
  }
  return { packages: seen, extras: extrasSeen };
}

/**
 * A package's block with only the extras the project turns on, as uv writes it: an extra nothing asks for is
 * not in a lock (and would name packages the lock does not have).
 */
function withExtras(block: string, name: string, extras: Set<string>): string {
  const [main, optional] = block.split('\n[package.optional-dependencies]\n');
  if (optional === undefined) return block;
  const kept = [...optional.matchAll(/^"?([^"\s=]+)"? = \[\n[\s\S]*?\n\]\n?/gm)]
    .filter((m) => extras.has(`${name}[${m[1]}]`))
    .map((m) => m[0].replace(/\n?$/, '\n'));
  return kept.length ? `${main}\n[package.optional-dependencies]\n${kept.join('')}` : `${main}\n`;
}

function depLine(r: { name: string; extras: string[] }): string {
  return `    { name = "${r.name}"${r.extras.length ? `, extra = [${r.extras.map((e) => `"${e}"`).join(', ')}]` : ''} },`;
}

function metaLine(r: { name: string; extras: string[]; specifier: string }): string {
  return `    { name = "${r.name}"${r.extras.length ? `, extras = [${r.extras.map((e) => `"${e}"`).join(', ')}]` : ''}, specifier = "${r.specifier}" },`;
}

/** The uv.lock of a project (a virtual one: its code is not installed as a package) with these pins. */
export function uvLock(projectName: string, allRequirements: string[], allDevRequirements: string[]): string {
  const { header, blocks } = resolution();
  const pending = new Set(unresolved([...allRequirements, ...allDevRequirements]));
  const requirements = allRequirements.filter((r) => !pending.has(r));
  const devRequirements = allDevRequirements.filter((r) => !pending.has(r));
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const runtime = requirements.map(parseRequirement).sort(byName);
  const dev = devRequirements.map(parseRequirement).sort(byName);
  const root = normalise(projectName);
  const rootBlock = [
    '[[package]]',
    `name = "${root}"`,
    'version = "0.1.0"',
    'source = { virtual = "." }',
    'dependencies = [',
    ...runtime.map(depLine),
    ']',
    '',
    '[package.dev-dependencies]',
    'dev = [',
    ...dev.map(depLine),
    ']',
    '',
    '[package.metadata]',
    'requires-dist = [',
    ...runtime.map(metaLine),
    ']',
    '',
    '[package.metadata.requires-dev]',
    'dev = [',
    ...dev.map(metaLine),
    ']',
    '',
  ].join('\n');
  const reached = reach([...requirements, ...devRequirements]);
  const names = [...new Set([...reached.packages, root])].sort();
  return [header, ...names.map((n) => (n === root ? rootBlock : withExtras(blocks.get(n)!, n, reached.extras)))].join('\n');
}
