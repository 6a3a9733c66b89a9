// Every valid combination of choices, for checks that must hold for all of them (the test matrix, and later
// a CLI that lists or generates them).
//
// The structural choices (framework, database, cache, proxy, observability) are crossed fully: each of them
// changes which services, files and wiring a project gets. The value-only answers (Python version, packaging,
// port, name, registry) only change values inside files (image tags, a port number, names), so they are crossed pairwise:
// every value of each of them appears together with every value of every structural choice, and with every
// value of each other value-only answer. That keeps the matrix at one project per structural combination.
import {
  type Answers,
  type Extra,
  type Observability,
  type PythonVersion,
  CACHES,
  DATABASES,
  FRAMEWORKS,
  OBSERVABILITY,
  PACKAGINGS,
  PROXIES,
  PYTHONS,
  defaultsFor,
} from './options.js';
import { defaultBroker, missingRequirements } from '../components/choices.js';
import { checkAnswers } from './validate.js';

/** Whether a set of observability choices is allowed together (e.g. grafana reads from prometheus). */
export function isValidObservability(selection: readonly Observability[]): boolean {
  return missingRequirements({ observability: [...selection] }).length === 0;
}

/** Every valid subset of the observability choices, in canonical order (12 of the 16 subsets). */
export function observabilitySubsets(): Observability[][] {
  const subsets: Observability[][] = [];
  for (let mask = 0; mask < 1 << OBSERVABILITY.length; mask++) {
    const subset = OBSERVABILITY.filter((_, i) => (mask & (1 << i)) !== 0);
    if (isValidObservability(subset)) subsets.push(subset);
  }
  return subsets.sort((x, y) => x.length - y.length || x.join(',').localeCompare(y.join(',')));
}

/** Value-only answers crossed pairwise. Ports: the default and one a proxy or another service might also want. */
export const MATRIX_PYTHONS: readonly PythonVersion[] = PYTHONS;
export const MATRIX_PORTS: readonly number[] = [8000, 8080];
/** Project identities: the default-style name and registry, and one with an underscore, digits and a remote registry. */
export const MATRIX_IDENTITIES: readonly { name: string; registry: string }[] = [
  { name: 'my-service', registry: 'my-service' },
  { name: 'shop_api2', registry: 'ghcr.io/acme/shop-api2' },
];

const OBSERVABILITY_SUBSETS = observabilitySubsets();

/**
 * Sets of extra services, crossed with the rest like the value-only answers (each extra only adds services
 * and files of its own). A set the rules refuse for a combination (a worker without a broker, Adminer
 * without a database server) gives way to the next one.
 */
export const MATRIX_EXTRAS: readonly Extra[][] = [
  [],
  ['worker'],
  ['rabbitmq'],
  ['adminer'],
  ['rabbitmq', 'worker'],
  ['rabbitmq', 'worker', 'adminer'],
  ['kubernetes'],
  ['worker', 'kubernetes'],
];

/** Number of structural combinations, which is also the number of combinations `combinations()` returns. */
export const COMBINATION_COUNT = FRAMEWORKS.length * DATABASES.length * CACHES.length * PROXIES.length * OBSERVABILITY_SUBSETS.length;

/**
 * Every valid combination, one per structural combination, with the value-only answers assigned so that
 * each pair of values (value-only × any other answer) occurs at least once, unless the answer rules forbid
 * that pair (then the next value is used). Deterministic order.
 */
export function combinations(): Answers[] {
  const out: Answers[] = [];
  for (const [f, framework] of FRAMEWORKS.entries()) {
    for (const [d, database] of DATABASES.entries()) {
      for (const [c, cache] of CACHES.entries()) {
        for (const [p, proxy] of PROXIES.entries()) {
          for (const [o, observability] of OBSERVABILITY_SUBSETS.entries()) {
            // Sums of indices modulo the number of values: for any fixed value of one answer the others still
            // run through every residue, so every pair appears. The weights differ so that the value-only
            // answers are not locked to each other.
            const python = MATRIX_PYTHONS[(f + d + c + p + o) % MATRIX_PYTHONS.length]!;
            // The cache's even weight keeps packaging independent of the Python version.
            const packaging = PACKAGINGS[(f + d + 2 * c + p + o) % PACKAGINGS.length]!;
            const portIndex = f + 2 * d + c + p + o + Math.floor((f + d + c + p + o) / MATRIX_PYTHONS.length);
            const identity = MATRIX_IDENTITIES[(d + c + 2 * p + o + f * 3 + Math.floor(o / 2)) % MATRIX_IDENTITIES.length]!;
            const base: Answers = {
              ...defaultsFor(identity.name),
              ...identity,
              framework,
              database,
              cache,
              proxy,
              observability: [...observability],
              python,
              packaging,
              port: 0,
            };
            // The assigned port and extras, or the next ones the answer rules accept for this combination.
            const extrasIndex = 2 * f + d + c + 2 * p + o;
            search: for (let e = 0; e < MATRIX_EXTRAS.length; e++) {
              const extras = [...MATRIX_EXTRAS[(extrasIndex + e) % MATRIX_EXTRAS.length]!];
              const broker = defaultBroker({ extras });
              for (let k = 0; k < MATRIX_PORTS.length; k++) {
                const answers = { ...base, extras, broker, port: MATRIX_PORTS[(portIndex + k) % MATRIX_PORTS.length]! } as Answers;
                if (checkAnswers(answers).length === 0) {
                  out.push(answers);
                  break search;
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}

/** A short, stable, human-readable label of a combination, e.g. `fastapi/postgres/redis/nginx/prometheus+grafana/py3.13/8000`. */
export function combinationLabel(a: Answers): string {
  const obs = a.observability.length > 0 ? a.observability.join('+') : 'no-obs';
  const extras = a.extras.length > 0 ? `/${a.extras.join('+')}` : '';
  return `${a.framework}/${a.database}/${a.cache}/${a.proxy}/${obs}${extras}/py${a.python}/${a.packaging}/${a.port}/${a.name}`;
}
