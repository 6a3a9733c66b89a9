// Hashed requirements files for projects that install with pip: every package the pins reach in the shipped
// resolution (src/lock/union.uv.lock), at its locked version, with the hashes of all its files, so
// `pip install --require-hashes` installs exactly that set on any platform. A package reached only through
// conditional edges (colorama on Windows) carries the condition: the markers along each path, joined.
import { type Dep, normalise, parseRequirement, resolution, unresolved } from './uv-lock.js';

/** The marker under which each package is needed: `true` when always, else the alternatives (each a conjunction). */
function neededWhen(roots: string[]): Map<string, true | Set<string>> {
  const { packages } = resolution();
  const when = new Map<string, true | Set<string>>();
  const extrasOf = new Map<string, Set<string>>();
  const todo: { name: string; extras: string[]; cond: string | true }[] = roots.map((r) => {
    const { name, extras } = parseRequirement(r);
    return { name, extras, cond: true };
  });
  while (todo.length) {
    const { name, extras, cond } = todo.pop()!;
    const p = packages.get(name);
    if (!p) throw new Error(`${name} is not in the shipped resolution; run \`npm run pins -- --lock\``);
    const had = when.get(name);
    let grew = false;
    if (cond === true) {
      grew = had !== true;
      if (grew) when.set(name, true);
    } else if (had === undefined) {
      when.set(name, new Set([cond]));
      grew = true;
    } else if (had !== true && !had.has(cond)) {
      had.add(cond);
      grew = true;
    }
    const seenExtras = extrasOf.get(name) ?? new Set<string>();
    extrasOf.set(name, seenExtras);
    const newExtras = extras.filter((e) => !seenExtras.has(e));
    for (const e of newExtras) seenExtras.add(e);
    // On a new condition every edge is followed again with it; on new extras only those extras' edges.
    const edges: Dep[] = grew
      ? [...(p.dependencies ?? []), ...[...seenExtras].flatMap((e) => p['optional-dependencies']?.[e] ?? [])]
      : newExtras.flatMap((e) => p['optional-dependencies']?.[e] ?? []);
    const now = when.get(name)!;
    for (const d of edges) {
      for (const c of now === true ? [true as const] : now) {
        todo.push({ name: d.name, extras: d.extra ?? [], cond: and(c, d.marker) });
      }
    }
  }
  return when;
}

// A condition is a conjunction of edge markers, kept as their sorted set (joined by a separator), so a cycle of
// conditional edges adds nothing new and the walk ends.
const SEP = '\u0000';

function and(cond: string | true, marker: string | undefined): string | true {
  if (!marker) return cond;
  const atoms = new Set(cond === true ? [] : cond.split(SEP));
  atoms.add(marker);
  return [...atoms].sort().join(SEP);
}

function markerOf(cond: true | Set<string>): string {
  if (cond === true) return '';
  const conjunction = (c: string) => {
    const atoms = c.split(SEP);
    return atoms.length === 1 ? atoms[0]! : atoms.map((a) => `(${a})`).join(' and ');
  };
  const alternatives = [...cond].sort().map(conjunction);
  return alternatives.length === 1 ? alternatives[0]! : alternatives.map((c) => `(${c})`).join(' or ');
}

/**
 * A requirements file with every package the pins reach, hashed. `title` opens it; `command` is how the
 * project regenerates it (pip-compile), said in the header.
 */
export function hashedRequirements(allRoots: string[], header: string[]): string {
  const { packages } = resolution();
  const pending = unresolved(allRoots);
  const roots = allRoots.filter((r) => !pending.includes(r));
  const when = neededWhen(roots);
  const direct = new Set(roots.map((r) => parseRequirement(r).name));
  const lines = header.map((h) => (h ? `# ${h}` : '#'));
  if (pending.length > 0) {
    // Unhashed on purpose: --require-hashes refuses to install until `make lock` has locked them.
    lines.push('# Not locked yet (outside the resolution the generator ships): run `make lock` before the first build.', ...pending);
  }
  for (const name of [...when.keys()].sort()) {
    const p = packages.get(name)!;
    const marker = markerOf(when.get(name)!);
    const hashes = [p.sdist?.hash, ...(p.wheels ?? []).map((w) => w.hash)].filter((h): h is string => Boolean(h)).sort();
    if (hashes.length === 0) throw new Error(`${name} has no file hashes in the shipped resolution`);
    lines.push(
      `${normalise(name)}==${p.version}${marker ? ` ; ${marker}` : ''} \\`,
      ...hashes.map((h, i) => `    --hash=${h}${i < hashes.length - 1 ? ' \\' : ''}`),
      ...(direct.has(name) ? [] : ['    # (indirect)']),
    );
  }
  return `${lines.join('\n')}\n`;
}
