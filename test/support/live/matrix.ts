// Which stacks the live tier runs: the default stack (every check), the full-featured stack of each framework
// (every observability option), and enough others that every pair of framework × database × cache × proxy
// values appears in at least one of them, each way of installing the dependencies (uv, pip) too (a pairwise
// covering set, seeded with the stacks above).
import { CACHES, DATABASES, FRAMEWORKS, OBSERVABILITY, PACKAGINGS, PROXIES, type Observability } from '../../../src/answers/options.js';
import { defaultsFor } from '../../../src/answers/options.js';
import { coveringSet, uncoveredPairs, type Factors, type Row } from './combos.js';
import type { Combination } from './run.js';

export const FACTORS: Factors = { framework: FRAMEWORKS, database: DATABASES, cache: CACHES, proxy: PROXIES, packaging: PACKAGINGS };

const FULL_OBSERVABILITY: Observability[] = [...OBSERVABILITY];
/** Full-featured stacks: every observability option, and a database, cache and proxy each (varied). */
const FULL: Row[] = [
  { framework: 'fastapi', database: 'postgres', cache: 'redis', proxy: 'nginx', packaging: 'uv' },
  { framework: 'flask', database: 'mysql', cache: 'memcached', proxy: 'caddy', packaging: 'pip' },
  { framework: 'django', database: 'mariadb', cache: 'redis', proxy: 'nginx', packaging: 'uv' },
];

function idOf(r: Row, suffix = ''): string {
  return `${r.framework}-${r.database}-${r.cache}-${r.proxy}${r.packaging === 'pip' ? '-pip' : ''}${suffix}`;
}

export function liveMatrix(): Combination[] {
  const d = defaultsFor('e2e');
  const defaultRow: Row = { framework: d.framework, database: d.database, cache: d.cache, proxy: d.proxy, packaging: d.packaging };
  const rows = coveringSet(FACTORS, [defaultRow, ...FULL]);
  if (uncoveredPairs(FACTORS, rows).length) throw new Error('internal: the covering set misses pairs');
  const out: Combination[] = [];
  rows.forEach((r, i) => {
    const isDefault = i === 0;
    const isFull = i >= 1 && i <= FULL.length;
    out.push({
      id: isDefault ? idOf(r) : isFull ? idOf(r, '-full') : idOf(r),
      answers: {
        framework: r.framework as Combination['answers']['framework'],
        database: r.database as Combination['answers']['database'],
        cache: r.cache as Combination['answers']['cache'],
        proxy: r.proxy as Combination['answers']['proxy'],
        packaging: r.packaging!,
        observability: isFull ? FULL_OBSERVABILITY : d.observability,
      },
      roles: isDefault ? ['default', 'pairwise'] : isFull ? ['full', 'pairwise'] : ['pairwise'],
      all: isDefault,
    });
  });
  // Made another way, and held to the same live checks: a project that got Redis by `pydocker add`, and one
  // made with a team preset (extra variable, labels, an overlay file).
  out.push(
    {
      id: 'fastapi-postgres-redis-nginx-added',
      answers: { framework: 'fastapi', database: 'postgres', cache: 'redis', proxy: 'nginx', packaging: 'uv', observability: d.observability },
      roles: ['add'],
      all: false,
      madeBy: { add: ['redis'] },
    },
    {
      // The default stack as 0.1.0 made it, moved here by `pydocker upgrade` (pip, PostgreSQL 17 kept).
      id: 'fastapi-postgres-redis-nginx-upgraded',
      answers: { framework: 'fastapi', database: 'postgres', cache: 'redis', proxy: 'nginx', packaging: 'pip', observability: d.observability },
      roles: ['upgrade'],
      all: false,
      madeBy: { upgrade: '0.1.0' },
    },
    {
      id: 'flask-postgres-redis-caddy-preset',
      answers: { framework: 'flask', database: 'postgres', cache: 'redis', proxy: 'caddy', packaging: 'pip', observability: d.observability },
      roles: ['preset'],
      all: false,
      madeBy: { preset: true },
    },
  );
  return out;
}

/** Only the stacks whose id matches $E2E_ONLY (a regular expression), when set. */
export function selected(all: Combination[]): Combination[] {
  const only = process.env.E2E_ONLY;
  return only ? all.filter((c) => new RegExp(only).test(c.id)) : all;
}
