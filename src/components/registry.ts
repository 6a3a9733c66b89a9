// The registry: every component, and which of them a set of answers selects.
import type { Answers } from '../answers/options.js';
import { CACHE_COMPONENTS } from './caches.js';
import { CORE_COMPONENTS } from './core.js';
import { DATABASE_COMPONENTS } from './databases.js';
import { FRAMEWORK_COMPONENTS, ORM_COMPONENTS } from './frameworks.js';
import { EXTRA_COMPONENTS } from './extras.js';
import { OBSERVABILITY_COMPONENTS } from './observability.js';
import { PROXY_COMPONENTS } from './proxies.js';
import type { Component } from './types.js';

export const COMPONENTS: readonly Component[] = [
  ...CORE_COMPONENTS,
  ...FRAMEWORK_COMPONENTS,
  ...ORM_COMPONENTS,
  ...DATABASE_COMPONENTS,
  ...CACHE_COMPONENTS,
  ...PROXY_COMPONENTS,
  ...OBSERVABILITY_COMPONENTS,
  ...EXTRA_COMPONENTS,
];

export function componentById(id: string): Component | undefined {
  return COMPONENTS.find((c) => c.id === id);
}

/** The ids of the components a set of answers selects, including those derived from other choices. */
export function componentIdsFor(a: Answers): Set<string> {
  const ids = new Set<string>(CORE_COMPONENTS.map((c) => c.id));
  ids.add(a.framework);
  for (const choice of [a.database, a.cache, a.proxy]) if (choice !== 'none') ids.add(choice);
  for (const o of a.observability) ids.add(o);
  for (const e of a.extras) ids.add(e);
  if (a.framework !== 'django' && a.database !== 'none') ids.add('sqlalchemy');
  return ids;
}
